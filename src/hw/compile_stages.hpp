// The stages of hw::compile(), in the order compile.cpp runs them, and the helpers they share.
// Private to src/hw: the public API is compile.hpp.
//
//   layout    (compile_layout.cpp)    which core neurons hold each population, which axons each
//                                     spike source, the synapses and delays of each projection
//   neurons   (compile_neurons.cpp)   quantised parameter words and initial state per neuron
//   weights   (compile_weights.cpp)   the int8 weight matrix
//   learning  (compile_learning.cpp)  pair STDP parameters and learning enables
//   probes    (compile_neurons.cpp)   state probes only of variables the core holds
//
// Image I/O (core_image_io.cpp) turns a finished CoreImage into load requests or JSON.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <spikeforge/hw/compile.hpp>
#include <spikeforge/model/network.hpp>
#include <spikeforge/model/resolve.hpp>

namespace spikeforge::hw::detail {

/// "population 'E'" and the like: how every refusal names its object.
std::string quoted(const std::string& kind, const std::string& name);
/// Throws UnsupportedError "<object>: <reason>".
[[noreturn]] void refuse(const std::string& object, const std::string& reason);
/// A number as the messages print it (%.6g).
std::string num(double x);
/// x rounded to the nearest integer; refuses `object` naming `what` when it leaves [lo, hi].
std::int64_t round_checked(double x, std::int64_t lo, std::int64_t hi, const std::string& object,
                           const std::string& what);

/// What the layout learns about the projections that the neuron stage needs.
struct Layout {
  std::vector<bool> gets_inhibitory;  ///< per population: an inhibitory projection ends on it
  /// Per population: the largest |weight| onto it, including the [w_min, w_max] a plastic
  /// projection may move into (the population's weight LSB is this / 127).
  std::vector<double> max_weight;
};

/// An image of `geometry` with no network in it: every neuron silent, no weights, no learning.
CoreImage blank_image(const CoreGeometry& geometry, double dt);

/// Refuses a network with more neurons or spike-source neurons than `geometry` has neurons or
/// axons, naming the first population or source that does not fit; runs before validation.
void check_fits(const model::Network& network, const CoreGeometry& geometry);

/// Layout stage: places populations on core neurons and spike sources on axons in description
/// order, takes each projection's pre and post from `resolved` (model::resolve), builds its
/// synapses and checks its delays (one step from a neuron, 1 ... NSLOT steps and one per source
/// from an axon). Refuses what does not fit and current sources; notes Poisson sources that often
/// spike twice in a step.
Layout place(const model::Network& network, const model::Resolved& resolved, CoreImage& image,
             QuantisationReport& report);

/// Neuron stage: parameter words, membrane and current LSBs and initial state of every
/// population (LIF through the exact propagator of neurons/lif_propagator.hpp, Izhikevich in Q6/Q8/Q16).
void quantise_neurons(const model::Network& network, const Layout& layout, const CoreConfig& config, CoreImage& image,
                      QuantisationReport& report);

/// Weight stage: each synapse's weight in its post population's LSB, one int8 per (source,
/// neuron) pair; the core source and neuron of every synapse.
void quantise_weights(CoreImage& image, QuantisationReport& report);

/// Learning stage: the plastic projections' pair STDP in core units (one parameter set per core)
/// and the per-source / per-neuron enables, which must select exactly the plastic synapses.
void map_learning(const model::Network& network, CoreImage& image, QuantisationReport& report);

/// Probe check: state probes may record only v, u (Izhikevich) and the one synaptic current.
void check_probes(const model::Network& network, const model::Resolved& resolved);

}  // namespace spikeforge::hw::detail
