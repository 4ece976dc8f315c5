#!/usr/bin/env bash
# Installs exactly the Debian 12 packages lowbit needs (idempotent: skips
# what is present). Runs apt-get as root, or through sudo.
set -euo pipefail
packages=(cmake ninja-build g++ llvm-22-dev libmlir-22-dev mlir-22-tools
          llvm-22-tools clang-22 lld-22 libomp-22-dev libgtest-dev python3)
# Optional: running AArch64 objects in the tests (qemu-user + cross gcc).
# LOWBIT_NO_AARCH64=1 skips them; the tests then say they were skipped.
if [ "${LOWBIT_NO_AARCH64:-0}" != 1 ]; then
  packages+=(qemu-user gcc-aarch64-linux-gnu libc6-dev-arm64-cross)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages present"
  exit 0
fi
echo "setup: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
