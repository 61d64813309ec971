// The backend shared by "cpu-fixed", "fpga-sim" and "fpga": compiles the network into a core
// image, loads it through a CoreLink and runs it step by step, so the three differ only in the link.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <spikeforge/backend/backend.hpp>
#include <spikeforge/hw/compile.hpp>
#include <spikeforge/hw/transport.hpp>
#include <spikeforge/stimulus/recorder.hpp>

namespace spikeforge {

/// The smallest core size the Verilated models are built for that holds the network
/// (N = 32 / NA = 32, N = 64 / NA = 48, else N = NA = 256); options.core_neurons / core_axons
/// override it when non-zero.
hw::CoreGeometry choose_core_geometry(const model::Network& network, const SimulatorOptions& options);

class HardwareBackend : public Backend {
public:
  /// Makes the link for the chosen geometry (a real board ignores it: its HELLO answer decides).
  using LinkFactory = std::function<std::unique_ptr<hw::CoreLink>(const hw::CoreGeometry&)>;

  HardwareBackend(std::string name, const model::Network& network, const model::Resolved& resolved,
                  const SimulatorOptions& options, const LinkFactory& make_link);
  ~HardwareBackend() override;

  std::string_view name() const noexcept override { return name_; }
  double dt() const noexcept override { return image_.dt; }
  std::uint64_t steps() const noexcept override { return t_; }
  void run_steps(std::uint64_t n) override;
  void reset() override;
  const stimulus::Recorder& recorder() const noexcept override { return recorder_; }
  stimulus::Recorder& recorder() noexcept override { return recorder_; }
  model::SynapseList synapses(std::size_t projection) const override;
  void set_weights(std::size_t projection, const std::vector<double>& weights) override;
  std::vector<std::uint64_t> spike_counts(std::size_t population) const override;
  double bytes_per_synapse() const override;

  const hw::CoreImage& image() const noexcept { return image_; }
  const hw::QuantisationReport& report() const noexcept { return report_; }
  hw::CoreClient& client() const noexcept { return *client_; }
  /// Every weight of the core as it is now, w[s * n + dst] (one READ_WEIGHTS per source row).
  std::vector<std::int8_t> read_core_weights() const;

private:
  struct Source;
  void load_state();
  void emit_stamps_through(std::uint64_t stamp);
  void sample(std::uint64_t step);

  std::string name_;
  model::Network network_;
  hw::CoreImage image_;
  hw::QuantisationReport report_;
  std::unique_ptr<hw::CoreClient> client_;
  std::uint64_t seed_;
  std::uint64_t t_ = 0;
  std::uint64_t next_stamp_ = 0;
  std::vector<std::unique_ptr<Source>> sources_;
  stimulus::Recorder recorder_;
  std::vector<std::vector<std::uint64_t>> counts_;  ///< per population, per neuron
  std::map<std::uint64_t, std::vector<std::uint8_t>> pending_;  ///< core step -> axons to queue
};

}  // namespace spikeforge
