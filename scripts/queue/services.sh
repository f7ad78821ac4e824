#!/usr/bin/env bash
# Redis and PostgreSQL for `npm run test:queue`, from the distribution's packages.
#
#   scripts/queue/services.sh ensure          # install redis-server / postgresql when missing
#   scripts/queue/services.sh cleanup <dir>   # stop what a test run in <dir> left running
#   scripts/queue/services.sh orphaned <dir>  # exit 0 when the script that ran <dir> is gone
#
# ensure: needs root (or password-less sudo) only when something is missing; then it runs
# `apt-get update` once and `apt-get install -y --no-install-recommends redis-server postgresql`.
# The packages may start their own system services (on a machine with systemd); those are not the
# ones the test uses (it starts its own, on free loopback ports), so a service that the install
# just started is stopped and disabled again: after the install nothing runs that did not before.
#
# cleanup: the test (test/queue/cluster.ts) records every process group it starts in <dir>/pids
# ("<pgid> <name> <start time>") and puts TENSORSLAB_QUEUE_RUN=<run id> (<dir>/run-id) in each
# one's environment. A recorded group is signalled only while its leader is still the recorded
# process (same PID, same start time in /proc/<pid>/stat) or one of its processes carries the
# marker, so a process ID the system has since reused is never touched. TERM first, KILL after 15 s.
set -uo pipefail

log() { printf '[test:queue] %s\n' "$*" >&2; }

pg_bindir() {
	if [ -n "${TENSORSLAB_PG_BINDIR:-}" ]; then echo "$TENSORSLAB_PG_BINDIR"; return 0; fi
	if command -v postgres >/dev/null 2>&1 && command -v initdb >/dev/null 2>&1; then
		dirname "$(command -v postgres)"
		return 0
	fi
	# Debian keeps the server programs out of PATH, in postgresql-<major>: ask dpkg where.
	command -v dpkg-query >/dev/null 2>&1 || return 1
	local pkg file
	for pkg in $(dpkg-query -W -f '${Package} ${Status}\n' 'postgresql-[0-9]*' 2>/dev/null |
		awk '$NF == "installed" && $1 ~ /^postgresql-[0-9]+$/ {print $1}' | sort -t- -k2 -nr); do
		file=$(dpkg-query -L "$pkg" 2>/dev/null | grep '/bin/postgres$' | head -1)
		if [ -n "$file" ] && [ -x "$(dirname "$file")/initdb" ]; then
			dirname "$file"
			return 0
		fi
	done
	return 1
}

has_systemd() { command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; }

service_active() { # systemd, or the init scripts (a container without systemd)
	if has_systemd; then
		systemctl is-active --quiet "$1" 2>/dev/null
	else
		command -v service >/dev/null 2>&1 && service "$1" status >/dev/null 2>&1
	fi
}

stop_service() { # stop_service <service> [sudo -n]
	local name=$1
	shift
	if has_systemd; then
		"$@" systemctl disable --now "$name" >&2 || true
	else
		"$@" service "$name" stop >&2 || true
	fi
}

ensure() {
	local missing=() services=()
	command -v redis-server >/dev/null 2>&1 || { missing+=(redis-server); services+=(redis-server); }
	pg_bindir >/dev/null || { missing+=(postgresql); services+=(postgresql); }
	if [ ${#missing[@]} -eq 0 ]; then
		log "redis-server $(redis-server --version | sed -n 's/.*v=\([^ ]*\).*/\1/p') and PostgreSQL $("$(pg_bindir)/postgres" --version | awk '{print $3}') are installed"
		return 0
	fi
	local sudo=()
	if [ "$(id -u)" -ne 0 ]; then
		if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
			sudo=(sudo -n)
		else
			log "missing: ${missing[*]}. Install them as root (Debian/Ubuntu):"
			log "  apt-get update && apt-get install -y --no-install-recommends ${missing[*]}"
			log "or run npm run test:queue as root / with password-less sudo, which does it."
			return 1
		fi
	fi
	if ! command -v apt-get >/dev/null 2>&1; then
		log "missing: ${missing[*]}, and this is not a Debian-like system (no apt-get): install them with its package manager"
		return 1
	fi
	local before=() s
	for s in "${services[@]}"; do service_active "$s" && before+=("$s"); done
	local t0
	t0=$(date +%s)
	log "installing ${missing[*]} from the distribution's packages (first run on this machine; measured: redis-server 5 s, PostgreSQL about 10 s) ..."
	"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 || return 1
	"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2 || return 1
	for s in "${services[@]}"; do
		if service_active "$s" && [[ " ${before[*]} " != *" $s "* ]]; then
			log "the package started the system service $s; stopping it (and disabling it under systemd): the test runs its own"
			stop_service "$s" "${sudo[@]}"
		fi
	done
	pg_bindir >/dev/null || { log "PostgreSQL's server programs are still not found after the install"; return 1; }
	command -v redis-server >/dev/null 2>&1 || { log "redis-server is still not found after the install"; return 1; }
	log "installed ${missing[*]} in $(($(date +%s) - t0)) s"
}

# Whether a process of group <pgid> carries TENSORSLAB_QUEUE_RUN=<id> (Linux /proc; elsewhere:
# assume not). Any member counts: the leader may be gone while what it started is not.
carries_marker() {
	local pgid=$1 id=$2 pid
	for pid in $(ps -e -o pid=,pgid= 2>/dev/null | awk -v g="$pgid" '$2 == g {print $1}'); do
		[ -r "/proc/$pid/environ" ] && tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null | grep -qx "TENSORSLAB_QUEUE_RUN=$id" && return 0
	done
	return 1
}

# Whether <pid> is still the process that started at <start time> (Linux /proc; "-" = unknown).
same_process() {
	local pid=$1 start=$2
	[ "$start" != "-" ] && [ -r "/proc/$pid/stat" ] &&
		[ "$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null | awk '{print $20}')" = "$start" ]
}

cleanup() {
	local dir=$1
	[ -f "$dir/pids" ] && [ -f "$dir/run-id" ] || return 0
	kill_recorded "$dir"
	# The throwaway data (PostgreSQL's cluster, Redis's folder), if the test could not remove it.
	local scratch
	scratch=$(cat "$dir/scratch" 2>/dev/null || true)
	if [ -n "$scratch" ] && [ -d "$scratch" ] && [[ "$(basename "$scratch")" == tl-queue-* ]]; then rm -rf "$scratch"; fi
}

kill_recorded() {
	local dir=$1 id pgid name start alive=() i
	id=$(cat "$dir/run-id")
	while read -r pgid name start; do
		[ -n "$pgid" ] || continue
		if same_process "$pgid" "${start:--}" || carries_marker "$pgid" "$id"; then
			log "stopping $name (process group $pgid), left running by the test"
			kill -TERM -- "-$pgid" 2>/dev/null || true
			alive+=("$pgid")
		fi
	done <"$dir/pids"
	[ ${#alive[@]} -gt 0 ] || return 0
	for ((i = 0; i < 15; i++)); do
		local still=()
		for pgid in "${alive[@]}"; do kill -0 -- "-$pgid" 2>/dev/null && still+=("$pgid"); done
		[ ${#still[@]} -gt 0 ] || return 0
		alive=("${still[@]}")
		sleep 1
	done
	for pgid in "${alive[@]}"; do
		log "process group $pgid did not stop on TERM: KILL"
		kill -KILL -- "-$pgid" 2>/dev/null || true
	done
}

# Whether the scripts/test-queue.sh that owns run <dir> (<dir>/owner: "<pid> <start time>") is gone.
orphaned() {
	local pid start
	read -r pid start <"$1/owner" 2>/dev/null || return 0
	! same_process "$pid" "${start:--}"
}

case "${1:-}" in
ensure) ensure ;;
cleanup) cleanup "${2:?usage: services.sh cleanup <run dir>}" ;;
orphaned) orphaned "${2:?usage: services.sh orphaned <run dir>}" ;;
pg-bindir) pg_bindir ;;
*)
	echo "usage: scripts/queue/services.sh ensure | cleanup <run dir> | orphaned <run dir> | pg-bindir" >&2
	exit 2
	;;
esac
