#!/usr/bin/env bash
# Installs the Debian packages floe builds with (compiler, CMake, Ninja, ccache, the
# libraries floe links, GoogleTest, clang for the fuzzers). Idempotent: quiet and quick when
# everything is already there.
set -euo pipefail
packages=(
  g++ cmake ninja-build ccache pkg-config
  libfmt-dev libcli11-dev nlohmann-json3-dev
  libzstd-dev libsnappy-dev liblz4-dev libbrotli-dev zlib1g-dev libxxhash-dev
  libsqlite3-dev libcurl4-openssl-dev libssl-dev libroaring-dev
  libre2-dev libedit-dev libmicrohttpd-dev
  libgtest-dev clang libclang-rt-14-dev
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "installing Debian packages: ${missing[*]}"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
