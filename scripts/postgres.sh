#!/usr/bin/env bash
# Makes a local PostgreSQL available and exports SMARTRULES_TEST_PG, a connection string for a role that may
# create databases. Sourced by scripts/test.sh (and later by the AppHost's helpers).
#
# - SMARTRULES_TEST_PG already set: used as it is, nothing is installed or started.
# - Otherwise: installs Debian's postgresql package when missing (apt-get, as root or through sudo), starts the
#   machine's cluster with pg_ctlcluster (the image blocks services from starting on install), and creates the
#   role "smartrules" (password "smartrules", CREATEDB) when it does not exist, and sets backend_flush_after (below).

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi
}

ensure_postgres() {
  if [ -n "${SMARTRULES_TEST_PG:-}" ]; then
    echo "postgres: using SMARTRULES_TEST_PG from the environment"
    return 0
  fi

  if ! command -v pg_lsclusters >/dev/null 2>&1 || [ -z "$(pg_lsclusters -h 2>/dev/null)" ]; then
    echo "postgres: installing Debian's postgresql package"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  fi

  local version cluster port status
  read -r version cluster port status _ < <(pg_lsclusters -h | head -n 1)
  if [ -z "${version:-}" ]; then
    version=$(ls /usr/lib/postgresql | sort -n | tail -n 1)
    as_root pg_createcluster "$version" main >/dev/null
    read -r version cluster port status _ < <(pg_lsclusters -h | head -n 1)
  fi
  if [ "$status" != "online" ]; then
    echo "postgres: starting cluster $version/$cluster on port $port"
    as_root pg_ctlcluster "$version" "$cluster" start
  fi

  local tries=0
  until as_postgres psql -p "$port" -qtAc 'select 1' >/dev/null 2>&1; do
    tries=$((tries + 1))
    if [ "$tries" -ge 30 ]; then echo "postgres: cluster $version/$cluster does not answer" >&2; return 1; fi
    sleep 1
  done

  as_postgres psql -p "$port" -qtAc "
    do \$\$ begin
      if not exists (select from pg_roles where rolname = 'smartrules') then
        create role smartrules login createdb password 'smartrules';
      end if;
    end \$\$;
    -- Lets tests drop their databases while autovacuum is working in them.
    grant pg_signal_backend to smartrules;" >/dev/null

  # Backends hand the pages they evict to the disk as they go, instead of leaving them for the kernel to flush in one
  # burst that commits then wait behind: measured on the paced benchmark (docs/operations.md, "PostgreSQL settings").
  # Durability is unchanged (fsync and synchronous_commit stay on).
  if [ "$(as_postgres psql -p "$port" -qtAc 'show backend_flush_after')" != "256kB" ]; then
    as_postgres psql -p "$port" -qtAc "alter system set backend_flush_after = '256kB'" >/dev/null
    as_postgres psql -p "$port" -qtAc 'select pg_reload_conf()' >/dev/null
    echo "postgres: backend_flush_after set to 256kB"
  fi

  export SMARTRULES_TEST_PG="Host=127.0.0.1;Port=$port;Username=smartrules;Password=smartrules;Database=postgres"
  if ! PGPASSWORD=smartrules psql -h 127.0.0.1 -p "$port" -U smartrules -d postgres -qtAc 'select 1' >/dev/null; then
    echo "postgres: cannot log in as smartrules over TCP on port $port" >&2
    return 1
  fi
  echo "postgres: $version/$cluster online on port $port (SMARTRULES_TEST_PG set)"
}
