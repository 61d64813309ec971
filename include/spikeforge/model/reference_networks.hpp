// The project's reference networks (benchmarks/README.md: COBA, CUBA, Brunel static and with STDP,
// the scaling sweep, the plastic recurrent network) and the 256-neuron chip network, built with
// the network description API. One definition for the C++ examples, the tests, the benchmark
// binaries and Python (spikeforge.reference). Units: ms, mV, nA, nS, pF, Hz.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <spikeforge/model/network.hpp>

namespace spikeforge::model::reference {

/// COBA (Vogels & Abbott 2005) with n conductance-based LIF neurons (4/5 E, 1/5 I), random
/// connectivity p, dg_exc = 6 nS, dg_inh = 67 nS, delay one step, no external input: the random
/// initial conductances start self-sustained activity. The scaling sweep keeps p * n = 80.
Network coba_sized(std::uint32_t n, double p, std::uint64_t seed = 1, double dt = 0.1);

/// The standard COBA benchmark: 4000 neurons (E: 3200, I: 800), p = 0.02 (mean rate 15-25 Hz).
Network coba(std::uint64_t seed = 1, double dt = 0.1);

/// CUBA (Brette et al. 2007 benchmark 2): 4000 current-based LIF neurons (E: 3200, I: 800),
/// p = 0.02, w_e = 16.2 pA, w_i = -90 pA (1.62 mV and -9 mV at R = 100 MOhm), delay one step,
/// v_rest = -49 mV above the threshold -50 mV, initial v uniform in [-60, -50] mV (about 5-6 Hz).
Network cuba(std::uint64_t seed = 1, double dt = 0.1);

/// Brunel (2000): delta-synapse LIF (mV), fixed in-degree without autapses, J = 0.1 mV, g = 5,
/// delay 1.5 ms; each neuron has its own Poisson source of rate eta * nu_thr * C_E (eta = 2).
/// With `stdp`, E->E learns by additive all-to-all pair STDP with the parameters of
/// benchmarks/peers/specs.py (StdpSpec): a_plus = lambda * w_max, a_minus = alpha * lambda * w_max,
/// pairing as NEST (dendritic_delay = 1).
Network brunel_sized(std::uint32_t n_exc, std::uint32_t n_inh, std::uint32_t c_exc, std::uint32_t c_inh,
                     std::uint64_t seed = 1, bool stdp = false, double dt = 0.1);

/// The standard Brunel network: 8000 E + 2000 I, C_E = 800, C_I = 200 (10^7 synapses, ~43 Hz).
Network brunel(std::uint64_t seed = 1, bool stdp = false, double dt = 0.1);

/// Brunel at 10 % connectivity with N such that N * N / 10 = synapses (the scaling sweep; as
/// benchmarks/peers/specs.py).
Network brunel_synapses(double synapses, std::uint64_t seed = 1, double dt = 0.1);

/// The plastic recurrent network (benchmarks/README.md network 5, after the Zenke & Gerstner 2014 /
/// Auryn benchmark): 20000 E + 5000 I conductance-based LIF (the COBA neuron), p = 0.05 everywhere
/// (31 M synapses, 20 M of them plastic), delay 1.5 ms, an independent Poisson drive per neuron.
/// E->E learns by minimal all-to-all triplet STDP (Pfister & Gerstner 2006, visual cortex time
/// constants, amplitudes relative to w_max) with synaptic scaling towards the network's own rate as
/// homeostasis. Parameters and the reasons for them: benchmarks/README.md; the peers build the same
/// network from benchmarks/peers/specs.py (PlasticSpec), which must be kept equal to this.
Network plastic(std::uint64_t seed = 1, double dt = 0.1);

/// The chip network of examples/cuba_chip.json (the same description; a test keeps them equal):
/// 204 E + 52 I current-based LIF neurons (256, one hardware core) with a uniform offset current
/// in [0.05, 0.2] nA, 256 Poisson sources at 10 Hz (in-degree 25, 0.15 nA), E->E and E->I with
/// p = 0.1 and 0.1 nA, I->E and I->I with p = 0.2 and -0.4 nA, dt = 1 ms, spike probes on E and I.
Network chip(std::uint64_t seed = 42);

/// The benchmark networks by name, as the benchmark binaries and benchmarks/peers/specs.py call
/// them: "coba", "cuba", "brunel", "brunel_stdp", "coba_16k", "coba_64k", "brunel_1e6",
/// "brunel_5e7", "plastic".
const std::vector<std::string>& benchmark_names();

/// The benchmark network called `name` (benchmark_names()) with `seed` and `dt` (ms);
/// ValidationError listing the names for an unknown one.
Network benchmark(const std::string& name, std::uint64_t seed = 1, double dt = 0.1);

}  // namespace spikeforge::model::reference
