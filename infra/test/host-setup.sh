#!/usr/bin/env bash
# What `make stack-test` needs on the host, once: rootful podman with runc and cgroupfs, and
# debootstrap for the local base image (no registry here: see infra/test/images.sh).
# Idempotent: does nothing when podman, runc and debootstrap are there and configured.
set -euo pipefail
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"

if ! command -v podman >/dev/null || ! command -v runc >/dev/null || ! command -v debootstrap >/dev/null; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq podman runc debootstrap >/dev/null
fi
# crun fails on this kernel's hybrid cgroups ("cgroups in hybrid mode not supported"): runc +
# cgroupfs work. podman's default ulimits exceed the machine's hard limits; a --ulimit flag would
# replace all defaults, so both are set here.
conf=/etc/containers/containers.conf
if ! grep -qs 'runtime = "runc"' "$conf"; then
  $SUDO mkdir -p /etc/containers
  $SUDO tee "$conf" >/dev/null <<'CONF'
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=4096:4096"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
CONF
fi
echo "podman $(podman version --format '{{.Client.Version}}'), runtime $(podman info --format '{{.Host.OCIRuntime.Name}}')"
