#!/bin/sh
# The part of the official postgres image's entrypoint the stack relies on: on an empty PGDATA,
# initdb with the password from POSTGRES_PASSWORD_FILE and create POSTGRES_DB; then exec postgres.
set -eu
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  pwfile=$(mktemp)
  cat "$POSTGRES_PASSWORD_FILE" > "$pwfile"
  # UTF8 like the official image (its LANG is en_US.utf8); without a locale initdb picks
  # SQL_ASCII, and psycopg then returns text columns as bytes.
  initdb --username="${POSTGRES_USER:-postgres}" --pwfile="$pwfile" --auth-local=trust \
    --encoding=UTF8 --locale=C.UTF-8 \
    --auth-host=scram-sha-256 -D "$PGDATA" >/dev/null
  rm -f "$pwfile"
  echo "listen_addresses = '*'" >> "$PGDATA/postgresql.conf"
  # The socket goes to /tmp: podman 4.3 creates the /var/run/postgresql tmpfs root-owned 1755
  # whatever mode is asked (Docker makes it 1777, which the official image relies on).
  echo "unix_socket_directories = '/tmp'" >> "$PGDATA/postgresql.conf"
  echo "host all all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
  if [ "${POSTGRES_DB:-postgres}" != postgres ]; then
    postgres --single -D "$PGDATA" postgres <<SQL >/dev/null
CREATE DATABASE "${POSTGRES_DB}" OWNER "${POSTGRES_USER:-postgres}";
SQL
  fi
fi
exec "$@"
