#!/usr/bin/env bash
# The main job: installs what is missing, builds spikeforge and runs the demo network.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/scripts/setup.sh"
build=${SPIKEFORGE_BUILD_DIR:-$root/build/release}
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSPIKEFORGE_BUILD_TESTS=OFF
cmake --build "$build" -j"$(nproc)" --target spikeforge_coba spikeforge_cli
echo "== COBA benchmark network (Vogels-Abbott 2005), 4000 LIF neurons, backend cpu =="
"$build/examples/spikeforge_coba" "$@"
echo
echo "== chip network (examples/cuba_chip.json), 256 LIF neurons: cpu (float) vs fpga-sim (Verilated RTL core) =="
"$build/bin/spikeforge" run "$root/examples/cuba_chip.json" --backend cpu,fpga-sim --duration 1000
