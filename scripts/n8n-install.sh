#!/usr/bin/env bash
# Installs the pinned, real n8n (scripts/pinned-n8n: package.json + package-lock.json) into
# <repo>/.n8n-e2e/n8n-<version> for the e2e suite and `npm run dev`.
# Cached: a folder whose completion marker matches the pin, the lockfile and the Node ABI is reused.
# To move to another n8n: edit scripts/pinned-n8n/package.json, delete its package-lock.json, run
# this script (it resolves afresh and writes the new lockfile back), and commit both files.
#
#   N8N_E2E_HOME  parent folder of the installs (default <repo>/.n8n-e2e)
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PIN_DIR="$REPO_ROOT/scripts/pinned-n8n"
E2E_HOME="${N8N_E2E_HOME:-$REPO_ROOT/.n8n-e2e}"
N8N_VERSION="$(node -p "require(process.argv[1]).dependencies.n8n" "$PIN_DIR/package.json")"
INSTALL_DIR="$E2E_HOME/n8n-$N8N_VERSION"
MARKER="$INSTALL_DIR/.install-complete"
LOG_FILE="$E2E_HOME/install-n8n-$N8N_VERSION.log"

pin_hash() {
	cat "$PIN_DIR/package.json" "$PIN_DIR/package-lock.json" 2>/dev/null | sha256sum | cut -c1-16
}
# sqlite3 is a native module: an install built for another Node ABI must not count as cached.
expected_marker() {
	echo "n8n@$N8N_VERSION node-abi=$(node -p 'process.versions.modules') pin=$(pin_hash)"
}

mkdir -p "$E2E_HOME"

# Serialise concurrent callers (npm run dev and the e2e suite may start together).
exec 9>"$E2E_HOME/.install.lock"
flock 9

if [[ -f "$MARKER" && "$(cat "$MARKER")" == "$(expected_marker)" ]]; then
	echo "n8n $N8N_VERSION already installed in ${INSTALL_DIR#"$REPO_ROOT"/}"
	exit 0
fi

echo "Installing n8n $N8N_VERSION into ${INSTALL_DIR#"$REPO_ROOT"/} (several minutes, about 2.3 GB; log: ${LOG_FILE#"$REPO_ROOT"/})"
started=$SECONDS
rm -rf "$INSTALL_DIR"
mkdir -p "$INSTALL_DIR"
# The pin carries "overrides": { "xlsx": "0.18.5" }: n8n-nodes-base pulls xlsx from the SheetJS CDN,
# which is unreachable here.
cp "$PIN_DIR/package.json" "$INSTALL_DIR/package.json"

# With the pinned lockfile present, npm installs exactly the locked versions. `npm ci` is not used:
# npm 11 leaves some other-platform optional packages (e.g. @msgpackr-extract/*-darwin-*) out of the
# lockfile it writes and `npm ci` then refuses it as out of sync.
if [[ -f "$PIN_DIR/package-lock.json" ]]; then
	cp "$PIN_DIR/package-lock.json" "$INSTALL_DIR/package-lock.json"
fi
# Install scripts must run: sqlite3 has no reachable prebuilt binary here and builds from source.
if ! (
	cd "$INSTALL_DIR" &&
		npm_config_yes=true npm install --no-audit --no-fund --no-update-notifier --loglevel=warn
) >"$LOG_FILE" 2>&1; then
	echo "npm install of n8n $N8N_VERSION failed; last lines of ${LOG_FILE#"$REPO_ROOT"/}:" >&2
	tail -n 40 "$LOG_FILE" >&2
	exit 1
fi

if ! (cd "$INSTALL_DIR" && node -e "
	const sqlite3 = require('sqlite3');
	const db = new sqlite3.Database(':memory:');
	db.get('select sqlite_version() as v', (err, row) => {
		if (err) { console.error(err.message); process.exit(1); }
		console.log('sqlite3 native module works (SQLite ' + row.v + ')');
		db.close();
	});
"); then
	echo "sqlite3 in the n8n install does not load: were install scripts skipped? See ${LOG_FILE#"$REPO_ROOT"/}" >&2
	exit 1
fi

installed_version="$("$INSTALL_DIR/node_modules/.bin/n8n" --version 2>/dev/null | tail -n 1)"
if [[ "$installed_version" != "$N8N_VERSION" ]]; then
	echo "Expected n8n $N8N_VERSION, the install reports '$installed_version'" >&2
	exit 1
fi

if [[ ! -f "$PIN_DIR/package-lock.json" ]]; then
	cp "$INSTALL_DIR/package-lock.json" "$PIN_DIR/package-lock.json"
	echo "Wrote scripts/pinned-n8n/package-lock.json for n8n $N8N_VERSION: commit it"
fi

expected_marker >"$MARKER"
echo "n8n $N8N_VERSION installed in $((SECONDS - started)) s"
