#!/usr/bin/env bash
# `npm run screenshots`: regenerates the README's pictures in docs/screenshots/ from the current
# node. It runs the editor end-to-end test (test/e2e/editor.e2e.test.ts: the real n8n 2.x editor
# in headless Chromium against the local emulator), which writes its screenshots there when
# TENSORSLAB_SCREENSHOTS_DIR is set. Installs what is missing first, as npm start does (the
# dependencies, the build, the pinned n8n 2.x, Debian's chromium package). Takes about 4 minutes.
# Extra arguments go to jest.
set -euo pipefail
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=scripts/n8n-env.sh
source "$SCRIPT_DIR/n8n-env.sh"

ensure_project_deps
build_project
"$SCRIPT_DIR/install-n8n.sh" 2 >/dev/null
"$SCRIPT_DIR/ensure-chromium.sh" >/dev/null
cd "$REPO_ROOT"
mkdir -p docs/screenshots
TENSORSLAB_SCREENSHOTS_DIR="$REPO_ROOT/docs/screenshots" TENSORSLAB_E2E_NO_INSTALL=1 \
	npx --no-install jest -c test/e2e/jest.config.js test/e2e/editor.e2e.test.ts "$@"
echo "screenshots written to docs/screenshots/:" >&2
ls -1 docs/screenshots >&2
