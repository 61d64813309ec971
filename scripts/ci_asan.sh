#!/usr/bin/env bash
# CI stage "asan": the `asan` preset (ASan + LSan + UBSan in every target, UBSan findings fatal,
# no HDL, no benchmarks), then every C++ test and the Python tests against the instrumented module
# (the python test preloads libasan into the interpreter, see tests/CMakeLists.txt). The
# pip-install test is left out: it builds its own uninstrumented copy of the package.
# Sanitizer options and the LSan suppressions: the `asan` test preset (CMakePresets.json).
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=${SPIKEFORGE_JOBS:-$(nproc)}
cmake --preset asan ${SPIKEFORGE_CMAKE_ARGS:-}
cmake --build --preset asan -j"$jobs"
ctest --preset asan -j"$jobs" -E '^python_pip_install$'
