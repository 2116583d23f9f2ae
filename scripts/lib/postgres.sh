# Sourced by scripts/test and scripts/surge: installs PostgreSQL where it is
# missing, starts it on 127.0.0.1:5432, and defines `psql_admin` and
# `fresh_database NAME`, which drops and creates NAME.

if ! command -v pg_ctlcluster >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
if ! pg_isready -q -h 127.0.0.1 -p 5432; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n 1)" main start
  for _ in $(seq 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi

# These machines give the postgres user trust auth on 127.0.0.1.
psql_admin() { psql -v ON_ERROR_STOP=1 -qAt -h 127.0.0.1 -U postgres -d postgres "$@"; }

fresh_database() {
  psql_admin -c "DROP DATABASE IF EXISTS \"$1\" WITH (FORCE)"
  psql_admin -c "CREATE DATABASE \"$1\""
}
