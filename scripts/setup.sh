#!/usr/bin/env bash
# Installs what spikeforge needs on Debian 12 when it is missing: apt packages for
# the C++ build, the hardware flow and the CI stages (clang 14 with its libFuzzer and sanitizer
# runtimes, llvm-14 for llvm-symbolizer; GCC's ASan/UBSan/TSan runtimes come with g++), pip
# packages for Python. Idempotent.
set -euo pipefail

APT_PACKAGES=(
  build-essential cmake ninja-build pkg-config git python3-dev python3-pip python3-venv
  libeigen3-dev libtbb-dev libspdlog-dev libfmt-dev nlohmann-json3-dev libhdf5-dev
  pybind11-dev libgtest-dev libgmock-dev libbenchmark-dev
  verilator iverilog yosys nextpnr-ice40 fpga-icestorm
  clang-14 libclang-rt-14-dev llvm-14
)
PIP_PACKAGES=(numpy matplotlib pytest tqdm "pybind11>=2.12" scikit-build-core scikit-learn scipy nbformat nbclient ipykernel h5py nir pandas neo)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "[setup] installing apt packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

PY=${PYTHON:-python3}
need_pip=()
for spec in "${PIP_PACKAGES[@]}"; do
  mod=${spec%%[<>=]*}
  case "$mod" in
    scikit-build-core) mod=scikit_build_core ;;
    scikit-learn) mod=sklearn ;;
  esac
  "$PY" -c "import $mod" 2>/dev/null || need_pip+=("$spec")
done
if ((${#need_pip[@]})); then
  echo "[setup] installing pip packages: ${need_pip[*]}"
  # Debian's own python3 marks itself externally managed (PEP 668); the packages here are the
  # project's build and test requirements, so install them for the interpreter that runs it.
  PIP_BREAK_SYSTEM_PACKAGES=1 "$PY" -m pip install -q "${need_pip[@]}"
fi
echo "[setup] dependencies present"
