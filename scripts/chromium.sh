#!/usr/bin/env bash
# Prints the path of a headless Chromium for the browser tests (playwright-core brings no browser).
# Order: $CHROMIUM_PATH, then CHROMIUM_CANDIDATES (paths, or names looked up on PATH), else Debian's
# `chromium` installed with apt-get (scripts/lib/apt-install.sh) and the candidates looked at again.
set -euo pipefail
. "$(dirname "$0")/lib/apt-install.sh"

candidates=${CHROMIUM_CANDIDATES:-/usr/bin/chromium chromium chromium-browser google-chrome-stable google-chrome}

find_chromium() {
  local c found
  for c in $candidates; do
    case "$c" in
      /*) if [ -x "$c" ]; then echo "$c"; return 0; fi ;;
      *) if found=$(command -v "$c" 2>/dev/null); then echo "$found"; return 0; fi ;;
    esac
  done
  return 1
}

if [ -n "${CHROMIUM_PATH:-}" ]; then
  if [ -x "$CHROMIUM_PATH" ]; then echo "$CHROMIUM_PATH"; exit 0; fi
  echo "CHROMIUM_PATH=$CHROMIUM_PATH is not an executable file" >&2
  exit 1
fi
if find_chromium; then exit 0; fi
if apt_install chromium && find_chromium; then exit 0; fi
echo "no Chromium found (looked for: $candidates) and none could be installed: install Debian's chromium, or set CHROMIUM_PATH" >&2
exit 1
