#!/usr/bin/env bash
# `npm run test:e2e`: the end-to-end suite against real n8n, both pinned lines by default
# (TENSORSLAB_E2E_LINES=2 or 1 for one). Installs what is missing, builds, installs the n8n
# runtimes (first time on a machine: about 6 min / 3.1 GB for 2.x and 4 min / 1.8 GB for 1.x, shared
# by every clone), then runs jest with test/e2e/jest.config.js.
# Extra arguments go to jest.
set -euo pipefail
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=scripts/n8n-env.sh
source "$SCRIPT_DIR/n8n-env.sh"

ensure_project_deps
build_project
IFS=',' read -r -a lines <<<"${TENSORSLAB_E2E_LINES:-2,1}"
for line in "${lines[@]}"; do
	"$SCRIPT_DIR/install-n8n.sh" "$line" >/dev/null
done
cd "$REPO_ROOT"
exec npx jest -c test/e2e/jest.config.js "$@"
