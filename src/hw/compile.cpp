#include <spikeforge/hw/compile.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include <spikeforge/core/error.hpp>
#include <spikeforge/hw/protocol.hpp>
#include <spikeforge/model/synapses.hpp>
#include <spikeforge/model/validate.hpp>
#if __has_include(<spikeforge/model/plasticity_rules.hpp>)
#include <spikeforge/model/plasticity_rules.hpp>
#define SPIKEFORGE_HW_HAVE_PLASTICITY 1
#endif

namespace spikeforge::hw {

namespace {

std::string quoted(const std::string& kind, const std::string& name) { return kind + " '" + name + "'"; }

[[noreturn]] void refuse(const std::string& object, const std::string& reason) {
  throw UnsupportedError(object + ": " + reason);
}

std::string num(double x) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", x);
  return buf;
}

/// Exact coefficient of a current at a step's start in v at its end (the float engine's P21).
double p21(double h, double tau_m, double tau_s, double cm) {
  const double k = 1000.0 / cm;
  if (std::abs(tau_m - tau_s) < 1e-9 * tau_m) return k * h * std::exp(-h / tau_m);
  return k * tau_s * tau_m / (tau_m - tau_s) * (std::exp(-h / tau_m) - std::exp(-h / tau_s));
}

struct Quantiser {
  QuantisationReport& report;
  std::string population;
  // Worst relative error per parameter label.
  std::map<std::string, ParameterReport> worst;

  void note(const std::string& label, std::uint32_t neuron, double value, std::int64_t integer, double represented) {
    const double rel = value == 0.0 ? std::abs(represented) : std::abs(represented - value) / std::abs(value);
    auto it = worst.find(label);
    if (it == worst.end() || rel > it->second.relative_error) {
      worst[label] = ParameterReport{population, label, neuron, value, integer, represented, rel};
    }
  }
  void flush() {
    for (auto& [label, r] : worst) report.parameters.push_back(r);
    worst.clear();
  }
};

std::uint16_t word(std::int64_t x) { return static_cast<std::uint16_t>(static_cast<std::int16_t>(x)); }

std::int64_t round_checked(double x, std::int64_t lo, std::int64_t hi, const std::string& object,
                           const std::string& what) {
  const double r = std::nearbyint(x);
  if (!(r >= static_cast<double>(lo) && r <= static_cast<double>(hi))) {
    refuse(object, what + " = " + num(x) + " LSB does not fit the core's range [" + std::to_string(lo) + ", " +
                       std::to_string(hi) + "]");
  }
  return static_cast<std::int64_t>(r);
}

/// The learning rule of a projection as (rule, every parameter), or false for a static one.
/// Written against the description's optional `plasticity` field, so the compiler also builds
/// with a description that has none (then every projection is static).
template <class P>
bool plasticity_of(const P& proj, std::string& rule, std::map<std::string, double>& params) {
#ifdef SPIKEFORGE_HW_HAVE_PLASTICITY
  if constexpr (requires { proj.plasticity->rule; proj.plasticity->params; }) {
    if (!proj.plasticity) return false;
    rule = proj.plasticity->rule;
    params = model::plasticity_parameters(rule, proj.plasticity->params);
    return true;
  }
#endif
  (void)proj;
  (void)rule;
  (void)params;
  return false;
}

}  // namespace

std::string QuantisationReport::text() const {
  std::ostringstream out;
  out << "parameters (worst neuron of each population):\n";
  char line[512];
  std::snprintf(line, sizeof line, "  %-12s %-30s %6s %14s %8s %14s %10s\n", "population", "parameter", "neuron",
                "value", "integer", "represented", "rel.error");
  out << line;
  for (const auto& p : parameters) {
    std::snprintf(line, sizeof line, "  %-12s %-30s %6u %14.6g %8lld %14.6g %10.2e\n", p.population.c_str(),
                  p.parameter.c_str(), p.neuron, p.value, static_cast<long long>(p.integer), p.represented,
                  p.relative_error);
    out << line;
  }
  out << "weights:\n";
  std::snprintf(line, sizeof line, "  %-16s %9s %12s %12s %12s %12s %8s\n", "projection", "synapses", "lsb",
                "max|err|", "mean|err|", "rms rel.err", "to zero");
  out << line;
  for (const auto& w : weights) {
    std::snprintf(line, sizeof line, "  %-16s %9zu %12.4g %12.4g %12.4g %12.3e %8zu\n", w.projection.c_str(), w.synapses,
                  w.lsb, w.max_abs_error, w.mean_abs_error, w.rms_relative_error, w.rounded_to_zero);
    out << line;
  }
  for (const auto& n : notes) out << "note: " << n << "\n";
  return out.str();
}

CompileResult compile(const model::Network& net, const CoreConfig& config) {
  const CoreGeometry geo = config.geometry;
  geo.validate();
  // Sizes first: a network larger than the core is refused before validation looks at each of
  // its neurons and synapses (10^9 neurons would take long, or refuse for want of memory).
  std::uint64_t end = 0;
  for (const auto& pop : net.populations) {
    if ((end += pop.size) > static_cast<std::uint64_t>(geo.n)) {
      refuse(quoted("population", pop.name), "size = " + std::to_string(pop.size) + ": needs neurons " +
                                                 std::to_string(end - pop.size) + " ... " + std::to_string(end - 1) +
                                                 ", the core has " + std::to_string(geo.n));
    }
  }
  end = 0;
  for (const auto& src : net.spike_sources) {
    if ((end += src.size) > static_cast<std::uint64_t>(geo.na)) {
      refuse(quoted("spike source", src.name), "size = " + std::to_string(src.size) + ": needs axons " +
                                                   std::to_string(end - src.size) + " ... " + std::to_string(end - 1) +
                                                   ", the core has " + std::to_string(geo.na));
    }
  }
  model::validate(net);
  const double dt = net.dt;
  CompileResult result;
  CoreImage& img = result.image;
  QuantisationReport& rep = result.report;
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

  if (!(dt > 0.0)) refuse("network", "dt = " + num(dt) + " ms: must be > 0");

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

  // Which populations receive inhibitory input, and the largest |weight| onto each population
  // (the weight LSB of a population is the largest |weight| onto it / 127).
  const std::size_t npop = net.populations.size();
  std::vector<bool> gets_inhibitory(npop, false);
  std::vector<double> max_weight(npop, 0.0);
  std::vector<model::SynapseList> lists(net.projections.size());
  for (std::size_t j = 0; j < net.projections.size(); ++j) {
    const auto& proj = net.projections[j];
    const std::string object = quoted("projection", proj.name);
    CoreImage::Projection cp;
    cp.name = proj.name;
    std::size_t post = npop;
    for (std::size_t p = 0; p < npop; ++p) {
      if (net.populations[p].name == proj.post) post = p;
    }
    if (post == npop) refuse(object, "post = '" + proj.post + "': not a population");
    cp.post_index = post;
    bool found = false;
    for (std::size_t p = 0; p < npop && !found; ++p) {
      if (net.populations[p].name == proj.pre) { cp.pre_index = p; found = true; }
    }
    for (std::size_t s = 0; s < net.spike_sources.size() && !found; ++s) {
      if (net.spike_sources[s].name == proj.pre) { cp.pre_index = s; cp.pre_is_source = true; found = true; }
    }
    if (!found) refuse(object, "pre = '" + proj.pre + "': neither a population nor a spike source");
    lists[j] = model::build_synapses(net, j);
    const auto& syn = lists[j];
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
      max_weight[post] = std::max(max_weight[post], std::abs(syn.weight[k]));
    }
    {
      std::string rule;
      std::map<std::string, double> params;
      if (plasticity_of(proj, rule, params) && params.count("w_min") && params.count("w_max")) {
        // Learning may move a weight anywhere in [w_min, w_max]: the weight step must cover that.
        max_weight[post] = std::max({max_weight[post], std::abs(params["w_min"]), std::abs(params["w_max"])});
      }
    }
    if (proj.receptor == "inhibitory") gets_inhibitory[post] = true;
    cp.synapses = syn;
    img.projections.push_back(std::move(cp));
  }
  for (auto& s : img.sources) {
    if (s.delay_steps == 0) s.delay_steps = 1;
  }

  // Per-population parameters.
  for (std::size_t p = 0; p < npop; ++p) {
    const auto& pop = net.populations[p];
    auto& cp = img.populations[p];
    const std::string object = quoted("population", pop.name);
    Quantiser q{rep, pop.name, {}};
    const auto values = [&](const char* name) { return model::population_values(net, p, name, false); };
    const auto initial = [&](const char* name) { return model::population_values(net, p, name, true); };
    const double wmax = max_weight[p];
    if (pop.model == "lif_curr_exp" || pop.model == "lif_delta") {
      const bool delta = pop.model == "lif_delta";
      const auto cm = values("cm"), tau_m = values("tau_m"), tau_ref = values("tau_refrac"), v_rest = values("v_rest"),
                 v_reset = values("v_reset"), v_th = values("v_thresh"), i_off = values("i_offset");
      std::vector<double> tau_s(pop.size, 0.0);
      if (!delta) {
        const auto te = values("tau_syn_e"), ti = values("tau_syn_i");
        for (std::uint32_t k = 0; k < pop.size; ++k) {
          if (gets_inhibitory[p] && std::abs(te[k] - ti[k]) > 1e-12 * te[k]) {
            refuse(object, "tau_syn_i = " + num(ti[k]) + " ms differs from tau_syn_e = " + num(te[k]) + " ms (neuron " +
                               std::to_string(k) + "): the core has one synaptic current per neuron");
          }
          tau_s[k] = te[k];
        }
      }
      const auto v_init = initial("v");
      // Resting potential with i_offset folded in: the relaxation target of the exact propagator.
      std::vector<double> v_inf(pop.size);
      double vmax = 1.0;
      for (std::uint32_t k = 0; k < pop.size; ++k) {
        v_inf[k] = v_rest[k] + 1000.0 * tau_m[k] / cm[k] * i_off[k];
        for (double x : {v_inf[k], v_reset[k], v_th[k], v_init[k]}) vmax = std::max(vmax, std::abs(x));
      }
      // Membrane LSB: a power of two with every voltage within half the int16 range, so inhibition
      // can pull v below reset without saturating.
      int shift = static_cast<int>(std::floor(std::log2(16383.0 / vmax)));
      shift = std::clamp(shift, 0, 12);
      const double ilsb = wmax > 0.0 ? wmax / 127.0 : 1.0;
      // The gain g (Q12) must fit int16: lower the membrane resolution until it does.
      std::vector<double> gain(pop.size);
      for (;;) {
        const double scale = std::ldexp(1.0, shift);
        double gmax = 0.0;
        for (std::uint32_t k = 0; k < pop.size; ++k) {
          const double coupling = delta ? 1.0 : p21(dt, tau_m[k], tau_s[k], cm[k]);
          gain[k] = coupling * ilsb * scale * 4096.0;
          gmax = std::max(gmax, gain[k]);
        }
        if (gmax <= 32767.0 || shift == 0) break;
        --shift;
      }
      const double scale = std::ldexp(1.0, shift);
      cp.v_lsb = 1.0 / scale;
      cp.i_lsb = ilsb;
      for (std::uint32_t k = 0; k < pop.size; ++k) {
        const std::size_t n = cp.first + k;
        auto& w = img.params[n];
        const double ref = std::nearbyint(tau_ref[k] / dt);
        if (ref > 255) {
          refuse(object, "tau_refrac = " + num(tau_ref[k]) + " ms = " + num(ref) +
                             " steps: the core counts at most 255 refractory steps");
        }
        w[param::flags] = static_cast<std::uint16_t>(static_cast<int>(ref) << 8);
        const double p22 = std::exp(-dt / tau_m[k]);
        const std::int64_t kv = round_checked(p22 * 32768.0, 0, 32767, object, "exp(-dt/tau_m) in Q15");
        q.note("tau_m -> kv (Q15)", k, p22, kv, kv / 32768.0);
        w[param::kv] = word(kv);
        const double p11 = delta ? 0.0 : std::exp(-dt / tau_s[k]);
        const std::int64_t ki = round_checked(p11 * 32768.0, 0, 32767, object, "exp(-dt/tau_syn) in Q15");
        if (!delta) q.note("tau_syn -> ki (Q15)", k, p11, ki, ki / 32768.0);
        w[param::ki] = word(ki);
        const std::int64_t g = round_checked(gain[k], -32768, 32767, object, "input gain in Q12");
        if (g == 0 && wmax > 0.0) {
          refuse(object, "input gain rounds to 0 (" + num(gain[k]) +
                             " in Q12): one weight step moves v by less than one membrane step");
        }
        q.note("weight->v gain g (Q12)", k, gain[k], g, static_cast<double>(g));
        w[param::g] = word(g);
        // Mean bias of the floor roundings per step, in membrane LSB: the decay product and the
        // input product each lose 1/2 on average, and the decaying current loses 1/2 current LSB
        // per step, which reaches v through g over ~1/(1-ki) steps.
        double rest = v_inf[k] * scale;
        if (config.compensate_rounding) {
          double bias = 1.0;
          if (!delta && ki > 0) bias += 0.5 / (1.0 - ki / 32768.0) * (static_cast<double>(g) / 4096.0);
          rest += bias / (1.0 - kv / 32768.0);
        }
        const std::int64_t rest_i = round_checked(rest, -32768, 32767, object, "v_rest");
        q.note(config.compensate_rounding ? "v_rest(+i_offset, +bias) [mV]" : "v_rest(+i_offset) [mV]", k,
               rest / scale, rest_i, rest_i / scale);
        w[param::v_rest] = word(rest_i);
        const std::int64_t th = round_checked(v_th[k] * scale, -32768, 32767, object, "v_thresh");
        q.note("v_thresh [mV]", k, v_th[k], th, th / scale);
        w[param::v_th] = word(th);
        const std::int64_t rs = round_checked(v_reset[k] * scale, -32768, 32767, object, "v_reset");
        q.note("v_reset [mV]", k, v_reset[k], rs, rs / scale);
        w[param::v_reset] = word(rs);
        q.note("tau_refrac -> steps", k, tau_ref[k] / dt, static_cast<std::int64_t>(ref), ref);
        img.v0[n] = static_cast<std::int16_t>(round_checked(v_init[k] * scale, -32768, 32767, object, "initial v"));
        if (!delta) {
          const auto ie = initial("i_syn_exc"), ii = initial("i_syn_inh");
          img.i0[n] = static_cast<std::int16_t>(
              round_checked((ie[k] + ii[k]) / ilsb, -32768, 32767, object, "initial synaptic current"));
        }
      }
    } else if (pop.model == "izhikevich") {
      if (std::abs(dt - 1.0) > 1e-12) {
        refuse(object, "model = izhikevich with dt = " + num(dt) +
                           " ms: the core's Izhikevich update is the 2003 scheme for dt = 1 ms");
      }
      cp.izhikevich = true;
      cp.v_lsb = 1.0 / 64.0;
      const auto a = values("a"), b = values("b"), c = values("c"), d = values("d"), vp = values("v_peak"),
                 i_off = values("i_offset");
      const auto v_init = initial("v"), u_init = initial("u");
      // Input as in the float model: one weight (mV) moves v by that much within the step; the
      // current lasts one step (ki = 0) and enters both half-steps at half weight.
      const double ilsb = wmax > 0.0 ? wmax / 127.0 : 1.0 / 64.0;
      cp.i_lsb = ilsb;
      for (std::uint32_t k = 0; k < pop.size; ++k) {
        const std::size_t n = cp.first + k;
        auto& w = img.params[n];
        if (i_off[k] != 0.0) {
          refuse(object, "i_offset = " + num(i_off[k]) + " (neuron " + std::to_string(k) +
                             "): the core's Izhikevich neuron has no constant input; drive it with a spike source");
        }
        w[param::flags] = 1;
        const std::int64_t ai = round_checked(a[k] * 65536.0, 0, 32767, object, "a in Q16 (a < 0.5/ms)");
        q.note("a (Q16)", k, a[k], ai, ai / 65536.0);
        w[param::kv] = word(ai);
        const std::int64_t bi = round_checked(b[k] * 256.0, -32768, 32767, object, "b in Q8");
        q.note("b (Q8)", k, b[k], bi, bi / 256.0);
        w[param::b] = word(bi);
        const std::int64_t ci = round_checked(c[k] * 64.0, -32768, 32767, object, "c in Q6");
        q.note("c [mV] (Q6)", k, c[k], ci, ci / 64.0);
        w[param::v_reset] = word(ci);
        const std::int64_t di = round_checked(d[k] * 64.0, -32768, 32767, object, "d in Q6");
        q.note("d (Q6)", k, d[k], di, di / 64.0);
        w[param::v_rest] = word(di);
        const std::int64_t pi = round_checked(vp[k] * 64.0, -32768, 32767, object, "v_peak in Q6");
        q.note("v_peak [mV] (Q6)", k, vp[k], pi, pi / 64.0);
        w[param::v_th] = word(pi);
        w[param::ki] = 0;
        const double gain = ilsb * 64.0 * 4096.0;
        const std::int64_t g = round_checked(gain, -32768, 32767, object,
                                             "input gain in Q12 (largest weight onto it " + num(wmax) + " mV)");
        q.note("weight->v gain g (Q12)", k, gain, g, static_cast<double>(g));
        w[param::g] = word(g);
        img.v0[n] = static_cast<std::int16_t>(round_checked(v_init[k] * 64.0, -32768, 32767, object, "initial v"));
        img.u0[n] = static_cast<std::int16_t>(round_checked(u_init[k] * 64.0, -32768, 32767, object, "initial u"));
      }
    } else if (pop.model == "lif_cond_exp") {
      refuse(object, "model = lif_cond_exp: the core has current-based synapses only (conductance synapses "
                     "need a multiplication by (E_rev - v) per input); use lif_curr_exp");
    } else {
      refuse(object, "model = " + pop.model + ": the core runs lif_curr_exp, lif_delta and izhikevich");
    }
    q.flush();
  }

  // Weights: one int8 per (source, neuron) pair.
  std::vector<std::uint8_t> taken(img.weights.size(), 0);
  for (std::size_t j = 0; j < img.projections.size(); ++j) {
    auto& cp = img.projections[j];
    const std::string object = quoted("projection", cp.name);
    const auto& post = img.populations[cp.post_index];
    const std::uint32_t src0 = cp.pre_is_source ? static_cast<std::uint32_t>(geo.n) + img.sources[cp.pre_index].first_axon
                                                : img.populations[cp.pre_index].first;
    const auto& syn = cp.synapses;
    WeightReport wr;
    wr.projection = cp.name;
    wr.synapses = syn.size();
    wr.lsb = post.i_lsb;
    double sum_abs = 0.0, sum_rel2 = 0.0;
    std::size_t nonzero = 0;
    cp.src.resize(syn.size());
    cp.dst.resize(syn.size());
    for (std::size_t k = 0; k < syn.size(); ++k) {
      const std::uint32_t s = src0 + syn.pre[k];
      const std::uint32_t d = post.first + syn.post[k];
      const std::size_t at = static_cast<std::size_t>(s) * n_core + d;
      if (taken[at]) {
        refuse(object, "synapse " + std::to_string(syn.pre[k]) + " -> " + std::to_string(syn.post[k]) +
                           " is a second synapse between one pair: the core holds one weight per pair");
      }
      taken[at] = 1;
      const double raw = syn.weight[k] / post.i_lsb;
      const std::int64_t wi = static_cast<std::int64_t>(std::nearbyint(raw));
      if (wi < -128 || wi > 127) {
        refuse(object, "weight = " + num(syn.weight[k]) + " is " + num(raw) +
                           " weight steps after scaling: beyond the core's 8-bit range [-128, 127]");
      }
      img.weights[at] = static_cast<std::int8_t>(wi);
      cp.src[k] = static_cast<std::uint16_t>(s);
      cp.dst[k] = static_cast<std::uint16_t>(d);
      const double err = std::abs(static_cast<double>(wi) * post.i_lsb - syn.weight[k]);
      wr.max_abs_error = std::max(wr.max_abs_error, err);
      sum_abs += err;
      if (syn.weight[k] != 0.0) {
        ++nonzero;
        sum_rel2 += (err / std::abs(syn.weight[k])) * (err / std::abs(syn.weight[k]));
        if (wi == 0) ++wr.rounded_to_zero;
      }
    }
    if (syn.size() > 0) wr.mean_abs_error = sum_abs / static_cast<double>(syn.size());
    if (nonzero > 0) wr.rms_relative_error = std::sqrt(sum_rel2 / static_cast<double>(nonzero));
    rep.weights.push_back(wr);
  }

  // Learning: pair STDP maps onto the core's traces with per-source and per-neuron enables.
  std::vector<std::uint8_t> plastic(img.weights.size(), 0);
  std::optional<StdpParams> stdp;
  std::string stdp_from;
  for (std::size_t j = 0; j < net.projections.size(); ++j) {
    std::string rule;
    std::map<std::string, double> p;
    if (!plasticity_of(net.projections[j], rule, p)) continue;
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
      const double k = std::exp(-dt / p[tau_name]) * 256.0;
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

  // Probes: the core holds v, u and one synaptic current.
  for (const auto& probe : net.probes) {
    if (probe.kind != model::Probe::Kind::State) continue;
    const model::Population* pop = net.find_population(probe.target);
    for (const auto& var : probe.variables) {
      const bool ok = var == "v" || (pop && pop->model == "izhikevich" && var == "u") ||
                      (pop && pop->model == "lif_curr_exp" && var == "i_syn_exc");
      if (!ok) {
        refuse(quoted("probe", probe.name), "variable = " + var +
                                                ": the core holds v, u (izhikevich) and one synaptic current "
                                                "(recorded as i_syn_exc, the sum of both receptors)");
      }
    }
  }
  return result;
}

std::vector<std::vector<std::uint8_t>> load_requests(const CoreImage& img) {
  std::vector<std::vector<std::uint8_t>> out;
  const unsigned n = static_cast<unsigned>(img.geometry.n);
  const unsigned sources = static_cast<unsigned>(img.geometry.sources());
  out.push_back(req_clear(7));
  // Parameters: 31 neurons per frame keeps the payload under 512 bytes.
  for (unsigned n0 = 0; n0 < n; n0 += 31) {
    const unsigned cnt = std::min(31u, n - n0);
    std::vector<std::uint16_t> words;
    for (unsigned k = 0; k < cnt; ++k) words.insert(words.end(), img.params[n0 + k].begin(), img.params[n0 + k].end());
    out.push_back(req_write_params(n0, words));
  }
  for (unsigned s = 0; s < sources; ++s) {
    const std::int8_t* row = img.weights.data() + static_cast<std::size_t>(s) * n;
    if (std::all_of(row, row + n, [](std::int8_t w) { return w == 0; })) continue;  // CLEAR zeroed it
    out.push_back(req_write_weights(s, 0, std::span<const std::int8_t>(row, n)));
  }
  const auto state = [&](StateKind kind, const std::vector<std::int16_t>& values) {
    if (std::all_of(values.begin(), values.end(), [](std::int16_t x) { return x == 0; })) return;
    for (unsigned first = 0; first < n; first += 200) {
      const unsigned cnt = std::min(200u, n - first);
      std::vector<std::uint16_t> words;
      for (unsigned k = 0; k < cnt; ++k) words.push_back(static_cast<std::uint16_t>(values[first + k]));
      out.push_back(req_write_state(kind, first, words));
    }
  };
  state(StateKind::v, img.v0);
  state(StateKind::u, img.u0);
  state(StateKind::i, img.i0);
  const auto learn = [&](unsigned kind, const std::vector<std::uint8_t>& flags) {
    if (std::all_of(flags.begin(), flags.end(), [](std::uint8_t x) { return x == 0; })) return;
    for (unsigned first = 0; first < flags.size(); first += 256) {
      const unsigned cnt = std::min<unsigned>(256u, static_cast<unsigned>(flags.size()) - first);
      out.push_back(req_write_learn(kind, first, std::span<const std::uint8_t>(flags.data() + first, cnt)));
    }
  };
  learn(0, img.pre_en);
  learn(1, img.post_en);
  const auto& st = img.stdp;
  out.push_back(req_write_stdp(st.k_pre, st.inc_pre, st.k_post, st.inc_post, st.a_plus, st.a_minus, st.w_min, st.w_max));
  return out;
}

std::string image_to_json(const CoreImage& img) {
  nlohmann::json j;
  j["format"] = "spikeforge-core-image";
  j["version"] = 1;
  j["geometry"] = {{"n", img.geometry.n}, {"na", img.geometry.na}, {"nslot", img.geometry.nslot}};
  j["dt"] = img.dt;
  nlohmann::json params = nlohmann::json::array();
  for (const auto& p : img.params) params.push_back(std::vector<std::uint16_t>(p.begin(), p.end()));
  j["params"] = params;
  j["weights"] = img.weights;
  j["v0"] = img.v0;
  j["u0"] = img.u0;
  j["i0"] = img.i0;
  j["pre_en"] = img.pre_en;
  j["post_en"] = img.post_en;
  const auto& st = img.stdp;
  j["stdp"] = {{"k_pre", st.k_pre}, {"inc_pre", st.inc_pre}, {"k_post", st.k_post}, {"inc_post", st.inc_post},
               {"a_plus", st.a_plus}, {"a_minus", st.a_minus}, {"w_min", st.w_min}, {"w_max", st.w_max}};
  nlohmann::json pops = nlohmann::json::array();
  for (const auto& p : img.populations) {
    pops.push_back({{"name", p.name}, {"first", p.first}, {"size", p.size}, {"izhikevich", p.izhikevich},
                    {"v_lsb", p.v_lsb}, {"i_lsb", p.i_lsb}});
  }
  j["populations"] = pops;
  nlohmann::json srcs = nlohmann::json::array();
  for (const auto& s : img.sources) {
    srcs.push_back({{"name", s.name}, {"first_axon", s.first_axon}, {"size", s.size}, {"delay_steps", s.delay_steps}});
  }
  j["sources"] = srcs;
  return j.dump();
}

}  // namespace spikeforge::hw
