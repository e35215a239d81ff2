# Sourced by scripts/test-tools.sh and scripts/chromium.sh: installs Debian packages the tests need,
# the way .ci/run always did, so `npm ci && npm test` passes on a fresh machine by itself.

# apt_install PKG...
# apt-get as root, or through passwordless sudo; one line on stderr and status 1 when neither can.
# A lock serialises two test runs that start an install at once (apt-get refuses a held lock).
apt_install() {
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo -n"; else
      echo "missing: $* (Debian: apt-get install $*); not root and no passwordless sudo to install them" >&2
      return 1
    fi
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "missing: $*; no apt-get on this machine to install them" >&2
    return 1
  fi
  local lock_dir="${XDG_CACHE_HOME:-$HOME/.cache}/governed-rollout"
  mkdir -p "$lock_dir"
  echo "installing $* with apt-get (tests need them)" >&2
  (
    if command -v flock >/dev/null 2>&1; then flock 9; fi
    $sudo apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >&2
  ) 9>"$lock_dir/.lock-apt"
}
