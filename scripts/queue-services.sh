#!/usr/bin/env bash
# Postgres and Redis for n8n's queue mode, from Debian's packages (installed when missing), on free
# loopback ports, with all their data in one folder of their own.
#
#   bash scripts/queue-services.sh start <folder>   prints POSTGRES_PORT=… and REDIS_PORT=… (also in
#                                                   <folder>/services.env)
#   bash scripts/queue-services.sh stop <folder>    stops both; the folder stays (delete it yourself)
set -euo pipefail

action="${1:-}"
DIR="${2:-}"
if [[ "$action" != start && "$action" != stop || -z "$DIR" ]]; then
	echo "usage: bash scripts/queue-services.sh start|stop <folder>" >&2
	exit 2
fi
mkdir -p "$DIR"
DIR="$(cd "$DIR" && pwd)"

pg_bin() {
	local found
	found="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
	[[ -n "$found" ]] && echo "$found"
}

if [[ "$action" == stop ]]; then
	if [[ -f "$DIR/postgres/PG_VERSION" ]] && bin="$(pg_bin)"; then
		runuser -u postgres -- "$bin/pg_ctl" -D "$DIR/postgres" -m fast -w stop >/dev/null 2>&1 || true
	fi
	if [[ -f "$DIR/redis/redis.pid" ]]; then
		pid="$(cat "$DIR/redis/redis.pid")"
		kill "$pid" 2>/dev/null || true
		while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
	fi
	exit 0
fi

if [[ -z "$(pg_bin)" ]] || ! command -v redis-server >/dev/null; then
	echo "Installing postgresql and redis-server from Debian's packages" >&2
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql redis-server >/dev/null
fi
bin="$(pg_bin)"

free_port() {
	node -e "const s = require('net').createServer().listen(0, '127.0.0.1', () => {
		console.log(s.address().port); s.close(); })"
}
POSTGRES_PORT="$(free_port)"
REDIS_PORT="$(free_port)"

# Postgres refuses to run as root: the cluster belongs to the postgres user, trust on loopback only.
rm -rf "$DIR/postgres" "$DIR/redis"
mkdir -p "$DIR/postgres" "$DIR/redis"
chown postgres "$DIR" "$DIR/postgres"
runuser -u postgres -- "$bin/initdb" -D "$DIR/postgres" -U postgres --auth=trust -E UTF8 \
	>"$DIR/initdb.log" 2>&1
runuser -u postgres -- "$bin/pg_ctl" -D "$DIR/postgres" -l "$DIR/postgres.log" -w \
	-o "-c listen_addresses=127.0.0.1 -p $POSTGRES_PORT -k $DIR/postgres -c fsync=off" start >/dev/null
runuser -u postgres -- "$bin/psql" -h 127.0.0.1 -p "$POSTGRES_PORT" -U postgres -q \
	-c "CREATE DATABASE n8n" >/dev/null

redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --dir "$DIR/redis" --save '' --appendonly no \
	--daemonize yes --pidfile "$DIR/redis/redis.pid" --logfile "$DIR/redis/redis.log"
for _ in $(seq 100); do
	redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG && break
	sleep 0.1
done

printf 'POSTGRES_PORT=%s\nREDIS_PORT=%s\n' "$POSTGRES_PORT" "$REDIS_PORT" | tee "$DIR/services.env"
