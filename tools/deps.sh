#!/usr/bin/env bash
# Installs the Debian packages ordermesh needs, only those missing.
# Runs `apt-get update` only when something is missing. Needs root (or sudo).
set -euo pipefail

OM_PACKAGES=(
  cmake g++ make pkg-config ccache
  libcaf-dev capnproto libcapnp-dev librocksdb-dev
  libspdlog-dev libfmt-dev libquickfix-dev libcli11-dev libtoml11-dev
  nlohmann-json3-dev prometheus-cpp-dev libjemalloc-dev libcivetweb-dev
  prometheus prometheus-alertmanager chromium python3 curl
)

missing=()
for p in "${OM_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "ordermesh: installing missing packages: ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "ordermesh: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
