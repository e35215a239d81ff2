#!/bin/sh
# Sets up the Temporal server proper for governed-rollout, idempotently. One script for
# docker-compose.yml (the temporal-schema and temporal-setup services, temporalio/admin-tools) and
# `npm run test:cluster` (test/cluster/cluster.ts):
#
#   setup.sh schema      # before the server starts: both databases and their schemas, with
#                        # temporal-sql-tool (creates them, or upgrades them to this release)
#   setup.sh namespace   # once the server runs: the namespace with its retention, the search attributes
#
# Settings come from settings.env next to this script; the connection from the environment, with
# the temporalio/server image's names: POSTGRES_SEEDS, DB_PORT, POSTGRES_USER, POSTGRES_PWD, and
# TEMPORAL_ADDRESS for the namespace step. Tools: TEMPORAL_SQL_TOOL (default temporal-sql-tool),
# TEMPORAL_CLI (default temporal), SCHEMA_DIR (default the admin-tools image's
# /etc/temporal/schema/postgresql/v12).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/settings.env"

sql_tool=${TEMPORAL_SQL_TOOL:-temporal-sql-tool}
cli=${TEMPORAL_CLI:-temporal}
schema_dir=${SCHEMA_DIR:-/etc/temporal/schema/postgresql/v12}

schema() {
  for pair in "$DBNAME:temporal" "$VISIBILITY_DBNAME:visibility"; do
    db=${pair%%:*}
    dir=$schema_dir/${pair#*:}/versioned
    sql() {
      "$sql_tool" --plugin postgres12 --ep "${POSTGRES_SEEDS:-127.0.0.1}" -p "${DB_PORT:-5432}" \
        -u "${POSTGRES_USER:-temporal}" --pw "${POSTGRES_PWD:-}" --db "$db" "$@"
    }
    # create-database refuses an existing database; that one is only brought up to date.
    if ! out=$(sql create-database 2>&1); then
      case "$out" in
        *"already exists"*) ;;
        *) echo "$out" >&2; exit 1 ;;
      esac
    fi
    sql setup-schema -v 0.0
    sql update-schema -d "$dir"
  done
}

namespace() {
  address=${TEMPORAL_ADDRESS:-127.0.0.1:7233}
  if "$cli" operator namespace describe --address "$address" --namespace "$NAMESPACE" >/dev/null 2>&1; then
    "$cli" operator namespace update --address "$address" --namespace "$NAMESPACE" --retention "$NAMESPACE_RETENTION"
  else
    "$cli" operator namespace create --address "$address" --namespace "$NAMESPACE" --retention "$NAMESPACE_RETENTION"
  fi
  # A new namespace reaches the server's namespace cache within its refresh interval (10 s).
  tries=0
  until "$cli" operator search-attribute list --address "$address" --namespace "$NAMESPACE" >/dev/null 2>&1; do
    tries=$((tries + 1))
    if [ "$tries" -ge 60 ]; then echo "namespace $NAMESPACE did not become usable within 60 s" >&2; exit 1; fi
    sleep 1
  done
  # Registering an attribute that exists with the same type changes nothing.
  for spec in $(echo "$SEARCH_ATTRIBUTES" | tr ',' ' '); do
    "$cli" operator search-attribute create --address "$address" --namespace "$NAMESPACE" \
      --name "${spec%%=*}" --type "${spec#*=}"
  done
}

case "${1:-}" in
  schema) schema ;;
  namespace) namespace ;;
  *) echo "usage: setup.sh schema|namespace" >&2; exit 2 ;;
esac
