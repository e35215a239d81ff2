#!/usr/bin/env bash
# Prints three lines: the Temporal server proper, its SQL schema tool (temporal-sql-tool) and the
# directory of its PostgreSQL (v12) schemas, all of release v1.29.1, the release the dev server of
# scripts/temporal-cli.sh embeds. Built once with `go install` into ~/.cache/governed-rollout;
# the schemas come from the Go module cache the build fills.
# Override with TEMPORAL_SERVER_PATH, TEMPORAL_SQL_TOOL_PATH and TEMPORAL_SCHEMA_DIR.
set -euo pipefail
. "$(dirname "$0")/lib/go-cached-build.sh"

version="v1.29.1"
cache_dir="$(governed_rollout_cache)/temporal-server-${version}"

server="${TEMPORAL_SERVER_PATH:-}"
if [ -z "$server" ]; then
  go_cached_build "$cache_dir" temporal-server "go.temporal.io/server/cmd/server@${version}"
  server="$cache_dir/temporal-server"
fi
sql_tool="${TEMPORAL_SQL_TOOL_PATH:-}"
if [ -z "$sql_tool" ]; then
  go_cached_build "$cache_dir" sql "go.temporal.io/server/cmd/tools/sql@${version}"
  # Named as in the admin-tools image.
  [ -x "$cache_dir/temporal-sql-tool" ] || ln -sf sql "$cache_dir/temporal-sql-tool"
  sql_tool="$cache_dir/temporal-sql-tool"
fi
schema_dir="${TEMPORAL_SCHEMA_DIR:-}"
if [ -z "$schema_dir" ]; then
  schema_dir="$(go env GOMODCACHE)/go.temporal.io/server@${version}/schema/postgresql/v12"
  [ -d "$schema_dir" ] || go mod download -x "go.temporal.io/server@${version}" >/dev/null 2>&1 || true
fi
for f in "$server" "$sql_tool"; do
  [ -x "$f" ] || { echo "$f is not an executable file" >&2; exit 1; }
done
[ -f "$schema_dir/temporal/schema.sql" ] || { echo "no Temporal PostgreSQL schema in $schema_dir" >&2; exit 1; }
echo "$server"
echo "$sql_tool"
echo "$schema_dir"
