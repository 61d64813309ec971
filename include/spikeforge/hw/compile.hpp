// Network description -> core image: quantised parameter words, the weight matrix, learning
// enables and initial state for one neuromorphic core, plus a report of what was rounded and how much.
// compile() runs in stages (src/hw/compile_stages.hpp: layout, neurons, weights, learning, probes);
// load_requests() and image_to_json() write a finished image out (src/hw/core_image_io.cpp).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <spikeforge/hw/golden_model.hpp>
#include <spikeforge/model/network.hpp>
#include <spikeforge/model/synapses.hpp>

namespace spikeforge::hw {

/// What the compiler may use and how it rounds.
struct CoreConfig {
  CoreGeometry geometry{};
  /// Shift each LIF neuron's resting potential to cancel the mean bias of the core's floor
  /// rounding (about one membrane LSB per step, divided by 1 - decay factor); see docs/backends.md.
  bool compensate_rounding = true;
};

/// One parameter of one population as quantised (the worst neuron when they differ).
struct ParameterReport {
  std::string population;
  std::string parameter;   ///< e.g. "tau_m -> kv (Q15)"
  std::uint32_t neuron = 0;
  double value = 0.0;      ///< the exact value the core word stands for
  std::int64_t integer = 0;
  double represented = 0.0;
  double relative_error = 0.0;
};

/// Weight quantisation of one projection.
struct WeightReport {
  std::string projection;
  std::size_t synapses = 0;
  double lsb = 0.0;               ///< weight unit per integer step
  double max_abs_error = 0.0;     ///< in the weight unit
  double mean_abs_error = 0.0;
  double rms_relative_error = 0.0;  ///< over non-zero weights
  std::size_t rounded_to_zero = 0;  ///< non-zero weights that became 0
};

struct QuantisationReport {
  std::vector<ParameterReport> parameters;
  std::vector<WeightReport> weights;
  std::vector<std::string> notes;  ///< approximations the mapping makes (e.g. Poisson doubles)
  /// A readable table of everything above.
  std::string text() const;
};

/// Everything that goes into the core, and how description indices map onto core indices.
struct CoreImage {
  CoreGeometry geometry{};
  double dt = 0.1;  ///< ms per core step
  std::vector<std::array<std::uint16_t, param::count>> params;  ///< per core neuron
  std::vector<std::int8_t> weights;                             ///< w[s * n + dst]
  std::vector<std::int16_t> v0, u0, i0;                         ///< initial state per core neuron
  std::vector<std::uint8_t> pre_en, post_en;
  StdpParams stdp{};

  struct Population {
    std::string name;
    std::uint32_t first = 0, size = 0;  ///< core neurons first ... first + size - 1
    bool izhikevich = false;
    double v_lsb = 1.0;  ///< mV per membrane / recovery LSB
    double i_lsb = 1.0;  ///< weight unit (nA or mV) per current LSB = per weight LSB
  };
  struct Source {
    std::string name;
    std::uint32_t first_axon = 0, size = 0;
    std::uint32_t delay_steps = 1;  ///< the host queues a spike stamped s for core step s + delay_steps
  };
  struct Projection {
    std::string name;
    bool pre_is_source = false;
    std::size_t pre_index = 0, post_index = 0;  ///< into sources/populations
    model::SynapseList synapses;                ///< as the description builds them (floats)
    std::vector<std::uint16_t> src, dst;        ///< core source and neuron of each synapse
  };
  std::vector<Population> populations;  ///< in description order
  std::vector<Source> sources;          ///< in description order
  std::vector<Projection> projections;  ///< in description order

  std::int8_t weight(unsigned src, unsigned dst) const {
    return weights[static_cast<std::size_t>(src) * static_cast<std::size_t>(geometry.n) + dst];
  }
};

struct CompileResult {
  CoreImage image;
  QuantisationReport report;
};

/// Maps a network onto one core: refuses one with more neurons or axons than the core first,
/// then validates it (model::validate: ValidationError). Throws UnsupportedError naming the population,
/// source or projection and the reason when the network does not fit: too many neurons or
/// axons, a model or synapse kind the core lacks, delays it cannot express, a dt its
/// coefficients cannot represent, weights beyond the 8-bit range, current sources it has no input
/// for, or state probes of variables it does not hold.
CompileResult compile(const model::Network& network, const CoreConfig& config = {});

/// The request payloads that load an image into a cleared core, in order: CLEAR 7, parameters,
/// non-zero weight rows, initial state, learning enables, STDP parameters. Every backend that
/// talks to a core (golden interpreter, Verilated RTL, serial board) sends exactly these.
std::vector<std::vector<std::uint8_t>> load_requests(const CoreImage& image);

/// The image as JSON (what `spikeforge compile --out` writes; nothing reads it back yet).
std::string image_to_json(const CoreImage& image);

}  // namespace spikeforge::hw
