# shellcheck shell=bash
# Sourced by the shell scripts in this folder. Versions, paths and n8n's environment are defined
# once, in scripts/lib/n8n-runtime.js; this file only asks it.

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
N8N_RUNTIME_JS="$REPO_ROOT/scripts/lib/n8n-runtime.js"

# n8n_resolve_line 1|2 -> N8N_VERSION N8N_DIR N8N_NODE N8N_BIN NODE24_DIR NODE24_VERSION N8N_RUNTIME_ROOT
n8n_resolve_line() {
	local vars
	vars="$(node "$N8N_RUNTIME_JS" shell-vars "$1")" || return 2
	eval "$vars"
}

# Directory holding include/node/ for the Node that runs n8n (node-gyp's --nodedir), or "".
n8n_node_headers_dir() {
	local want real prefix
	want="$("$N8N_NODE" -p 'process.versions.node')"
	real="$(readlink -f "$N8N_NODE")"
	for prefix in "$(dirname "$(dirname "$real")")" "$NODE24_DIR"/node_modules/node/node_modules/node-*; do
		if [ -f "$prefix/include/node/node_version.h" ] && [ "$(n8n_headers_version "$prefix")" = "$want" ]; then
			echo "$prefix"
			return 0
		fi
	done
	echo ""
}

n8n_headers_version() {
	awk '/define NODE_MAJOR_VERSION/ {a=$3} /define NODE_MINOR_VERSION/ {b=$3} /define NODE_PATCH_VERSION/ {c=$3} END {print a"."b"."c}' \
		"$1/include/node/node_version.h"
}

# npm ci when node_modules is missing or older than package-lock.json. No install scripts (the
# project's .npmrc says ignore-scripts=true, and says why): n8n-core/n8n-workflow pull isolated-vm,
# whose install script compiles it and fails on Node < 24; the libraries load without it.
ensure_project_deps() {
	if [ ! -f "$REPO_ROOT/node_modules/.package-lock.json" ] ||
		[ "$REPO_ROOT/package-lock.json" -nt "$REPO_ROOT/node_modules/.package-lock.json" ]; then
		echo "[setup] installing the project's dependencies (npm ci, about 30 s)" >&2
		(cd "$REPO_ROOT" && npm ci --ignore-scripts --no-audit --no-fund >&2)
	fi
}

# npm run build (tsc + icons): quick, and the n8n we start must load the current code.
build_project() {
	echo "[setup] building the package (npm run build)" >&2
	(cd "$REPO_ROOT" && npm run --silent build >&2)
}
