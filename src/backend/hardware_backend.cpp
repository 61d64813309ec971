#include <spikeforge/backend/hardware_backend.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include <spikeforge/core/error.hpp>
#include <spikeforge/core/log.hpp>
#include <spikeforge/hw/protocol.hpp>
#include <spikeforge/model/validate.hpp>
#include <spikeforge/stimulus/poisson_group.hpp>
#include <spikeforge/stimulus/source_spikes.hpp>
#include <spikeforge/stimulus/spike_time_group.hpp>

namespace spikeforge {

struct HardwareBackend::Source {
  std::unique_ptr<stimulus::PoissonGroup> poisson;
  std::unique_ptr<stimulus::SpikeTimeGroup> times;
  std::uint32_t first_axon = 0;
  std::uint32_t delay = 1;
  stimulus::SourceSpikes spikes;
};

hw::CoreGeometry choose_core_geometry(const model::Network& network, const SimulatorOptions& options) {
  std::uint64_t neurons = 0, axons = 0;
  for (const auto& p : network.populations) neurons += p.size;
  for (const auto& s : network.spike_sources) axons += s.size;
  hw::CoreGeometry geo;
  if (options.core_neurons > 0) {
    geo.n = options.core_neurons;
    geo.na = options.core_axons > 0 ? options.core_axons : options.core_neurons;
  } else if (neurons <= 32 && axons <= 32) {
    geo.n = 32;
    geo.na = 32;
  } else if (neurons <= 64 && axons <= 48) {
    geo.n = 64;
    geo.na = 48;
  } else {
    geo.n = 256;
    geo.na = 256;
  }
  geo.validate();
  return geo;
}

HardwareBackend::HardwareBackend(std::string name, const model::Network& network, const model::Resolved& resolved,
                                 const SimulatorOptions& options, const LinkFactory& make_link)
    : name_(std::move(name)), network_(network), seed_(options.seed) {
  const hw::CoreGeometry wanted = choose_core_geometry(network, options);
  client_ = std::make_unique<hw::CoreClient>(make_link(wanted));
  const hw::CoreInfo info = client_->hello();
  if (info.version != hw::core_version) {
    throw Error(name_ + ": core protocol version " + std::to_string(info.version) + ", this host speaks " +
                std::to_string(hw::core_version));
  }
  hw::CoreConfig config;
  config.geometry.n = static_cast<int>(info.n);
  config.geometry.na = static_cast<int>(info.na);
  config.geometry.nslot = static_cast<int>(info.nslot);
  auto compiled = hw::compile(network_, config);
  image_ = std::move(compiled.image);
  report_ = std::move(compiled.report);
  for (const auto& req : hw::load_requests(image_)) client_->command(req);
  logger().debug("{}: loaded a {}-neuron core over {} ({} bytes out)", name_, info.n, client_->link().describe(),
                 client_->link().bytes_out());

  for (const auto& src : image_.sources) {
    auto s = std::make_unique<Source>();
    s->first_axon = src.first_axon;
    s->delay = src.delay_steps;
    sources_.push_back(std::move(s));
  }
  recorder_ = stimulus::Recorder(network_, resolved, image_.dt, name_);
  for (const auto& pop : network_.populations) counts_.emplace_back(pop.size, 0);
  load_state();
}

HardwareBackend::~HardwareBackend() = default;

void HardwareBackend::load_state() {
  std::uint64_t stream = 0;
  for (std::size_t s = 0; s < network_.spike_sources.size(); ++s) {
    const auto& desc = network_.spike_sources[s];
    auto& src = *sources_[s];
    src.poisson.reset();
    src.times.reset();
    // The same generators, seed and streams as the cpu backend, so every backend sees the same input.
    if (desc.kind == model::SpikeSource::Kind::Poisson) {
      src.poisson = std::make_unique<stimulus::PoissonGroup>(model::spike_source_rates(network_, s), desc.rate_times,
                                                             desc.rate_values, image_.dt, seed_, stream);
    } else {
      src.times = std::make_unique<stimulus::SpikeTimeGroup>(desc.spike_times, image_.dt);
    }
    stream += desc.size;
  }
  recorder_.clear();
  for (auto& c : counts_) std::fill(c.begin(), c.end(), 0);
  pending_.clear();
  t_ = 0;
  next_stamp_ = 0;
}

void HardwareBackend::reset() {
  // CLEAR 1 zeroes state, traces, enables, the axon queue and the step counter; weights and
  // parameters stay, so the initial state, enables and STDP parameters are sent again.
  client_->command(hw::req_clear(1));
  for (const auto& req : hw::load_requests(image_)) {
    const auto op = static_cast<hw::Op>(req[0]);
    if (op == hw::Op::write_state || op == hw::Op::write_learn || op == hw::Op::write_stdp) client_->command(req);
  }
  load_state();
}

void HardwareBackend::emit_stamps_through(std::uint64_t stamp) {
  for (; next_stamp_ <= stamp; ++next_stamp_) {
    const std::uint64_t s = next_stamp_;
    for (std::size_t k = 0; k < sources_.size(); ++k) {
      auto& src = *sources_[k];
      src.spikes.clear();
      if (src.poisson) {
        if (s == 0) continue;  // a Poisson stamp covers the step before it
        src.poisson->emit(s, src.spikes);
      } else {
        src.times->emit(s, src.spikes);
      }
      if (src.spikes.ids.empty()) continue;
      recorder_.record_source(k, static_cast<double>(s) * image_.dt, src.spikes.ids.data(), src.spikes.counts.data(),
                              src.spikes.ids.size());
      // A spike stamped s with delay d acts in core step s + d, as it takes effect at t_{s+d} in the
      // cpu engine; several spikes of one axon in one step are one event on the core.
      auto& queue = pending_[s + src.delay];
      for (const std::uint32_t id : src.spikes.ids) queue.push_back(static_cast<std::uint8_t>(src.first_axon + id));
    }
  }
}

void HardwareBackend::sample(std::uint64_t step) {
  recorder_.sample(
      step,
      [&](std::size_t population, const std::string& var) {
        const auto& pop = image_.populations[population];
        const hw::StateKind kind = var == "v" ? hw::StateKind::v : var == "u" ? hw::StateKind::u : hw::StateKind::i;
        const double lsb = kind == hw::StateKind::i ? pop.i_lsb : pop.v_lsb;
        const auto raw = client_->read_state_range(kind, pop.first, pop.size);
        std::vector<double> values(raw.size());
        for (std::size_t id = 0; id < raw.size(); ++id) values[id] = static_cast<double>(static_cast<std::int16_t>(raw[id])) * lsb;
        return values;
      },
      [&](std::size_t projection) { return synapses(projection).weight; });
}

void HardwareBackend::run_steps(std::uint64_t n) {
  const std::uint64_t end = t_ + n;
  const auto nslot = static_cast<std::uint64_t>(image_.geometry.nslot);
  // Up to NSLOT steps per STEP request: their axon input fits the core's queue ahead of time.
  while (t_ < end) {
    sample(t_);
    const std::uint64_t k = std::min({end - t_, nslot, recorder_.next_sample_after(t_) - t_, std::uint64_t{65535}});
    emit_stamps_through(t_ + k);
    for (std::uint64_t c = t_; c < t_ + k; ++c) {
      auto it = pending_.find(c);
      if (it == pending_.end()) continue;
      auto& axons = it->second;
      std::sort(axons.begin(), axons.end());
      axons.erase(std::unique(axons.begin(), axons.end()), axons.end());
      if (!axons.empty()) client_->command(hw::req_input(static_cast<unsigned>(c - t_), axons));
      pending_.erase(it);
    }
    const auto result = client_->step(static_cast<unsigned>(k));
    for (std::uint64_t j = 0; j < k; ++j) {
      const auto& r = result[j];
      if (r.step != static_cast<std::uint32_t>(t_ + j)) {
        throw Error(name_ + ": core reported step " + std::to_string(r.step) + ", expected " + std::to_string(t_ + j));
      }
      const double time = static_cast<double>(t_ + j + 1) * image_.dt;
      for (const std::uint8_t id : r.ids) {
        for (std::size_t p = 0; p < image_.populations.size(); ++p) {
          const auto& pop = image_.populations[p];
          if (id < pop.first || id >= pop.first + pop.size) continue;
          const std::uint32_t local = id - pop.first;
          ++counts_[p][local];
          recorder_.record_population(p, time, &local, 1);
        }
      }
    }
    t_ += k;
  }
}

model::SynapseList HardwareBackend::synapses(std::size_t projection) const {
  const auto& cp = image_.projections.at(projection);
  const auto& post = image_.populations[cp.post_index];
  model::SynapseList out = cp.synapses;
  std::map<unsigned, std::vector<std::int8_t>> rows;
  for (std::size_t k = 0; k < out.size(); ++k) {
    auto it = rows.find(cp.src[k]);
    if (it == rows.end()) {
      it = rows.emplace(cp.src[k], client_->read_weights(cp.src[k], 0, static_cast<unsigned>(image_.geometry.n))).first;
    }
    out.weight[k] = static_cast<double>(it->second[cp.dst[k]]) * post.i_lsb;
  }
  return out;
}

void HardwareBackend::set_weights(std::size_t projection, const std::vector<double>& weights) {
  auto& cp = image_.projections.at(projection);
  const auto& post = image_.populations[cp.post_index];
  const std::string object = "projection '" + cp.name + "'";
  if (weights.size() != cp.synapses.size()) {
    throw ValidationError(object, "weights", std::to_string(weights.size()) + " values: must be " +
                                                 std::to_string(cp.synapses.size()) + " (one per synapse)");
  }
  std::map<unsigned, std::vector<std::int8_t>> rows;
  for (std::size_t k = 0; k < weights.size(); ++k) {
    const double raw = std::nearbyint(weights[k] / post.i_lsb);
    if (!(raw >= -128.0 && raw <= 127.0)) {
      throw ValidationError(object, "weights[" + std::to_string(k) + "]",
                            std::to_string(weights[k]) + ": beyond the core's 8-bit range [" +
                                std::to_string(-128 * post.i_lsb) + ", " + std::to_string(127 * post.i_lsb) + "]");
    }
    auto it = rows.find(cp.src[k]);
    if (it == rows.end()) {
      it = rows.emplace(cp.src[k], client_->read_weights(cp.src[k], 0, static_cast<unsigned>(image_.geometry.n))).first;
    }
    it->second[cp.dst[k]] = static_cast<std::int8_t>(raw);
  }
  const auto n = static_cast<std::size_t>(image_.geometry.n);
  for (const auto& [src, row] : rows) {
    client_->command(hw::req_write_weights(src, 0, row));
    std::copy(row.begin(), row.end(), image_.weights.begin() + static_cast<std::ptrdiff_t>(src * n));
  }
  for (std::size_t k = 0; k < weights.size(); ++k) cp.synapses.weight[k] = weights[k];
}

std::vector<std::uint64_t> HardwareBackend::spike_counts(std::size_t population) const { return counts_.at(population); }

double HardwareBackend::bytes_per_synapse() const {
  std::size_t total = 0;
  for (const auto& p : image_.projections) total += p.synapses.size();
  return total == 0 ? 0.0 : static_cast<double>(image_.weights.size()) / static_cast<double>(total);
}

std::vector<std::int8_t> HardwareBackend::read_core_weights() const { return client_->read_all_weights(image_.geometry); }

}  // namespace spikeforge
