#!/usr/bin/env bash
# The test command: installs what is missing, builds everything (library, Verilated core,
# tests, benchmarks) and runs every test. Exits non-zero when any test fails.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/scripts/setup.sh"
build=${SPIKEFORGE_BUILD_DIR:-$root/build/test}
jobs=${SPIKEFORGE_JOBS:-$(nproc)}
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSPIKEFORGE_WERROR=ON
cmake --build "$build" -j"$jobs"
ctest --test-dir "$build" --output-on-failure -j"$jobs"
