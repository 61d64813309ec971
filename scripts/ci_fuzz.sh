#!/usr/bin/env bash
# CI stage "fuzz": builds the libFuzzer harnesses of tests/fuzz with clang 14
# (-fsanitize=fuzzer,address,undefined; the `fuzz` preset) and runs each for a bounded time
# (SPIKEFORGE_FUZZ_SECONDS, default 60) starting from its committed corpus tests/fuzz/corpus/<target>.
# New coverage goes to build/fuzz/corpus-new/<target> (the tree is not written); a crash leaves its
# input in build/fuzz/crashes/<target>/ and fails the stage. After the fix, commit that input to
# tests/fuzz/corpus/<target>/ so that every build replays it (the fuzz_corpus_<target> tests).
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=${SPIKEFORGE_JOBS:-$(nproc)}
seconds=${SPIKEFORGE_FUZZ_SECONDS:-60}
cmake --preset fuzz ${SPIKEFORGE_CMAKE_ARGS:-}
cmake --build --preset fuzz -j"$jobs"
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# Symbolised stack traces in crash reports (llvm-14 from scripts/setup.sh).
[[ -x /usr/lib/llvm-14/bin/llvm-symbolizer ]] && export ASAN_SYMBOLIZER_PATH=/usr/lib/llvm-14/bin/llvm-symbolizer
failed=()
for target in network_file frame_decoder packet_interpreter; do
  work=build/fuzz/corpus-new/$target
  crashes=build/fuzz/crashes/$target
  mkdir -p "$work" "$crashes"
  dict=()
  [[ -f tests/fuzz/$target.dict ]] && dict=(-dict="tests/fuzz/$target.dict")
  echo "--- fuzz $target for ${seconds} s"
  start=$(date +%s)
  if build/fuzz/tests/fuzz/fuzz_$target -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
       -print_final_stats=1 -artifact_prefix="$crashes/" "${dict[@]}" "$work" "tests/fuzz/corpus/$target" \
       > "build/fuzz/$target.log" 2>&1; then
    echo "--- fuzz $target: no crash in $(($(date +%s) - start)) s;" \
         "$(grep -E '^stat::number_of_executed_units' "build/fuzz/$target.log" | awk '{print $2}') inputs run," \
         "$(ls "$work" | wc -l) new corpus entries"
  else
    tail -n 60 "build/fuzz/$target.log"
    echo "--- fuzz $target: FAILED; input(s): $(ls "$crashes")" >&2
    failed+=("$target")
  fi
done
((${#failed[@]} == 0)) || { echo "fuzz targets that crashed: ${failed[*]}" >&2; exit 1; }
