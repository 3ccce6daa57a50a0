#!/usr/bin/env bash
# Installs a pinned, real n8n (a pin folder: package.json + package-lock.json) into
# $N8N_E2E_HOME/n8n-<version> for the e2e suite and `npm run dev`.
#
#   bash scripts/n8n-install.sh [pin]   pin: a folder name under scripts/ or a path
#                                       (default $N8N_E2E_PIN, else pinned-n8n = n8n 2.8.4 on Node 20)
#   N8N_E2E_HOME  parent folder of the installs (default <repo>/.n8n-e2e)
#
# A pin's package.json may carry "n8nInstall" (npm ignores the field):
#   "node": "24.22.3"       install and check with that Node (scripts/node-pinned.sh, from the npm
#                           registry), not with the Node on PATH
#   "ignoreScripts": true   install with --ignore-scripts, then `npm rebuild` only the packages in
#   "rebuild": [names]      "rebuild" (for pins where some install script downloads from the internet)
#
# Cached: a folder whose completion marker matches the pin, the lockfile and the Node ABI is reused.
# To move to another n8n: edit the pin's package.json, delete its package-lock.json, run this script
# (it resolves afresh and writes the new lockfile back), and commit both files.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PIN="${1:-${N8N_E2E_PIN:-pinned-n8n}}"
if [[ "$PIN" == */* ]]; then PIN_DIR="$(cd "$PIN" && pwd)"; else PIN_DIR="$REPO_ROOT/scripts/$PIN"; fi
if [[ ! -f "$PIN_DIR/package.json" ]]; then
	echo "No pin '$PIN': expected $PIN_DIR/package.json (pins: scripts/pinned-n8n, scripts/pinned-n8n-newest)" >&2
	exit 1
fi
E2E_HOME="${N8N_E2E_HOME:-$REPO_ROOT/.n8n-e2e}"

pin_field() {
	node -p "const v = require(process.argv[1])$1; Array.isArray(v) ? v.join(' ') : (v ?? '')" \
		"$PIN_DIR/package.json"
}
N8N_VERSION="$(pin_field .dependencies.n8n)"
NODE_VERSION="$(pin_field '.n8nInstall?.node')"
IGNORE_SCRIPTS="$(pin_field '.n8nInstall?.ignoreScripts')"
REBUILD="$(pin_field '.n8nInstall?.rebuild')"

if [[ -n "$NODE_VERSION" ]]; then
	NODE_DIR="$(PINNED_NODE_VERSION="$NODE_VERSION" bash "$REPO_ROOT/scripts/node-pinned.sh")"
	export PATH="$NODE_DIR/bin:$PATH"
	# node-gyp builds against the headers that come with the pinned Node instead of downloading them.
	export npm_config_nodedir="$NODE_DIR"
fi

INSTALL_DIR="$E2E_HOME/n8n-$N8N_VERSION"
MARKER="$INSTALL_DIR/.install-complete"
LOG_FILE="$E2E_HOME/install-n8n-$N8N_VERSION.log"

pin_hash() {
	cat "$PIN_DIR/package.json" "$PIN_DIR/package-lock.json" 2>/dev/null | sha256sum | cut -c1-16
}
# Native modules (sqlite3, ...): an install built for another Node ABI must not count as cached.
expected_marker() {
	echo "n8n@$N8N_VERSION node-abi=$(node -p 'process.versions.modules') pin=$(pin_hash)"
}

mkdir -p "$E2E_HOME"

# Serialise concurrent callers of one version (npm run dev and the e2e suite may start together);
# installs of different versions do not wait for each other.
exec 9>"$E2E_HOME/.install-n8n-$N8N_VERSION.lock"
flock 9

if [[ -f "$MARKER" && "$(cat "$MARKER")" == "$(expected_marker)" ]]; then
	echo "n8n $N8N_VERSION (Node $(node --version)) already installed in ${INSTALL_DIR#"$REPO_ROOT"/}"
	exit 0
fi

echo "Installing n8n $N8N_VERSION with Node $(node --version) into ${INSTALL_DIR#"$REPO_ROOT"/} (several minutes, 2-3 GB; log: ${LOG_FILE#"$REPO_ROOT"/})"
started=$SECONDS
rm -rf "$INSTALL_DIR"
mkdir -p "$INSTALL_DIR"
# The pins carry "overrides": { "xlsx": "0.18.5" }: n8n-nodes-base pulls xlsx from the SheetJS CDN,
# which is unreachable here.
cp "$PIN_DIR/package.json" "$INSTALL_DIR/package.json"

# With the pinned lockfile present, npm installs exactly the locked versions. `npm ci` is not used:
# npm 11 leaves some other-platform optional packages (e.g. @msgpackr-extract/*-darwin-*) out of the
# lockfile it writes and `npm ci` then refuses it as out of sync.
if [[ -f "$PIN_DIR/package-lock.json" ]]; then
	cp "$PIN_DIR/package-lock.json" "$INSTALL_DIR/package-lock.json"
fi
install_args=(--no-audit --no-fund --no-update-notifier --loglevel=warn)
# Otherwise install scripts must run: sqlite3 has no reachable prebuilt binary here and builds from
# source.
[[ "$IGNORE_SCRIPTS" == "true" ]] && install_args+=(--ignore-scripts)
if ! (
	cd "$INSTALL_DIR" &&
		npm_config_yes=true npm install "${install_args[@]}" &&
		if [[ "$IGNORE_SCRIPTS" == "true" && -n "$REBUILD" ]]; then
			echo "== npm rebuild $REBUILD"
			# shellcheck disable=SC2086 # a list of package names
			npm_config_yes=true npm rebuild --no-update-notifier --loglevel=warn $REBUILD
		fi
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
	echo "Wrote ${PIN_DIR#"$REPO_ROOT"/}/package-lock.json for n8n $N8N_VERSION: commit it"
fi

expected_marker >"$MARKER"
echo "n8n $N8N_VERSION installed in $((SECONDS - started)) s"
