# Sourced by scripts/test: starts a throwaway PostgreSQL 15 cluster on 127.0.0.1 (a free port, trust auth,
# data in a temp dir), exports PORTICO_TEST_POSTGRES_URL, and stops it when the calling shell exits.
# Installs PostgreSQL with apt-get first if it is missing (needs root).

pg_bindir() {
  local dir
  for dir in "$(pg_config --bindir 2>/dev/null)" /usr/lib/postgresql/*/bin; do
    if [ -n "$dir" ] && [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then echo "$dir"; return 0; fi
  done
  return 1
}

if ! PG_BIN=$(pg_bindir); then
  echo "==> PostgreSQL not found: installing postgresql-15 with apt-get"
  if [ "$(id -u)" != 0 ]; then echo "need root to apt-get install postgresql (or set PORTICO_TEST_POSTGRES_URL)" >&2; exit 1; fi
  apt-get update -qq || true
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=120 install -y -qq postgresql-15 >/dev/null \
    || DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=120 install -y -qq postgresql >/dev/null
  PG_BIN=$(pg_bindir)
fi

PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/portico-pg.XXXXXX")
PG_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
as_pg() {
  if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi
}
if [ "$(id -u)" = 0 ]; then chown postgres "$PG_DIR"; fi
echo "==> Starting a throwaway PostgreSQL ($("$PG_BIN/postgres" --version | awk '{print $3}')) on 127.0.0.1:$PG_PORT, data in $PG_DIR"
as_pg "'$PG_BIN/initdb' -D '$PG_DIR/data' -A trust -U postgres --no-sync >'$PG_DIR/initdb.log' 2>&1"
# Durability is pointless for a throwaway test cluster; turning it off keeps the suite fast.
as_pg "'$PG_BIN/pg_ctl' -D '$PG_DIR/data' -l '$PG_DIR/server.log' -w -o \"-p $PG_PORT -k '$PG_DIR' -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300\" start >/dev/null"
export PORTICO_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$PG_PORT/postgres"

stop_throwaway_postgres() {
  as_pg "'$PG_BIN/pg_ctl' -D '$PG_DIR/data' -m immediate stop >/dev/null 2>&1" || true
  rm -rf "$PG_DIR"
}
trap stop_throwaway_postgres EXIT
