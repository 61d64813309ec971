#include <spikeforge/backend/checkpoint.hpp>
#include <spikeforge/backend/record_stream.hpp>
#include <spikeforge/backend/simulator.hpp>
#include <spikeforge/core/error.hpp>
#include <spikeforge/core/log.hpp>
#include <spikeforge/model/neuron_models.hpp>
#include <spikeforge/model/validate.hpp>

#include <chrono>
#include <cmath>
#include <numeric>

namespace spikeforge {

Simulator::Simulator(const model::Network& network, SimulatorOptions options)
    : network_(network), options_(std::move(options)) {
  if (options_.threads < 0 || options_.threads > SimulatorOptions::kMaxThreads) {
    throw ValidationError("simulator options", "threads",
                          std::to_string(options_.threads) + ": allowed 0 (every core) to " +
                              std::to_string(SimulatorOptions::kMaxThreads));
  }
  model::validate(network_);
  resolved_ = model::resolve(network_);
  const auto t0 = std::chrono::steady_clock::now();
  backend_ = make_backend(network_, resolved_, options_);
  logger().debug("simulator: backend '{}' built in {:.3f} s", options_.backend,
                 std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
}

Simulator::~Simulator() = default;
Simulator::Simulator(Simulator&&) noexcept = default;
Simulator& Simulator::operator=(Simulator&&) noexcept = default;

void Simulator::run(double duration_ms, std::function<bool(double, double)> progress) {
  const double dt = backend_->dt();
  const std::uint64_t first = backend_->steps();
  const std::uint64_t total = model::run_steps(dt, duration_ms, first);
  const double t_end = static_cast<double>(first + total) * dt;
  // Report about every 1 % of the run: often enough for a progress bar or Ctrl-C, rare enough to cost nothing.
  std::uint64_t chunk = progress ? std::max<std::uint64_t>(1, total / 100) : std::max<std::uint64_t>(total, 1);
  if (stream_) chunk = std::min(chunk, kStreamSteps);
  logger().debug("simulator: run {} steps from t = {} ms", total, static_cast<double>(first) * dt);
  std::uint64_t done = 0;
  while (done < total) {
    const std::uint64_t n = std::min(chunk, total - done);
    backend_->run_steps(n);
    done += n;
    if (stream_) stream_->append(backend_->recorder());
    if (progress && !progress(time(), t_end)) {
      logger().debug("simulator: run stopped by the progress callback at t = {} ms", time());
      if (stream_) stream_->flush();
      return;
    }
  }
  if (progress && total == 0) progress(time(), t_end);
  if (stream_) stream_->flush();
}

model::Network Simulator::network_with_weights() const {
  model::Network net = model::instantiate(network_);
  for (auto& proj : net.projections) {
    const auto syn = synapses(proj.name);
    proj.connector = model::Connector::from_list(syn.pre, syn.post);
    proj.weight = model::Distribution::array(syn.weight);
    proj.delay = model::Distribution::array(syn.delay);
  }
  return net;
}

void Simulator::stream_records(const std::string& path) {
  stream_.reset();  // a file given before is closed first (it may be the same path)
  stream_ = std::make_unique<RecordStream>(path, network_, backend_->dt());
  // What the probes recorded before is written first.
  stream_->append(backend_->recorder());
}
void Simulator::stop_streaming() {
  if (!stream_) return;
  stream_->append(backend_->recorder());
  stream_.reset();
}
std::string Simulator::streaming_path() const { return stream_ ? stream_->path() : std::string(); }
std::uint64_t Simulator::streamed_bytes() const { return stream_ ? stream_->bytes_written() : 0; }

void Simulator::save_state(const std::string& path) const { save_checkpoint(path, network_, options_, *backend_); }
void Simulator::load_state(const std::string& path) { load_checkpoint(path, network_, options_, *backend_); }

double Simulator::time() const { return static_cast<double>(backend_->steps()) * backend_->dt(); }
double Simulator::dt() const { return backend_->dt(); }
void Simulator::reset() { reset(false); }
void Simulator::reset(bool restore_weights) {
  stop_streaming();
  if (restore_weights) {
    backend_ = make_backend(network_, resolved_, options_);
  } else {
    backend_->reset();
  }
}

const SpikeRecord& Simulator::spikes(const std::string& name) const {
  return backend_->spike_record(resolved_.probe(name, model::Probe::Kind::Spikes));
}
const SpikeRecord& Simulator::spikes(std::size_t probe) const {
  if (probe >= network_.probes.size() || network_.probes[probe].kind != model::Probe::Kind::Spikes) {
    throw Error("simulator: probe " + std::to_string(probe) + " is not a spike probe");
  }
  return backend_->spike_record(probe);
}
const StateRecord& Simulator::state(const std::string& name) const {
  return backend_->state_record(resolved_.probe(name, model::Probe::Kind::State));
}
const WeightRecord& Simulator::weight_snapshots(const std::string& name) const {
  return backend_->weight_record(resolved_.probe(name, model::Probe::Kind::Weights));
}

model::SynapseList Simulator::synapses(const std::string& projection) const {
  return backend_->synapses(resolved_.projection(projection));
}

void Simulator::set_weights(const std::string& projection, const std::vector<double>& weights) {
  const std::size_t j = resolved_.projection(projection);
  const model::Projection& proj = network_.projections[j];
  const model::NeuronModelInfo& post = *model::find_neuron_model(network_.populations[resolved_.projections()[j].post].model);
  const model::Range range = post.weight_range(proj.receptor);
  for (std::size_t k = 0; k < weights.size(); ++k) {
    if (!std::isfinite(weights[k])) {
      throw ValidationError("projection '" + projection + "'", "weight[" + std::to_string(k) + "]", "must be finite");
    }
    if (!range.contains(weights[k])) {
      throw ValidationError("projection '" + projection + "'", "weight[" + std::to_string(k) + "]",
                            std::to_string(weights[k]) + ": " + range.describe(post.weight_unit) + " for the " +
                                proj.receptor + " receptor of model " + std::string(post.name));
    }
  }
  backend_->set_weights(j, weights);
}

std::vector<std::uint64_t> Simulator::spike_counts(const std::string& population) const {
  return backend_->spike_counts(resolved_.population(population));
}

std::uint64_t Simulator::spike_count(const std::string& population) const {
  const auto counts = spike_counts(population);
  return std::accumulate(counts.begin(), counts.end(), std::uint64_t{0});
}

double Simulator::mean_rate(const std::string& population) const {
  const std::size_t p = resolved_.population(population);
  const double seconds = time() * 1e-3;
  const double n = network_.populations[p].size;
  return seconds > 0.0 && n > 0 ? static_cast<double>(spike_count(population)) / (n * seconds) : 0.0;
}

void Simulator::set_learning(const std::string& projection, bool on) {
  const std::size_t j = resolved_.projection(projection);
  if (!network_.projections[j].plasticity) {
    throw ValidationError("projection '" + projection + "'", "plasticity", "absent: the projection is static; set_learning needs a plastic projection");
  }
  backend_->set_learning(j, on);
}

void Simulator::set_modulator(double modulator) {
  if (!std::isfinite(modulator)) throw ValidationError("simulator", "modulator", "must be finite");
  backend_->set_modulator(modulator);
}

void Simulator::set_modulator_callback(std::function<double(double)> callback) {
  backend_->set_modulator_callback(std::move(callback));
}

double Simulator::bytes_per_synapse() const { return backend_->bytes_per_synapse(); }

}  // namespace spikeforge
