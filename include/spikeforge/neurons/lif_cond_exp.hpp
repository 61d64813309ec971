// Leaky integrate-and-fire neuron with exponentially decaying synaptic conductances
// ("lif_cond_exp") as a structure-of-arrays kernel.
//
// Dynamics (units: mV, nS, nA, pF, ms), g_L = cm / tau_m:
//   cm dv/dt = g_L (v_rest - v) + g_exc (e_rev_e - v) + g_inh (e_rev_i - v) + 1000 (i_offset + i_ext)
//   dg_x/dt = -g_x / tau_syn_x
// Integration: exponential Euler. The conductances decay exactly (factor exp(-dt/tau_syn)); over
// one step v relaxes exactly towards the effective reversal potential with the total
// conductance G = g_L + g_exc + g_inh, both taken at the start of the step:
//   v' = v + (A - G v) * dt/cm * phi(G dt/cm),  A = g_L v_rest + g_exc e_rev_e + g_inh e_rev_i + 1000 I,
//   phi(x) = (1 - exp(-x)) / x  (-> 1 as x -> 0; also valid when G <= 0, which random initial
// conductances such as the COBA benchmark's can produce). The error is first order in dt
// through the frozen conductances only. phi is evaluated by relaxation_factor() below.
// Order within a step, refractoriness and threshold: as lif_curr_exp (input in nS is added to
// the conductances after v is advanced; v held at v_reset for round(tau_refrac/dt) steps).
// Precision: double.
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include <spikeforge/neurons/kernel_support.hpp>

namespace spikeforge::neurons {

/// phi(x) = (1 - exp(-x)) / x. Usually |x| = G dt / cm is well below 0.5, where a degree-13
/// Taylor series (truncation < 2e-17 relative) is cheaper than exp and a division and has no
/// cancellation near 0; beyond it, vexp. The branch almost never changes direction.
inline double relaxation_factor(double x) noexcept {
  if (x < 0.5 && x > -0.5) {
    double p = 1.0 / 87178291200.0;  // 1/14!
    p = 1.0 / 6227020800.0 - x * p;
    p = 1.0 / 479001600.0 - x * p;
    p = 1.0 / 39916800.0 - x * p;
    p = 1.0 / 3628800.0 - x * p;
    p = 1.0 / 362880.0 - x * p;
    p = 1.0 / 40320.0 - x * p;
    p = 1.0 / 5040.0 - x * p;
    p = 1.0 / 720.0 - x * p;
    p = 1.0 / 120.0 - x * p;
    p = 1.0 / 24.0 - x * p;
    p = 1.0 / 6.0 - x * p;
    p = 0.5 - x * p;
    return 1.0 - x * p;
  }
  return (1.0 - vexp(-x)) / x;
}

class LifCondExp {
public:
  static constexpr std::string_view model_name = "lif_cond_exp";
  static constexpr std::array<std::string_view, 11> parameter_names{
      "cm", "tau_m", "tau_refrac", "v_rest", "v_reset", "v_thresh", "tau_syn_e", "tau_syn_i", "e_rev_e", "e_rev_i", "i_offset"};
  static constexpr std::array<std::string_view, 3> state_names{"v", "g_exc", "g_inh"};

  LifCondExp(const ParameterSet& p, double dt) {
    const std::size_t n = neuron_count(p);
    auto get = [&](std::string_view name) -> const std::vector<double>& { return parameter(p, model_name, name, n); };
    const auto &cm = get("cm"), &tau_m = get("tau_m"), &tau_ref = get("tau_refrac"), &tau_e = get("tau_syn_e"),
               &tau_i = get("tau_syn_i"), &v_rest = get("v_rest"), &i_offset = get("i_offset");
    v_reset_ = get("v_reset");
    v_thresh_ = get("v_thresh");
    e_exc_ = get("e_rev_e");
    e_inh_ = get("e_rev_i");
    g_leak_.resize(n); leak_drive_.resize(n); dt_over_cm_.resize(n); p11e_.resize(n); p11i_.resize(n); ref_steps_.resize(n);
    for (std::size_t k = 0; k < n; ++k) {
      g_leak_[k] = cm[k] / tau_m[k];
      leak_drive_[k] = g_leak_[k] * v_rest[k] + kMilliVoltPerNanoAmpMsPerPicoFarad * i_offset[k];
      dt_over_cm_[k] = dt / cm[k];
      p11e_[k] = std::exp(-dt / tau_e[k]);
      p11i_[k] = std::exp(-dt / tau_i[k]);
      ref_steps_[k] = refractory_steps(tau_ref[k], dt);
    }
    v_ = v_rest;
    flags_.assign(n, 0);
    g_exc_.assign(n, 0.0);
    g_inh_.assign(n, 0.0);
    refrac_.assign(n, 0.0);
  }

  std::size_t size() const noexcept { return v_.size(); }

  std::span<double> state(std::string_view name) {
    if (name == "v") return v_;
    if (name == "g_exc") return g_exc_;
    if (name == "g_inh") return g_inh_;
    throw Error(std::string(model_name) + " kernel: no state variable '" + std::string(name) + "'");
  }
  void clear_refractory() noexcept { refrac_.assign(refrac_.size(), 0.0); }

  /// One step; in_exc/in_inh in nS, i_ext in nA (or nullptr). See LifCurrExpKernel::step.
  std::size_t step(const double* in_exc, const double* in_inh, const double* i_ext, std::uint32_t* spiked) noexcept {
    return i_ext ? step_impl<true>(in_exc, in_inh, i_ext, spiked) : step_impl<false>(in_exc, in_inh, i_ext, spiked);
  }

private:
  template <bool Ext>
  std::size_t step_impl(const double* __restrict in_exc, const double* __restrict in_inh,
                        const double* __restrict i_ext, std::uint32_t* __restrict spiked) noexcept {
    const std::size_t n = size();
    double* __restrict v = v_.data();
    double* __restrict ge = g_exc_.data();
    double* __restrict gi = g_inh_.data();
    double* __restrict r = refrac_.data();
    std::uint8_t* __restrict flag = flags_.data();
    for (std::size_t k = 0; k < n; ++k) {
      double drive = leak_drive_[k] + ge[k] * e_exc_[k] + gi[k] * e_inh_[k];
      if constexpr (Ext) drive += kMilliVoltPerNanoAmpMsPerPicoFarad * i_ext[k];
      const double g_total = g_leak_[k] + ge[k] + gi[k];
      const double x = g_total * dt_over_cm_[k];
      // phi(x) = (1 - e^-x)/x; below |x| = 1e-5 its series (error < 1e-16) avoids the cancellation.
      const double phi = relaxation_factor(x);
      const double v_free = v[k] + (drive - g_total * v[k]) * dt_over_cm_[k] * phi;
      const double v_old = v[k], r_old = r[k], v_reset = v_reset_[k], ref = ref_steps_[k], v_th = v_thresh_[k];
      const double v_new = r_old > 0.0 ? v_old : v_free;
      ge[k] = ge[k] * p11e_[k] + in_exc[k];
      gi[k] = gi[k] * p11i_[k] + in_inh[k];
      const bool spike = v_new >= v_th;
      const double r_dec = r_old - 1.0;
      v[k] = spike ? v_reset : v_new;
      r[k] = spike ? ref : (r_dec > 0.0 ? r_dec : 0.0);
      flag[k] = spike ? 1 : 0;
    }
    return compact_flags(flag, n, spiked);
  }

  std::vector<double> v_, g_exc_, g_inh_, refrac_;
  std::vector<std::uint8_t> flags_;
  std::vector<double> v_reset_, v_thresh_, e_exc_, e_inh_, g_leak_, leak_drive_, dt_over_cm_, p11e_, p11i_, ref_steps_;
};

}  // namespace spikeforge::neurons
