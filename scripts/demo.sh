#!/usr/bin/env bash
# `npm run demo`: runs examples/01-text-to-image.json headlessly in a real n8n (`n8n execute`)
# against the emulator, or the real API when TENSORSLAB_API_KEY is set, and leaves the PNG files
# in ./output (TENSORSLAB_OUTPUT_DIR). Environment: see scripts/demo.js.
set -euo pipefail
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=scripts/n8n-env.sh
source "$SCRIPT_DIR/n8n-env.sh"

ensure_project_deps
build_project
"$SCRIPT_DIR/install-n8n.sh" "${TENSORSLAB_N8N_LINE:-2}" >/dev/null
exec node "$SCRIPT_DIR/demo.js" "$@"
