#!/usr/bin/env bash
# Browser-test prerequisite: Debian's chromium at /usr/bin/chromium (Playwright drives it; no browser
# download). Idempotent: does nothing when chromium is already there.
set -euo pipefail

CHROMIUM=/usr/bin/chromium

if [ -x "$CHROMIUM" ]; then
  echo "browser-prereqs: $CHROMIUM present ($("$CHROMIUM" --version 2>/dev/null || echo 'version unknown')); nothing to do"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
  else
    echo "browser-prereqs: $CHROMIUM missing and not root; the browser tests will be skipped" >&2
    exit 0
  fi
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "browser-prereqs: $CHROMIUM missing and no apt-get here; the browser tests will be skipped" >&2
  exit 0
fi

echo "browser-prereqs: installing Debian's chromium (apt-get update; apt-get install -y chromium)"
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
echo "browser-prereqs: installed $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM")"
