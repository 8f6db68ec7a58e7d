#!/usr/bin/env bash
# The end-to-end test drives Debian's chromium: no browser can be downloaded
# by playwright here, so install the distribution package when it is missing.
set -euo pipefail

BIN="${CHROMIUM_PATH:-/usr/bin/chromium}"

if [ -x "$BIN" ]; then
	exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
	echo "ensure-chromium: $BIN is missing and apt-get is not available; install chromium and set CHROMIUM_PATH" >&2
	exit 1
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null 2>&1; then
		SUDO="sudo"
	else
		echo "ensure-chromium: installing chromium needs root (or sudo)" >&2
		exit 1
	fi
fi

echo "ensure-chromium: installing chromium with apt-get" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends chromium fonts-dejavu-core

if [ ! -x "$BIN" ]; then
	echo "ensure-chromium: chromium installed but $BIN is not executable" >&2
	exit 1
fi
"$BIN" --version >&2 || true
