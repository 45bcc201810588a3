#!/usr/bin/env bash
# Run HERE (a machine with Debian's package registry) before a GPU session: downloads the .deb files
# of the build dependencies into .deps/debs (git-ignored), to be carried to the GPU machine, which
# has nvcc, CMake and ninja but no registry. Then, with the device tool:
#   run(command="bash scripts/gpu_session.sh", carry=[".deps/debs"])
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .deps/debs
cd .deps/debs
apt-get download libeigen3-dev libyaml-cpp-dev libyaml-cpp0.7 libboost1.74-dev libcli11-dev nlohmann-json3-dev \
  libgtest-dev libbenchmark-dev libbenchmark1debian 2>&1 | grep -v "^Get:" || true
ls -1 *.deb
du -sh .
