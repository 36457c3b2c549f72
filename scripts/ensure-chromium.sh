#!/usr/bin/env bash
# Make sure Debian's Chromium is at /usr/bin/chromium for the browser end-to-end tests (tests/e2e/browser).
# Quiet and quick when it is already there. Installs from Debian's packages only: Playwright's own browser
# download (`playwright install`) reaches hosts this network refuses.
set -euo pipefail

CHROMIUM=/usr/bin/chromium

if [[ -x "$CHROMIUM" ]]; then
	exit 0
fi

if [[ "$(id -u)" -ne 0 ]]; then
	echo "ensure-chromium: $CHROMIUM is missing; run as root or: sudo apt-get install -y --no-install-recommends chromium" >&2
	exit 1
fi

if ! command -v apt-get >/dev/null 2>&1; then
	echo "ensure-chromium: $CHROMIUM is missing and there is no apt-get to install Debian's chromium" >&2
	exit 1
fi

echo "ensure-chromium: installing Debian's chromium (about 0.5 GB, once)"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
apt-get install -y -q --no-install-recommends chromium >/dev/null

if [[ ! -x "$CHROMIUM" ]]; then
	echo "ensure-chromium: apt-get finished but $CHROMIUM is still missing" >&2
	exit 1
fi
echo "ensure-chromium: $("$CHROMIUM" --version 2>/dev/null | tail -n 1)"
