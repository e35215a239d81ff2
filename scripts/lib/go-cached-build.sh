# Sourced by scripts/temporal-*.sh: one way to build a Go binary once into ~/.cache/governed-rollout.
# The cache sits outside the work tree because CI clones afresh while the machine's caches stay,
# so only the first run pays for the build.

governed_rollout_cache() {
  echo "${XDG_CACHE_HOME:-$HOME/.cache}/governed-rollout"
}

# go_cached_build CACHE_DIR NAME PACKAGE@VERSION
# Installs PACKAGE@VERSION and moves its binary into CACHE_DIR/NAME, unless it is already there.
# Builds into a scratch dir first, so an interrupted build never leaves a half-written binary in the
# cache; a lock serialises two runs that start the build at once (the second finds the binary).
go_cached_build() {
  local cache_dir="$1" name="$2" package="$3"
  local cached="$cache_dir/$name"
  if [ -x "$cached" ]; then return 0; fi
  if ! command -v go >/dev/null 2>&1; then
    echo "no $name found and no Go toolchain to build one (go install $package)" >&2
    return 1
  fi
  mkdir -p "$cache_dir"
  (
    if command -v flock >/dev/null 2>&1; then flock 9; fi
    if [ -x "$cached" ]; then exit 0; fi
    echo "building $name ($package) into $cache_dir (first run only, a few minutes)" >&2
    scratch=$(mktemp -d "$cache_dir/.build.XXXXXX")
    trap 'rm -rf "$scratch"' EXIT
    GOBIN="$scratch" go install "$package" >&2
    # go install names the binary after the package's last path element.
    mv "$scratch/$(basename "${package%@*}")" "$cached"
  ) 9>"$cache_dir/.lock-$name"
}
