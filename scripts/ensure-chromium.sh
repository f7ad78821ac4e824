#!/usr/bin/env bash
# Makes sure a Chromium for the editor end-to-end test (test/e2e/editor.e2e.test.ts) and for
# `npm run screenshots` is on this machine, and prints its path on stdout (the only line printed
# there; progress goes to stderr).
#
# The browser comes from the operating system's own packages (Debian/Ubuntu: `chromium`), never
# from a browser download of Playwright's: playwright-core (a dev dependency) only drives it.
#   TENSORSLAB_CHROMIUM=/path/to/chromium   use that binary, install nothing
# Installing needs root (as on CI machines) or password-less sudo; the first install takes about a
# minute and 300 MB.
set -euo pipefail

found() {
	echo "$1"
	exit 0
}

if [ -n "${TENSORSLAB_CHROMIUM:-}" ]; then
	[ -x "$TENSORSLAB_CHROMIUM" ] || {
		echo "TENSORSLAB_CHROMIUM=$TENSORSLAB_CHROMIUM is not an executable file" >&2
		exit 1
	}
	found "$TENSORSLAB_CHROMIUM"
fi

find_chromium() {
	local candidate
	for candidate in /usr/bin/chromium /usr/bin/chromium-browser /usr/lib/chromium/chromium; do
		# /usr/bin/chromium-browser on Ubuntu may be a snap wrapper that only prints a hint.
		if [ -x "$candidate" ] && "$candidate" --version 2>/dev/null | grep -qi chromium; then
			echo "$candidate"
			return 0
		fi
	done
	return 1
}

if path="$(find_chromium)"; then found "$path"; fi

if ! command -v apt-get >/dev/null 2>&1; then
	echo "No Chromium found and no apt-get to install one: install Chromium with your system's" >&2
	echo "package manager, or set TENSORSLAB_CHROMIUM to its binary." >&2
	exit 1
fi
as_root=()
if [ "$(id -u)" != "0" ]; then
	if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
		as_root=(sudo -n)
	else
		echo "Chromium is missing and installing it needs root: run \`sudo apt-get install -y chromium\`" >&2
		echo "(or set TENSORSLAB_CHROMIUM to a Chromium binary)." >&2
		exit 1
	fi
fi

echo "[chromium] installing Debian's chromium package (apt-get; about a minute the first time)" >&2
export DEBIAN_FRONTEND=noninteractive
# The package lists of a new machine may be empty or stale: update first, once.
"${as_root[@]}" apt-get update -qq >&2
"${as_root[@]}" apt-get install -y -qq --no-install-recommends chromium fonts-liberation >&2

if path="$(find_chromium)"; then found "$path"; fi
echo "apt-get installed chromium, but no working binary was found afterwards" >&2
exit 1
