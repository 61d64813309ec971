// Checks a network description before anything is built from it: every bad value becomes a
// ValidationError naming the object, the field and the allowed range. The limits every entry
// point shares (validate(), Simulator::run, the command line, Python) live here too.
#pragma once

#include <cstdint>
#include <string>

#include <spikeforge/model/network.hpp>

namespace spikeforge::model {

/// Longest run in steps, counted from t = 0 (or the last reset): 2^48 steps (28 years of
/// simulated time at dt = 0.1 ms). Keeps every step count and time exact in a double and far
/// from integer overflow. Every time in a description must lie in [0, kMaxSteps x dt] ms.
inline constexpr std::uint64_t kMaxSteps = std::uint64_t{1} << 48;
/// The time step: dt in [kMinDt, kMaxDt] ms.
inline constexpr double kMinDt = 1e-3;
inline constexpr double kMaxDt = 100.0;
/// Longest synaptic delay in steps (the engine's delay rings and synapse stores count to this).
inline constexpr std::uint32_t kMaxDelaySteps = 65535;
/// Largest mean number of Poisson spikes one source may emit per step: rate (Hz) x dt (ms) x
/// 1e-3 <= 100, e.g. rate <= 1 MHz at dt = 0.1 ms. Keeps a step's draw short (its cost grows with
/// the mean) and its count far below 2^32.
inline constexpr double kMaxPoissonPerStep = 100.0;
/// The environment variable that caps the memory a network may need, in bytes with an optional
/// suffix K, M, G or T (powers of 1024), e.g. "8G". Unset: the MemAvailable of /proc/meminfo.
inline constexpr const char* kMemoryLimitVariable = "SPIKEFORGE_MEMORY_LIMIT";

/// Throws ValidationError (spikeforge/core/error.hpp) for the first problem found, reading
/// "<object>: <field>: <value>: <what is allowed>", e.g.
/// "population 'E': tau_m: -5: must be > 0 ms". Checks every field of every population, spike
/// source, projection, current source and probe against the model table (neuron_models.hpp),
/// the sizes of the groups they refer to and the time step; random distributions must not be
/// able to draw a value outside the allowed range (clip them with Distribution::clip). Before the
/// per-element checks it estimates the memory the network needs (estimate_memory) and refuses a
/// network above memory_limit(); validation itself allocates nothing per neuron for constant
/// parameters.
void validate(const Network& network);

/// The steps a run of `duration_ms` adds after `steps_done` steps of `dt` ms (duration rounded
/// to whole steps). Throws ValidationError(object, field, ...) unless the duration is finite,
/// >= 0 and the run ends at most kMaxSteps steps from t = 0.
std::uint64_t run_steps(double dt, double duration_ms, std::uint64_t steps_done = 0,
                        const std::string& object = "simulator run", const std::string& field = "duration");

/// What a network needs in memory once built on the CPU engine: per-neuron state and parameters,
/// synapses (stored, plus the largest projection's list while it is built) and delay rings.
struct MemoryEstimate {
  double bytes = 0.0;          ///< total
  double largest_bytes = 0.0;  ///< the largest part: its bytes, owner and field, and how it adds up
  std::string object, field;   ///< e.g. "projection 'EE'", "connector"
  std::string what;            ///< e.g. "1e+10 synapses x 8 bytes"
};
/// The estimate for a network whose names resolve (unknown groups count as empty).
MemoryEstimate estimate_memory(const Network& network);

/// The memory a network may need, in bytes: kMemoryLimitVariable when set (ValidationError when
/// it does not parse), else MemAvailable from /proc/meminfo, else no limit (UINT64_MAX).
/// `source` (optional) receives where the value came from.
std::uint64_t memory_limit(std::string* source = nullptr);

}  // namespace spikeforge::model
