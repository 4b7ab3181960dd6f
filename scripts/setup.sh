#!/usr/bin/env bash
# Set up neucomback on a fresh Debian 12 / Ubuntu machine: toolchains from apt, a venv with
# the package and its test dependencies. Safe to re-run.
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    clang-19 llvm-19 qemu-user g++-aarch64-linux-gnu g++-riscv64-linux-gnu bubblewrap valgrind \
    binutils util-linux python3-venv python3-pip nlohmann-json3-dev libclang-rt-19-dev chromium fonts-liberation >/dev/null
if [ ! -x .venv/bin/python ]; then python3 -m venv .venv; fi
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/python -m pip install -q -e '.[test,prove,ray]'
.venv/bin/neucomback doctor >/dev/null || { .venv/bin/neucomback doctor; exit 1; }
echo "neucomback is set up: .venv/bin/neucomback --help"
