#!/usr/bin/env bash
# CI stage "tsan": the `tsan` preset (ThreadSanitizer, no HDL, benchmarks or Python), building
# only the engine and plasticity test binaries, then the threaded engine tests (every test of
# tests/engine) and the plasticity partition tests. TSan options and the oneTBB suppressions:
# the `tsan` test presets (CMakePresets.json) and tests/sanitizers/tsan.supp.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=${SPIKEFORGE_JOBS:-$(nproc)}
cmake --preset tsan ${SPIKEFORGE_CMAKE_ARGS:-}
cmake --build --preset tsan -j"$jobs"
ctest --preset tsan-engine -j"$jobs"
ctest --preset tsan-partitions -j"$jobs"
