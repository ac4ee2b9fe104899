#!/bin/sh
# Start Redis with the password from its secret file. The config is written to /tmp (tmpfs, mode
# 0600) rather than passed as --requirepass, which would show in `ps` and in `inspect` output.
set -eu
umask 077
conf=/tmp/redis.conf
{
  printf 'requirepass "%s"\n' "$(cat /run/secrets/redis_password)"
  echo 'dir /data'
  # Sessions survive a crash: append-only file, fsync'ed every second (at most ~1 s of writes lost).
  echo 'appendonly yes'
  echo 'appendfsync everysec'
  echo 'protected-mode no'
  # The LangGraph checkpointer needs RediSearch and RedisJSON. The redis:8 image ships them in
  # REDIS_MODULES_DIR; load exactly these two.
  for module in redisearch.so rejson.so; do
    if [ -f "${REDIS_MODULES_DIR:-}/$module" ]; then echo "loadmodule ${REDIS_MODULES_DIR}/$module"; fi
  done
} > "$conf"
exec redis-server "$conf"
