#!/usr/bin/env bash
# `npm run test:queue`: the node in n8n's queue mode on this machine (test/queue/queue-mode.spec.ts):
# Redis, PostgreSQL, n8n 2.41.1 as main instance + two workers, the emulator. From a fresh clone:
#   1. the project's dependencies and dist/ (as npm run test:all),
#   2. n8n 2.41.1 (scripts/install-n8n.sh 2; shared with the e2e suite, first time about 4 min),
#   3. redis-server and PostgreSQL from the distribution's packages when missing (as root or with
#      password-less sudo: scripts/queue/services.sh ensure),
#   4. jest -c test/queue/jest.config.js, which starts every process on free loopback ports and
#      stops them again,
# then prints what ran where (<run dir>/report.txt). Whatever happens, nothing it started is left
# running: the EXIT trap stops any process group the run recorded (scripts/queue/services.sh
# cleanup); so does the next run for an earlier run whose script was killed outright. Run folders:
# .e2e/queue/run-<time>/ (logs of every process; the last 3 are kept). Two runs at once (two
# terminals, one clone) do not touch each other's processes.
# Extra arguments go to jest. Last line: "N passed, N failed" (as test:all). With
# TENSORSLAB_QUEUE_JSON_OUT=<file>, jest's JSON result is copied there too (for test-all.sh's sum).
set -uo pipefail
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=scripts/n8n-env.sh
source "$SCRIPT_DIR/n8n-env.sh"
cd "$REPO_ROOT"
T0=$(date +%s)
log() { printf '[test:queue] %s\n' "$*" >&2; }

RUNS="$REPO_ROOT/.e2e/queue"
RUN_DIR="$RUNS/run-$(date -u +%Y%m%dT%H%M%SZ)-$$"
mkdir -p "$RUN_DIR"
# This script's PID and start time: an earlier run is "orphaned" once its script is gone.
echo "$$ $(sed 's/.*) //' "/proc/$$/stat" 2>/dev/null | awk '{print $20}')" >"$RUN_DIR/owner"
SERVICES="$SCRIPT_DIR/queue/services.sh"

# What an earlier run left behind when its script was killed outright (SIGKILL: no trap ran).
clean_orphans() {
	local old
	for old in "$RUNS"/run-*; do
		[ "$old" != "$RUN_DIR" ] && [ -f "$old/pids" ] && bash "$SERVICES" orphaned "$old" && bash "$SERVICES" cleanup "$old"
	done
	return 0
}
clean_orphans

JEST_PID=""
finish() {
	local rc=$?
	trap - EXIT INT TERM HUP
	# jest first (it would go on talking to what is about to stop), then what it started.
	if [ -n "$JEST_PID" ] && kill -0 "$JEST_PID" 2>/dev/null; then
		kill -TERM "$JEST_PID" 2>/dev/null
		for _ in 1 2 3 4 5; do kill -0 "$JEST_PID" 2>/dev/null || break; sleep 1; done
		kill -KILL "$JEST_PID" 2>/dev/null
	fi
	bash "$SERVICES" cleanup "$RUN_DIR"
	exit "$rc"
}
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

# Keep the three most recent runs (never one whose script still runs).
ls -1d "$RUNS"/run-* 2>/dev/null | sort | head -n -3 | while read -r old; do
	bash "$SERVICES" orphaned "$old" && rm -rf "$old"
done

step() { # step <label> <command...>
	local s0 rc
	s0=$(date +%s)
	log "$1 ..."
	shift
	"$@"
	rc=$?
	log "  done in $(($(date +%s) - s0)) s (exit $rc)"
	return "$rc"
}

# For test-all.sh's sum: a run that could not report counts as one failure.
json_failure() {
	if [ -n "${TENSORSLAB_QUEUE_JSON_OUT:-}" ]; then echo '{"numPassedTests":0,"numFailedTests":1}' >"$TENSORSLAB_QUEUE_JSON_OUT"; fi
}

fail_setup() {
	log "setup failed (above): no test ran"
	json_failure
	echo "0 passed, 0 failed"
	exit 1
}

step "dependencies and build" bash -c "source '$SCRIPT_DIR/n8n-env.sh' && ensure_project_deps && build_project" || fail_setup
step "n8n 2.41.1 (scripts/install-n8n.sh 2)" bash "$SCRIPT_DIR/install-n8n.sh" 2 >/dev/null || fail_setup
step "Redis and PostgreSQL (scripts/queue/services.sh ensure)" bash "$SERVICES" ensure || fail_setup
SETUP_S=$(($(date +%s) - T0))

results="$RUN_DIR/jest.json"
status=0
T1=$(date +%s)
# In the background and waited for, so that the EXIT trap knows its PID.
TENSORSLAB_QUEUE_RUN_DIR="$RUN_DIR" node "$REPO_ROOT/node_modules/jest/bin/jest.js" -c test/queue/jest.config.js --runInBand \
	--json --outputFile="$results" "$@" &
JEST_PID=$!
wait "$JEST_PID" || status=1
JEST_PID=""
TEST_S=$(($(date +%s) - T1))
if [ -n "${TENSORSLAB_QUEUE_JSON_OUT:-}" ]; then
	if [ -f "$results" ]; then cp "$results" "$TENSORSLAB_QUEUE_JSON_OUT"; else json_failure; fi
fi

echo
echo "=== what ran where (${RUN_DIR#"$REPO_ROOT"/}/report.txt) ==="
cat "$RUN_DIR/report.txt" 2>/dev/null || echo "(no report: the run stopped before it started)"
echo "setup ${SETUP_S} s, tests ${TEST_S} s, total $(($(date +%s) - T0)) s"
node -e '
const fs = require("fs");
let passed = 0, failed = 1;
try {
	const r = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
	passed = r.numPassedTests;
	failed = r.numFailedTests + (r.numRuntimeErrorTestSuites || 0);
} catch {}
console.log(`${passed} passed, ${failed} failed`);
' "$results"
exit $status
