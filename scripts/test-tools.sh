#!/usr/bin/env bash
# Finds, or installs, what the tests need besides node_modules, so that `npm ci && npm test` (the
# README's test command, and what .ci/run runs) passes on a fresh machine by itself: the Temporal CLI
# (cached, or built once with Go), psql and openssl, and a headless Chromium. Prints nothing when all
# are there.
set -euo pipefail
here="$(dirname "$0")"
. "$here/lib/apt-install.sh"

bash "$here/temporal-cli.sh" >/dev/null
missing=()
command -v psql >/dev/null 2>&1 || missing+=(postgresql-client)   # --seed-sql, and the tests' psql checks
command -v openssl >/dev/null 2>&1 || missing+=(openssl)           # the connection tests make self-signed certificates
if [ ${#missing[@]} -gt 0 ]; then apt_install "${missing[@]}"; fi
bash "$here/chromium.sh" >/dev/null                                  # the browser tests (Temporal UI, HTML report)
