#!/usr/bin/env bash
# The test command (CI runs it through .ci/run): installs what is missing, then runs the stages
# in order, each named in the output with its time:
#   release  build everything (library, Verilated core, tests, benchmarks, Python module) and run
#            every test
#   asan     ASan + UBSan build (no HDL, no benchmarks): every C++ test and the Python tests
#            (scripts/ci_asan.sh)
#   tsan     TSan build: the threaded engine tests and the plasticity partition tests
#            (scripts/ci_tsan.sh)
#   fuzz     libFuzzer harnesses (clang 14), each for a bounded time (scripts/ci_fuzz.sh)
# A failed stage fails the script (the later stages still run, so one CI run reports them all);
# each stage also has a time box (docs/testing.md has the measured times and the budget).
# SPIKEFORGE_STAGES picks stages, e.g. SPIKEFORGE_STAGES="release fuzz"; the default runs all four
# (docs/testing.md has their measured times).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash "$root/scripts/setup.sh"
stages=${SPIKEFORGE_STAGES:-release asan tsan fuzz}
jobs=${SPIKEFORGE_JOBS:-$(nproc)}
export SPIKEFORGE_JOBS=$jobs

stage_release() {
  local build=${SPIKEFORGE_BUILD_DIR:-$root/build/test}
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSPIKEFORGE_WERROR=ON
  cmake --build "$build" -j"$jobs"
  ctest --test-dir "$build" --output-on-failure -j"$jobs"
}

# Time boxes in minutes: a stage that runs past its box is stopped and fails, so that the whole
# run stays inside the 90-minute CI limit even when something hangs (together 85 minutes; each
# about twice the stage's measured time on a quiet 2-core machine, docs/testing.md).
declare -A box=([release]=${SPIKEFORGE_BOX_RELEASE:-35} [asan]=${SPIKEFORGE_BOX_ASAN:-32}
                [tsan]=${SPIKEFORGE_BOX_TSAN:-10} [fuzz]=${SPIKEFORGE_BOX_FUZZ:-8})
declare -A command=([release]="stage_release" [asan]="bash scripts/ci_asan.sh"
                    [tsan]="bash scripts/ci_tsan.sh" [fuzz]="bash scripts/ci_fuzz.sh")
export -f stage_release
export root jobs

for name in $stages; do
  if [[ -z "${command[$name]:-}" ]]; then
    echo "SPIKEFORGE_STAGES: unknown stage '$name' (allowed: release asan tsan fuzz)" >&2
    exit 2
  fi
done

passed=0
failed=()
summary=()
for name in $stages; do
  echo "=== stage $name: start (time box ${box[$name]} min) ==="
  start=$(date +%s)
  rc=0
  timeout -k 30 "$((box[$name] * 60))" bash -c "set -euo pipefail; ${command[$name]}" || rc=$?
  secs=$(($(date +%s) - start))
  if ((rc == 0)); then
    echo "=== stage $name: passed in ${secs} s ==="
    passed=$((passed + 1))
    summary+=("$name passed ${secs} s")
  else
    [[ $rc -eq 124 || $rc -eq 137 ]] && why="stopped at its time box of ${box[$name]} min" || why="exit code $rc"
    echo "=== stage $name: FAILED ($why) after ${secs} s ==="
    failed+=("$name")
    summary+=("$name FAILED ${secs} s")
  fi
done
echo "=== stages: ${summary[*]/%/;} ==="
echo "stages: ${passed} passed, ${#failed[@]} failed"
((${#failed[@]} == 0))
