// Learning stage of hw::compile(): pair STDP maps onto the core's traces with per-source and
// per-neuron enables.
#include <cmath>
#include <optional>

#include <spikeforge/model/plasticity_rules.hpp>
#include <spikeforge/neurons/lif_propagator.hpp>

#include "compile_stages.hpp"

namespace spikeforge::hw::detail {

void map_learning(const model::Network& net, CoreImage& img, QuantisationReport& rep) {
  const CoreGeometry& geo = img.geometry;
  const auto n_core = static_cast<std::size_t>(geo.n);
  const double dt = img.dt;
  std::vector<std::uint8_t> plastic(img.weights.size(), 0);
  std::optional<StdpParams> stdp;
  std::string stdp_from;
  for (std::size_t j = 0; j < net.projections.size(); ++j) {
    const auto& plasticity = net.projections[j].plasticity;
    if (!plasticity) continue;
    const std::string& rule = plasticity->rule;
    auto p = model::plasticity_parameters(rule, plasticity->params);
    const auto& cp = img.projections[j];
    const std::string object = quoted("projection", cp.name);
    if (rule != "stdp_pair") {
      refuse(object, "plasticity rule = " + rule + ": the core learns with pair STDP (stdp_pair) only");
    }
    for (const char* flag : {"multiplicative", "nearest", "dale"}) {
      if (p.count(flag) && p[flag] != 0.0) {
        refuse(object, std::string("plasticity ") + flag + " = 1: the core's STDP is additive, all-to-all, without Dale's law");
      }
    }
    if (p.count("dendritic_delay") && p["dendritic_delay"] != 0.0) {
      refuse(object, "plasticity dendritic_delay = 1: the core pairs spike emission times (docs/hardware.md, "
                     "source pass), it cannot shift post spikes by the delay");
    }
    if (p.count("scaling_target_rate") && p["scaling_target_rate"] != 0.0) {
      refuse(object, "plasticity scaling_target_rate = " + num(p["scaling_target_rate"]) +
                         ": the core has no synaptic scaling");
    }
    const double lsb = img.populations[cp.post_index].i_lsb;
    StdpParams sp;
    // Traces count 64 per spike (1.0 in the float rule) so several spikes fit below 255.
    constexpr double inc = 64.0;
    sp.inc_pre = sp.inc_post = static_cast<std::uint8_t>(inc);
    const auto factor = [&](const char* tau_name) {
      const double k = neurons::synaptic_decay(dt, p[tau_name]) * 256.0;
      const auto ki = round_checked(k, 0, 255, object, std::string("exp(-dt/") + tau_name + ") in Q8");
      rep.parameters.push_back({cp.name, std::string(tau_name) + " -> trace decay (Q8)", 0, k / 256.0, ki, ki / 256.0,
                                std::abs(ki / 256.0 - k / 256.0) / (k / 256.0)});
      return static_cast<std::uint8_t>(ki);
    };
    sp.k_pre = factor("tau_plus");
    sp.k_post = factor("tau_minus");
    const auto amplitude = [&](const char* name) {
      // dw = amplitude x (weight steps) = (x_int a_int) >> 8 with x_int = 64 x.
      const double a = p[name] / lsb * 256.0 / inc;
      const auto ai = round_checked(a, 0, 255, object, std::string(name) + " in weight steps x 4");
      if (ai == 0 && p[name] > 0.0) {
        refuse(object, std::string("plasticity ") + name + " = " + num(p[name]) + " is below the core's smallest step (" +
                           num(lsb * inc / 256.0) + ")");
      }
      rep.parameters.push_back({cp.name, std::string(name) + " (x 1/4 weight step)", 0, p[name], ai,
                                ai * lsb * inc / 256.0, p[name] == 0.0 ? 0.0 : std::abs(ai * lsb * inc / 256.0 - p[name]) / p[name]});
      return static_cast<std::uint8_t>(ai);
    };
    sp.a_plus = amplitude("a_plus");
    sp.a_minus = amplitude("a_minus");
    sp.w_min = static_cast<std::int8_t>(round_checked(p["w_min"] / lsb, -128, 127, object, "w_min"));
    sp.w_max = static_cast<std::int8_t>(round_checked(p["w_max"] / lsb, -128, 127, object, "w_max"));
    const auto same = [](const StdpParams& a, const StdpParams& b) {
      return a.k_pre == b.k_pre && a.inc_pre == b.inc_pre && a.k_post == b.k_post && a.inc_post == b.inc_post &&
             a.a_plus == b.a_plus && a.a_minus == b.a_minus && a.w_min == b.w_min && a.w_max == b.w_max;
    };
    if (stdp && !same(*stdp, sp)) {
      refuse(object, "its STDP parameters (in core units) differ from those of projection '" + stdp_from +
                         "': the core has one set of STDP parameters");
    }
    stdp = sp;
    stdp_from = cp.name;
    for (std::size_t k = 0; k < cp.src.size(); ++k) {
      img.pre_en[cp.src[k]] = 1;
      img.post_en[cp.dst[k]] = 1;
      plastic[static_cast<std::size_t>(cp.src[k]) * n_core + cp.dst[k]] = 1;
    }
  }
  if (stdp) {
    img.stdp = *stdp;
    // A synapse learns when its source and its neuron are both enabled: that set must be exactly
    // the plastic synapses, or the core would change static weights or grow absent ones.
    for (int s = 0; s < geo.sources(); ++s) {
      if (!img.pre_en[static_cast<std::size_t>(s)]) continue;
      for (int d = 0; d < geo.n; ++d) {
        const std::size_t at = static_cast<std::size_t>(s) * n_core + static_cast<std::size_t>(d);
        if (!img.post_en[static_cast<std::size_t>(d)] || plastic[at]) continue;
        std::string owner;
        for (const auto& cp : img.projections) {
          for (std::size_t k = 0; k < cp.src.size() && owner.empty(); ++k) {
            if (cp.src[k] == s && cp.dst[k] == d) owner = cp.name;
          }
        }
        refuse(owner.empty() ? quoted("projection", stdp_from) : quoted("projection", owner),
               owner.empty() ? "core source " + std::to_string(s) + " and neuron " + std::to_string(d) +
                                   " both learn but have no synapse: the core would grow one. Plastic projections "
                                   "must connect every pre neuron they use to every post neuron they use"
                             : "static synapse from core source " + std::to_string(s) + " onto neuron " +
                                   std::to_string(d) + " has a learning source and a learning neuron: it would learn");
      }
    }
  }
}

}  // namespace spikeforge::hw::detail
