#!/usr/bin/env bash
# One command from a fresh clone (`npm start`): install what is missing, build, install the pinned
# n8n (first run on a machine only: about 6 minutes and 3.1 GB, with progress; shared by every clone,
# see scripts/install-n8n.sh), then run scripts/start.js (n8n with this node, credential, examples,
# owner login; the emulator unless TENSORSLAB_API_KEY is set) until Ctrl-C. Options and
# environment: see start.js.
set -euo pipefail
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=scripts/n8n-env.sh
source "$SCRIPT_DIR/n8n-env.sh"

ensure_project_deps
build_project
"$SCRIPT_DIR/install-n8n.sh" "${TENSORSLAB_N8N_LINE:-2}" >/dev/null
exec node "$SCRIPT_DIR/start.js" "$@"
