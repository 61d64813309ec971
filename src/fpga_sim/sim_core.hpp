// A Verilated sf_core as a byte pipe: bytes pushed into its ready/valid input stream, bytes taken
// from its output stream every cycle. Used by the fpga-sim link and by the serial (pty) tests.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>

#include <spikeforge/hw/golden_model.hpp>

namespace spikeforge::hw {

class SimCore {
public:
  virtual ~SimCore() = default;
  /// Queues bytes for the core's input stream.
  virtual void push(std::span<const std::uint8_t> bytes) = 0;
  /// Clocks up to `max_cycles` cycles; every output byte goes to on_byte, which returns true to
  /// stop after that cycle. Returns the cycles run.
  virtual std::uint64_t run(std::uint64_t max_cycles, const std::function<bool(std::uint8_t)>& on_byte) = 0;
  /// Whether every pushed byte has been taken by the core.
  virtual bool input_empty() const = 0;
  virtual std::uint64_t cycles() const = 0;
};

/// The Verilated core of this geometry: N = 32 / NA = 32, N = 64 / NA = 48 or N = NA = 256
/// (the sizes hdl/tb builds); any other throws UnsupportedError.
std::unique_ptr<SimCore> make_sim_core(const CoreGeometry& geometry);

}  // namespace spikeforge::hw
