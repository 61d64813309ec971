// Neuron stage of hw::compile(): each population's parameters as the core's words (LIF through
// the exact propagator shared with the CPU kernels, Izhikevich in fixed point), its membrane and
// current LSBs and its initial state; and the check that state probes ask for what the core holds.
#include <algorithm>
#include <cmath>
#include <map>

#include <spikeforge/model/synapses.hpp>
#include <spikeforge/neurons/lif_propagator.hpp>

#include "compile_stages.hpp"

namespace spikeforge::hw::detail {

namespace {

/// Collects the worst relative error of each parameter of one population for the report.
struct Quantiser {
  QuantisationReport& report;
  std::string population;
  std::map<std::string, ParameterReport> worst;  ///< per parameter label

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

/// One population on its way into the image.
struct PopulationStage {
  const model::Network& net;
  std::size_t index;
  const model::Population& pop;
  CoreImage::Population& cp;
  std::string object;
  double wmax;             ///< largest |weight| onto it (Layout::max_weight)
  bool gets_inhibitory;    ///< Layout::gets_inhibitory
  Quantiser q;

  std::vector<double> values(const char* name) const { return model::population_values(net, index, name, false); }
  std::vector<double> initial(const char* name) const { return model::population_values(net, index, name, true); }
};

/// lif_curr_exp and lif_delta: v decays by kv = P22 (Q15), the current by ki = P11 (Q15), and
/// enters v through the gain g = P21 in membrane LSB per current LSB (Q12).
void quantise_lif(PopulationStage& s, bool delta, const CoreConfig& config, CoreImage& img) {
  const model::Population& pop = s.pop;
  CoreImage::Population& cp = s.cp;
  const std::string& object = s.object;
  const double dt = img.dt, wmax = s.wmax;
  Quantiser& q = s.q;
  const auto cm = s.values("cm"), tau_m = s.values("tau_m"), tau_ref = s.values("tau_refrac"),
             v_rest = s.values("v_rest"), v_reset = s.values("v_reset"), v_th = s.values("v_thresh"),
             i_off = s.values("i_offset");
  std::vector<double> tau_s(pop.size, 0.0);
  if (!delta) {
    const auto te = s.values("tau_syn_e"), ti = s.values("tau_syn_i");
    for (std::uint32_t k = 0; k < pop.size; ++k) {
      if (s.gets_inhibitory && std::abs(te[k] - ti[k]) > 1e-12 * te[k]) {
        refuse(object, "tau_syn_i = " + num(ti[k]) + " ms differs from tau_syn_e = " + num(te[k]) + " ms (neuron " +
                           std::to_string(k) + "): the core has one synaptic current per neuron");
      }
      tau_s[k] = te[k];
    }
  }
  const auto v_init = s.initial("v");
  // Resting potential with i_offset folded in: the relaxation target of the exact propagator.
  std::vector<double> v_inf(pop.size);
  double vmax = 1.0;
  for (std::uint32_t k = 0; k < pop.size; ++k) {
    v_inf[k] = v_rest[k] + neurons::kMilliVoltPerNanoAmpMsPerPicoFarad * tau_m[k] / cm[k] * i_off[k];
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
      const double coupling = delta ? 1.0 : neurons::current_to_voltage(dt, tau_m[k], tau_s[k], cm[k]);
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
    const double p22 = neurons::membrane_decay(dt, tau_m[k]);
    const std::int64_t kv = round_checked(p22 * 32768.0, 0, 32767, object, "exp(-dt/tau_m) in Q15");
    q.note("tau_m -> kv (Q15)", k, p22, kv, kv / 32768.0);
    w[param::kv] = word(kv);
    const double p11 = delta ? 0.0 : neurons::synaptic_decay(dt, tau_s[k]);
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
      const auto ie = s.initial("i_syn_exc"), ii = s.initial("i_syn_inh");
      img.i0[n] = static_cast<std::int16_t>(
          round_checked((ie[k] + ii[k]) / ilsb, -32768, 32767, object, "initial synaptic current"));
    }
  }
}

/// izhikevich (dt = 1 ms): a (Q16), b (Q8), c, d, v_peak and v, u in Q6 (1/64 mV).
void quantise_izhikevich(PopulationStage& s, CoreImage& img) {
  const model::Population& pop = s.pop;
  CoreImage::Population& cp = s.cp;
  const std::string& object = s.object;
  const double dt = img.dt, wmax = s.wmax;
  Quantiser& q = s.q;
  if (std::abs(dt - 1.0) > 1e-12) {
    refuse(object, "model = izhikevich with dt = " + num(dt) +
                       " ms: the core's Izhikevich update is the 2003 scheme for dt = 1 ms");
  }
  cp.izhikevich = true;
  cp.v_lsb = 1.0 / 64.0;
  const auto a = s.values("a"), b = s.values("b"), c = s.values("c"), d = s.values("d"), vp = s.values("v_peak"),
             i_off = s.values("i_offset");
  const auto v_init = s.initial("v"), u_init = s.initial("u");
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
    // value * one, rounded, into parameter word `slot` (refused outside [lo, 32767]).
    const auto put = [&](int slot, double value, double one, std::int64_t lo, const char* what, const char* label) {
      const std::int64_t i = round_checked(value * one, lo, 32767, object, what);
      q.note(label, k, value, i, i / one);
      w[slot] = word(i);
    };
    put(param::kv, a[k], 65536.0, 0, "a in Q16 (a < 0.5/ms)", "a (Q16)");
    put(param::b, b[k], 256.0, -32768, "b in Q8", "b (Q8)");
    put(param::v_reset, c[k], 64.0, -32768, "c in Q6", "c [mV] (Q6)");
    put(param::v_rest, d[k], 64.0, -32768, "d in Q6", "d (Q6)");
    put(param::v_th, vp[k], 64.0, -32768, "v_peak in Q6", "v_peak [mV] (Q6)");
    w[param::ki] = 0;
    const double gain = ilsb * 64.0 * 4096.0;
    const std::int64_t g = round_checked(gain, -32768, 32767, object,
                                         "input gain in Q12 (largest weight onto it " + num(wmax) + " mV)");
    q.note("weight->v gain g (Q12)", k, gain, g, static_cast<double>(g));
    w[param::g] = word(g);
    img.v0[n] = static_cast<std::int16_t>(round_checked(v_init[k] * 64.0, -32768, 32767, object, "initial v"));
    img.u0[n] = static_cast<std::int16_t>(round_checked(u_init[k] * 64.0, -32768, 32767, object, "initial u"));
  }
}

}  // namespace

void quantise_neurons(const model::Network& net, const Layout& layout, const CoreConfig& config, CoreImage& img,
                      QuantisationReport& rep) {
  for (std::size_t p = 0; p < net.populations.size(); ++p) {
    const auto& pop = net.populations[p];
    PopulationStage s{net, p, pop, img.populations[p], quoted("population", pop.name), layout.max_weight[p],
                      layout.gets_inhibitory[p], Quantiser{rep, pop.name, {}}};
    if (pop.model == "lif_curr_exp" || pop.model == "lif_delta") {
      quantise_lif(s, pop.model == "lif_delta", config, img);
    } else if (pop.model == "izhikevich") {
      quantise_izhikevich(s, img);
    } else if (pop.model == "lif_cond_exp") {
      refuse(s.object, "model = lif_cond_exp: the core has current-based synapses only (conductance synapses "
                       "need a multiplication by (E_rev - v) per input); use lif_curr_exp");
    } else {
      refuse(s.object, "model = " + pop.model + ": the core runs lif_curr_exp, lif_delta and izhikevich");
    }
    s.q.flush();
  }
}

void check_probes(const model::Network& net, const model::Resolved& resolved) {
  // The core holds v, u and one synaptic current.
  for (std::size_t q = 0; q < net.probes.size(); ++q) {
    const auto& probe = net.probes[q];
    if (probe.kind != model::Probe::Kind::State) continue;
    const model::Population& pop = net.populations[resolved.probes().at(q).index];
    for (const auto& var : probe.variables) {
      const bool ok = var == "v" || (pop.model == "izhikevich" && var == "u") ||
                      (pop.model == "lif_curr_exp" && var == "i_syn_exc");
      if (!ok) {
        refuse(quoted("probe", probe.name), "variable = " + var +
                                                ": the core holds v, u (izhikevich) and one synaptic current "
                                                "(recorded as i_syn_exc, the sum of both receptors)");
      }
    }
  }
}

}  // namespace spikeforge::hw::detail
