// The "cpu" backend: the event-driven engine of engine/ in double precision behind the Backend
// interface, run by SimulatorOptions::threads oneTBB threads (0: every core).
#pragma once

#include <spikeforge/backend/backend.hpp>
#include <spikeforge/engine/engine.hpp>

namespace spikeforge {

/// The partitions the cpu engine is asked for by SimulatorOptions::threads (0: the engine chooses,
/// engine::Engine::auto_partitions()).
std::size_t resolve_threads(int requested) noexcept;

class CpuBackend final : public Backend {
public:
  CpuBackend(const model::Network& network, const model::Resolved& resolved, const SimulatorOptions& options);

  std::string_view name() const noexcept override { return "cpu"; }
  double dt() const noexcept override { return engine_.dt(); }
  std::uint64_t steps() const noexcept override { return engine_.steps(); }
  void run_steps(std::uint64_t n) override { engine_.run(n); }
  void reset() override { engine_.reset(); }
  const stimulus::Recorder& recorder() const noexcept override { return engine_.recorder(); }
  stimulus::Recorder& recorder() noexcept override { return engine_.recorder(); }
  model::SynapseList synapses(std::size_t projection) const override { return engine_.synapses(projection); }
  void set_weights(std::size_t projection, const std::vector<double>& weights) override {
    engine_.set_weights(projection, weights);
  }
  std::vector<std::uint64_t> spike_counts(std::size_t population) const override {
    return engine_.spike_counts(population);
  }
  double bytes_per_synapse() const override { return engine_.bytes_per_synapse(); }
  void set_learning(std::size_t projection, bool on) override { engine_.set_learning(projection, on); }
  void set_modulator(double modulator) override { engine_.set_modulator(modulator); }
  void set_modulator_callback(std::function<double(double)> callback) override {
    engine_.set_modulator_callback(std::move(callback));
  }

  void save_state(core::StateWriter& out) const override { engine_.save_state(out); }
  void load_state(core::StateReader& in) override { engine_.load_state(in); }

  engine::Engine& engine() noexcept { return engine_; }

private:
  engine::Engine engine_;
};

}  // namespace spikeforge
