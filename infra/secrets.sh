#!/usr/bin/env bash
# Makes the secret files compose.yaml mounts (Docker/Compose secrets), once: an existing file is
# kept, so re-running never rotates anything by surprise (docs/deploy.md: rotating keys).
# Usage: infra/secrets.sh [DIR]   (default infra/secrets; RAG_SECRETS_DIR for compose)
set -euo pipefail
dir=${1:-$(dirname "$0")/secrets}
mkdir -p "$dir"
chmod 700 "$dir"
umask 022 # the files must be readable by the containers' non-root users; the folder is private

new() { python3 -c 'import secrets; print(secrets.token_urlsafe(32))'; }
make_secret() { # make_secret NAME VALUE: write once
  [ -s "$dir/$1" ] || printf '%s\n' "$2" > "$dir/$1"
}
make_secret redis_password "$(new)"
make_secret postgres_password "$(new)"
make_secret rag_api_keys "$(new)"
make_secret rag_jwt_secret "$(new)"
make_secret grafana_admin_password "$(new)"
# Prometheus scrapes /metrics with an API key of its own: one of the keys the API accepts.
make_secret prometheus_api_key "$(new)"
keys=$(cat "$dir/rag_api_keys") prometheus_key=$(cat "$dir/prometheus_api_key")
case ",$keys," in
*",$prometheus_key,"*) ;;
*) printf '%s,%s\n' "$keys" "$prometheus_key" > "$dir/rag_api_keys" ;;
esac
# The key `rag backup` encrypts with (a Fernet key: 32 random bytes, URL-safe base64). Keep a copy
# apart from the backups: without it they cannot be restored.
make_secret backup_key "$(python3 -c 'import base64, os; print(base64.urlsafe_b64encode(os.urandom(32)).decode())')"
# The URLs embed the passwords above; rebuilt whenever a password file is newer.
for pair in redis_url:redis_password database_url:postgres_password; do
  url=${pair%%:*} pw=${pair#*:}
  if [ ! -s "$dir/$url" ] || [ "$dir/$pw" -nt "$dir/$url" ]; then rm -f "$dir/$url"; fi
done
make_secret redis_url "redis://:$(cat "$dir/redis_password")@redis:6379/0"
make_secret database_url "postgresql://rag:$(cat "$dir/postgres_password")@postgres:5432/rag"
# Groq is optional: an empty file means "no Groq" (the local model answers).
[ -f "$dir/groq_api_key" ] || : > "$dir/groq_api_key"
echo "secrets in $dir"
