// Layout stage of hw::compile(): where each population, spike source and projection goes on the core.
#include <algorithm>
#include <cmath>

#include <spikeforge/model/plasticity_rules.hpp>
#include <spikeforge/model/synapses.hpp>

#include "compile_stages.hpp"

namespace spikeforge::hw::detail {

CoreImage blank_image(const CoreGeometry& geo, double dt) {
  CoreImage img;
  img.geometry = geo;
  img.dt = dt;
  const auto n_core = static_cast<std::size_t>(geo.n);
  // Unused neurons would otherwise sit at v = 0 >= v_th = 0 and spike every step, costing link
  // bandwidth; a threshold they never reach keeps them silent.
  std::array<std::uint16_t, param::count> silent{};
  silent[param::v_th] = 0x7FFF;
  img.params.assign(n_core, silent);
  img.weights.assign(static_cast<std::size_t>(geo.sources()) * n_core, 0);
  img.v0.assign(n_core, 0);
  img.u0.assign(n_core, 0);
  img.i0.assign(n_core, 0);
  img.pre_en.assign(static_cast<std::size_t>(geo.sources()), 0);
  img.post_en.assign(n_core, 0);
  return img;
}

void check_fits(const model::Network& net, const CoreGeometry& geo) {
  // Groups are placed in description order: refuse the first that ends past the core's `room`.
  const auto fits = [](const auto& groups, const char* kind, const char* units, int room) {
    std::uint64_t end = 0;
    for (const auto& g : groups) {
      if ((end += g.size) > static_cast<std::uint64_t>(room)) {
        refuse(quoted(kind, g.name), "size = " + std::to_string(g.size) + ": needs " + units + " " +
                                         std::to_string(end - g.size) + " ... " + std::to_string(end - 1) +
                                         ", the core has " + std::to_string(room));
      }
    }
  };
  fits(net.populations, "population", "neurons", geo.n);
  fits(net.spike_sources, "spike source", "axons", geo.na);
}

Layout place(const model::Network& net, const model::Resolved& resolved, CoreImage& img, QuantisationReport& rep) {
  const CoreGeometry& geo = img.geometry;
  const double dt = img.dt;
  // Neurons and axons, in description order.
  std::uint32_t next_neuron = 0;
  for (const auto& pop : net.populations) {
    CoreImage::Population p;
    p.name = pop.name;
    p.first = next_neuron;
    p.size = pop.size;
    next_neuron += pop.size;
    img.populations.push_back(p);
  }
  std::uint32_t next_axon = 0;
  for (const auto& src : net.spike_sources) {
    CoreImage::Source s;
    s.name = src.name;
    s.first_axon = next_axon;
    s.size = src.size;
    s.delay_steps = 0;  // set by the first projection from it
    next_axon += src.size;
    img.sources.push_back(s);
    if (src.kind == model::SpikeSource::Kind::Poisson) {
      const auto rates = model::spike_source_rates(net, img.sources.size() - 1);
      double max_rate = 0.0;
      for (double r : rates) max_rate = std::max(max_rate, r);
      for (double r : src.rate_values) max_rate = std::max(max_rate, r);
      if (max_rate * dt * 1e-3 > 0.01) {
        rep.notes.push_back(quoted("spike source", src.name) + ": Poisson mean per step " +
                            num(max_rate * dt * 1e-3) +
                            "; an axon carries at most one event per step, so a step with several spikes counts once");
      }
    }
  }

  for (const auto& cs : net.current_sources) {
    refuse(quoted("current source", cs.name),
           "the core has no current input; use the population's i_offset (LIF) or a spike source instead");
  }

  // Which populations receive inhibitory input, and the largest |weight| onto each population.
  const std::size_t npop = net.populations.size();
  Layout layout{std::vector<bool>(npop, false), std::vector<double>(npop, 0.0)};
  for (std::size_t j = 0; j < net.projections.size(); ++j) {
    const auto& proj = net.projections[j];
    const std::string object = quoted("projection", proj.name);
    CoreImage::Projection cp;
    cp.name = proj.name;
    const model::Resolved::Ends& ends = resolved.projections().at(j);
    const std::size_t post = ends.post;
    cp.post_index = post;
    cp.pre_index = ends.pre.index;
    cp.pre_is_source = ends.pre.is_spike_source();
    cp.synapses = model::build_synapses(net, j);
    const auto& syn = cp.synapses;
    // Delays: the core delivers a neuron's spike in the next step; axon input is queued by the
    // host, so a spike source may have any delay of 1 ... NSLOT steps, the same for all its synapses.
    for (std::size_t k = 0; k < syn.size(); ++k) {
      const long long d = std::llround(syn.delay[k] / dt);
      if (!cp.pre_is_source) {
        if (d != 1) {
          refuse(object, "delay = " + num(syn.delay[k]) + " ms (" + std::to_string(d) +
                             " steps): the core delivers a neuron's spike exactly one step (dt = " + num(dt) +
                             " ms) later");
        }
      } else {
        auto& src = img.sources[cp.pre_index];
        if (d < 1 || d > geo.nslot) {
          refuse(object, "delay = " + num(syn.delay[k]) + " ms (" + std::to_string(d) +
                             " steps): spike-source delays must be 1 ... " + std::to_string(geo.nslot) + " steps");
        }
        if (src.delay_steps == 0) src.delay_steps = static_cast<std::uint32_t>(d);
        if (src.delay_steps != static_cast<std::uint32_t>(d)) {
          refuse(object, "delay = " + std::to_string(d) + " steps: spike source '" + src.name +
                             "' already has delay " + std::to_string(src.delay_steps) +
                             " steps; one axon has one delay");
        }
      }
      layout.max_weight[post] = std::max(layout.max_weight[post], std::abs(syn.weight[k]));
    }
    if (proj.plasticity) {
      const auto params = model::plasticity_parameters(proj.plasticity->rule, proj.plasticity->params);
      const auto w_min = params.find("w_min"), w_max = params.find("w_max");
      if (w_min != params.end() && w_max != params.end()) {
        // Learning may move a weight anywhere in [w_min, w_max]: the weight step must cover that.
        layout.max_weight[post] = std::max({layout.max_weight[post], std::abs(w_min->second), std::abs(w_max->second)});
      }
    }
    if (proj.receptor == "inhibitory") layout.gets_inhibitory[post] = true;
    img.projections.push_back(std::move(cp));
  }
  for (auto& s : img.sources) {
    if (s.delay_steps == 0) s.delay_steps = 1;
  }
  return layout;
}

}  // namespace spikeforge::hw::detail
