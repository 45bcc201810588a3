#!/usr/bin/env bash
# Prepares this Debian x86-64 machine for an ARM64 build of mrtsim run under qemu-user
# (scripts/check_arm_build.py, scripts/check_arm_identity.sh): installs the cross compiler, qemu-user
# and PyYAML, and unpacks the ARM64 libraries mrtsim links against into .deps/arm64-sysroot (git
# ignores it). The libraries are downloaded, not installed: Debian's -dev packages of yaml-cpp and
# XGBoost cannot be installed for two architectures at once, so installing the ARM64 ones through
# multiarch would remove this machine's own. cmake/aarch64-linux-gnu.cmake finds them there, and qemu
# loads the ARM64 C library from there (one C library for the loader and the program).
# Idempotent: a sysroot unpacked from the same list of packages is kept.
set -euo pipefail
cd "$(dirname "$0")/.."
sysroot=.deps/arm64-sysroot
libraries=(libc6 libstdc++6 libgcc-s1 libgomp1 zlib1g zlib1g-dev libyaml-cpp0.7 libyaml-cpp-dev
           libxgboost0 libxgboost-dev libdmlc0 libgtest-dev)
tools=(g++-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user python3-yaml)

sudo_cmd=(); [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
missing=()
for p in "${tools[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# apt-get downloads ARM64 packages only once the architecture is known to dpkg (nothing is installed for it).
new_architecture=no
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
  "${sudo_cmd[@]}" dpkg --add-architecture arm64
  new_architecture=yes
fi
if ((${#missing[@]})) || [ "$new_architecture" = yes ]; then
  "${sudo_cmd[@]}" apt-get update -q
fi
if ((${#missing[@]})); then
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

if [ "$(cat "$sysroot/.packages" 2>/dev/null)" != "${libraries[*]}" ]; then
  rm -rf "$sysroot"
  downloads=$(mktemp -d)
  trap 'rm -rf "$downloads"' EXIT
  (cd "$downloads" && apt-get download -q "${libraries[@]/%/:arm64}")
  mkdir -p "$sysroot"
  for deb in "$downloads"/*.deb; do dpkg-deb -x "$deb" "$sysroot"; done
  # Links to absolute paths (libz.so -> /lib/...) would leave the sysroot: point them into it.
  find "$sysroot" -type l -lname '/*' | while read -r link; do
    ln -sfn "$(realpath -m --relative-to="$(dirname "$link")" "$sysroot$(readlink "$link")")" "$link"
  done
  echo "${libraries[*]}" >"$sysroot/.packages"
fi
echo "ARM64 libraries in $sysroot"
