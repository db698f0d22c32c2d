#!/bin/sh
# The AppHost's PostgreSQL resource, in the foreground:  run-postgres.sh <data folder> <port>
# - Installs Debian's postgresql package when it is missing (as root; otherwise says how).
# - Initialises the cluster once: initdb (superuser "smartrules", trust authentication, loopback only) and the
#   database "smartrules"; later starts reuse the folder.
# - As root, runs PostgreSQL as the postgres user (initdb and postgres refuse root), its folder owned by postgres.
# - Turns the stop signal into a fast shutdown: SIGTERM is PostgreSQL's "smart" shutdown, which waits until every
#   pooled client has disconnected; SIGINT ends the sessions and stops at once.
set -eu
data=$1
port=$2

if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  if [ "$(id -u)" != 0 ]; then
    echo "PostgreSQL is not installed: sudo apt-get install -y postgresql, or give the AppHost ConnectionStrings:SmartRules" >&2
    exit 1
  fi
  echo "installing PostgreSQL with apt-get ..."
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)

mkdir -p "$data"
if [ "$(id -u)" = 0 ]; then
  chown postgres:postgres "$(dirname "$data")" "$data"
  chmod 700 "$data"
  as_owner="setpriv --reuid=postgres --regid=postgres --init-groups --"
else
  as_owner=""
fi

if [ ! -f "$data/smartrules.initialised" ]; then
  if [ ! -f "$data/PG_VERSION" ]; then
    echo "creating a PostgreSQL cluster in $data ..."
    $as_owner "$bin/initdb" -D "$data" -U smartrules --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  echo "CREATE DATABASE smartrules" | $as_owner "$bin/postgres" --single -D "$data" postgres >/dev/null
  $as_owner touch "$data/smartrules.initialised"
fi

echo "PostgreSQL $(basename "$(dirname "$bin")") on 127.0.0.1:$port, data in $data"
# backend_flush_after: a backend's writes of evicted pages are handed to the disk as they go, not left for the kernel to
# flush in one burst that commits then wait behind (docs/operations.md, "PostgreSQL settings").
$as_owner "$bin/postgres" -D "$data" -p "$port" -c listen_addresses=127.0.0.1 -c unix_socket_directories= \
  -c backend_flush_after=256kB &
pid=$! # a simple command in the background: the shell's child execs it, so this is PostgreSQL's own process
trap 'kill -INT "$pid" 2>/dev/null || true' TERM INT
while kill -0 "$pid" 2>/dev/null; do wait "$pid" || true; done
