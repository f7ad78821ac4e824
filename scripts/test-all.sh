#!/usr/bin/env bash
# Runs every test: the unit and integration suites (jest, against the local emulator and inside
# n8n-core), the end-to-end suite in real n8n installs (test/e2e), then n8n's queue mode
# (test/queue, scripts/test-queue.sh). Prints jest's own counts, summed, as the last line:
# "N passed, N failed". TENSORSLAB_SKIP_E2E=1 / TENSORSLAB_SKIP_QUEUE=1 leave a part out.
set -uo pipefail
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=scripts/n8n-env.sh
source "$SCRIPT_DIR/n8n-env.sh"
cd "$REPO_ROOT"
# From a fresh clone this is the only command needed: dependencies and dist/ first (the package
# tests read dist/; the end-to-end suite packs it).
if ! { ensure_project_deps && build_project; }; then
	echo "setup failed (npm ci or npm run build, above): no test ran" >&2
	echo "0 passed, 0 failed"
	exit 1
fi
results=$(mktemp -d)
status=0

npx --no-install jest --detectOpenHandles --json --outputFile="$results/unit.json" "$@" || status=1

if [ "${TENSORSLAB_SKIP_E2E:-}" != "1" ] && [ -f test/e2e/jest.config.js ]; then
	# The pinned n8n runtimes, installed here rather than inside jest so that a first run shows its
	# progress (the suite would otherwise install a missing one itself, silently). If one fails, the
	# suite does not retry (TENSORSLAB_E2E_NO_INSTALL): that line's tests fail and say so.
	IFS=',' read -r -a e2e_lines <<<"${TENSORSLAB_E2E_LINES:-2,1}"
	for line in "${e2e_lines[@]}"; do
		"$SCRIPT_DIR/install-n8n.sh" "$line" >/dev/null || status=1
	done
	# Debian's Chromium for the editor test (test/e2e/editor.e2e.test.ts), installed here for the
	# same reason: a new machine shows the install instead of a silent pause inside jest.
	"$SCRIPT_DIR/ensure-chromium.sh" >/dev/null || status=1
	TENSORSLAB_E2E_NO_INSTALL=1 npx --no-install jest -c test/e2e/jest.config.js --runInBand --json \
		--outputFile="$results/e2e.json" || status=1
fi

if [ "${TENSORSLAB_SKIP_QUEUE:-}" != "1" ]; then
	# n8n's queue mode (test/queue: Redis, PostgreSQL, main + two workers). It fits CI's 90 minutes
	# from a new machine (measured: docs/queue-mode.md), so it is part of every test run.
	# It installs redis-server/PostgreSQL when missing (as root or with sudo) and leaves nothing
	# running, pass or fail.
	TENSORSLAB_QUEUE_JSON_OUT="$results/queue.json" bash "$SCRIPT_DIR/test-queue.sh" || status=1
fi

node -e '
const fs = require("fs");
let passed = 0, failed = 0;
for (const f of fs.readdirSync(process.argv[1])) {
	const r = JSON.parse(fs.readFileSync(process.argv[1] + "/" + f, "utf8"));
	passed += r.numPassedTests;
	failed += r.numFailedTests + (r.numRuntimeErrorTestSuites || 0);
}
console.log(`${passed} passed, ${failed} failed`);
' "$results"
rm -rf "$results"
exit $status
