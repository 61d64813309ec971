#!/usr/bin/env bash
# Real-board check (iCEBreaker on a serial port): build and flash the bitstream, upload the chip
# network, run it on the board and on cpu-fixed, and require the two to agree spike for spike.
# CI has no board; people with one run:  scripts/board_check.sh /dev/ttyUSB1 [baud]
set -euo pipefail
device=${1:?usage: scripts/board_check.sh DEVICE [BAUD]  (e.g. /dev/ttyUSB1)}
baud=${2:-1000000}
root=$(cd "$(dirname "$0")/.." && pwd)
build=${SPIKEFORGE_BUILD_DIR:-$root/build/board}
net=${SPIKEFORGE_BOARD_NETWORK:-$root/examples/cuba_chip.json}
duration=${SPIKEFORGE_BOARD_DURATION:-2000}

cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSPIKEFORGE_BUILD_TESTS=OFF \
  -DSPIKEFORGE_BUILD_PYTHON=OFF -DSPIKEFORGE_BUILD_BENCHMARKS=OFF
cmake --build "$build" -j2 --target spikeforge_cli
cli="$build/bin/spikeforge"

echo "== bitstream and flash =="
"$cli" bitstream --board icebreaker --out "$build/bitstream"
"$cli" flash --bitstream "$build/bitstream/spikeforge_icebreaker.bin"
sleep 2  # the FPGA reconfigures from flash

echo "== run on the board and on cpu-fixed =="
"$cli" run "$net" --backend fpga --device "$device" --baud "$baud" --duration "$duration" \
  --spikes "$build/board_spikes.csv"
"$cli" run "$net" --backend cpu-fixed --duration "$duration" --spikes "$build/fixed_spikes.csv"
if cmp -s "$build/board_spikes.csv" "$build/fixed_spikes.csv"; then
  echo "board and cpu-fixed agree spike for spike ($(($(wc -l < "$build/board_spikes.csv") - 1)) spikes)"
else
  echo "FAILED: board and cpu-fixed differ; first differences:" >&2
  diff "$build/board_spikes.csv" "$build/fixed_spikes.csv" | head -20 >&2
  exit 1
fi

echo "== learned weights back into a network file =="
"$cli" run "$net" --backend fpga --device "$device" --baud "$baud" --duration 100 \
  --save-weights "$build/board_weights.json"
echo "board check passed"
