// Leaky integrate-and-fire neuron with exponentially decaying synaptic currents ("lif_curr_exp"),
// and its adaptive-threshold variant ("lif_adaptive_threshold"), as a structure-of-arrays kernel.
//
// Dynamics (units: mV, nA, pF, ms):
//   cm dv/dt = cm (v_rest - v) / tau_m + i_syn_exc + i_syn_inh + i_offset + i_ext
//   di_syn_x/dt = -i_syn_x / tau_syn_x
// Integration: exact propagator (Rotter & Diesmann 1999). The system is linear with piecewise
// constant i_offset + i_ext, so one step of length h maps the state at t to the state at t + h
// exactly:  v' = v_rest + (v - v_rest) P22 + i_exc P21e + i_inh P21i + (i_offset + i_ext) P20,
// i' = i P11, with P22 = exp(-h/tau_m), P11 = exp(-h/tau_syn), P20 = 1000 tau_m/cm (1 - P22) and
// P21 from current_to_voltage() (stable when tau_syn == tau_m). The only error is
// rounding, so v matches the closed form to ~1e-14 relative. The sums are fused multiply-adds
// (simd::fma) on v - v_rest, with v_rest + i_offset P20 precomputed.
// Order within a step: v is advanced with the synaptic currents at the start of the step, then
// the currents decay, then the step's arriving input (weights in nA, sign as given) is added, so
// an input becomes visible at the step boundary where it arrives (the start of the next step).
// The input comes one of two ways, with the same timing: as slot arrays the step consumes
// (i' = fma(i, P11, in), one rounding), or added by the caller into input_state() right after a
// step given no slots (i' = i P11, then one rounding per addition: the engine's direct input,
// which spares the step reading and clearing two arrays per neuron).
// Refractoriness: after a spike v is held at v_reset for round(tau_refrac/dt) steps (the synaptic
// currents keep evolving); the neuron integrates again from t_spike + tau_refrac. It is kept as the
// step the neuron integrates again (kernel_support.hpp: refractory "until"), written at spikes only.
// Threshold: v >= v_thresh (+ theta for the adaptive variant) after the step; v is then set to
// v_reset. The adaptive variant's theta decays exactly (factor exp(-h/tau_theta)) each step and
// jumps by theta_plus at each spike.
// Precision: double throughout (the closed-form tests ask for 1e-6 relative accuracy and exact
// run continuation). The update is branch-free and runs on SIMD packs (simd.hpp); packs and the
// scalar tail perform identical operations, so results do not depend on a neuron's position.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include <spikeforge/neurons/kernel_support.hpp>
#include <spikeforge/neurons/simd.hpp>

namespace spikeforge::neurons {

template <bool Adaptive>
class LifCurrExpKernel {
public:
  static constexpr std::string_view model_name = Adaptive ? "lif_adaptive_threshold" : "lif_curr_exp";
  static constexpr std::size_t n_base = 9;
  static constexpr std::array<std::string_view, Adaptive ? 11 : 9> parameter_names = [] {
    std::array<std::string_view, Adaptive ? 11 : 9> a{};
    constexpr std::array<std::string_view, 9> base{"cm",       "tau_m",     "tau_refrac", "v_rest",  "v_reset",
                                                   "v_thresh", "tau_syn_e", "tau_syn_i",  "i_offset"};
    for (std::size_t i = 0; i < 9; ++i) a[i] = base[i];
    if constexpr (Adaptive) { a[9] = "tau_theta"; a[10] = "theta_plus"; }
    return a;
  }();
  static constexpr std::array<std::string_view, Adaptive ? 4 : 3> state_names = [] {
    std::array<std::string_view, Adaptive ? 4 : 3> a{};
    a[0] = "v"; a[1] = "i_syn_exc"; a[2] = "i_syn_inh";
    if constexpr (Adaptive) a[3] = "theta";
    return a;
  }();

  LifCurrExpKernel(const ParameterSet& p, double dt) {
    const std::size_t n = neuron_count(p);
    uniform_ = all_uniform(p);
    const std::size_t m = uniform_ ? std::min<std::size_t>(n, 1) : n;
    auto get = [&](std::string_view name) -> const std::vector<double>& { return parameter(p, model_name, name, n); };
    const auto &cm = get("cm"), &tau_m = get("tau_m"), &tau_ref = get("tau_refrac"), &tau_e = get("tau_syn_e"),
               &tau_i = get("tau_syn_i");
    v_rest_ = head(get("v_rest"), m);
    v_reset_ = head(get("v_reset"), m);
    v_thresh_ = head(get("v_thresh"), m);
    const auto& i_offset = get("i_offset");
    p22_.resize(m); p20_.resize(m); p11e_.resize(m); p11i_.resize(m); p21e_.resize(m); p21i_.resize(m);
    ref_steps_.resize(m); v_base_.resize(m);
    for (std::size_t k = 0; k < m; ++k) {
      p22_[k] = membrane_decay(dt, tau_m[k]);
      p20_[k] = offset_to_voltage(dt, tau_m[k], cm[k]);
      v_base_[k] = v_rest_[k] + i_offset[k] * p20_[k];
      p11e_[k] = synaptic_decay(dt, tau_e[k]);
      p11i_[k] = synaptic_decay(dt, tau_i[k]);
      p21e_[k] = current_to_voltage(dt, tau_m[k], tau_e[k], cm[k]);
      p21i_[k] = current_to_voltage(dt, tau_m[k], tau_i[k], cm[k]);
      ref_steps_[k] = refractory_steps(tau_ref[k], dt);
    }
    if constexpr (Adaptive) {
      const auto& tau_theta = get("tau_theta");
      theta_plus_ = head(get("theta_plus"), m);
      p_theta_.resize(m);
      for (std::size_t k = 0; k < m; ++k) p_theta_[k] = synaptic_decay(dt, tau_theta[k]);
      theta_.assign(n, 0.0);
    }
    v_ = expand(v_rest_, n);
    i_exc_.assign(n, 0.0);
    i_inh_.assign(n, 0.0);
    until_.assign(n, 0.0);
  }

  std::size_t size() const noexcept { return v_.size(); }

  /// A state variable by name (see state_names); throws Error for an unknown one.
  std::span<double> state(std::string_view name) {
    if (name == "v") return v_;
    if (name == "i_syn_exc") return i_exc_;
    if (name == "i_syn_inh") return i_inh_;
    if (Adaptive && name == "theta") return theta_;
    throw Error(std::string(model_name) + " kernel: no state variable '" + std::string(name) + "'");
  }
  /// The synaptic current a receptor's input adds into (0: i_syn_exc, 1: i_syn_inh), for callers
  /// that deliver input directly after a step given no input slots.
  std::span<double> input_state(std::size_t receptor) noexcept { return receptor == 0 ? i_exc_ : i_inh_; }
  /// Ends every refractory period (part of setting the initial state).
  void clear_refractory() noexcept { until_.assign(until_.size(), 0.0); }

  /// Advances every neuron by one step. in_exc/in_inh: input arriving at the end of the step (nA);
  /// the step consumes it: each entry it reads is set to +0.0 in the same pass (the engine's input
  /// ring then needs no separate clear of the slot); both nullptr: no input slots (the caller adds
  /// the step's input into input_state() after it). i_ext: injected current during the step (nA),
  /// or nullptr for none. Writes the indices of the neurons that spiked to `spiked` (room for size()
  /// entries) and returns their number. The kernel numbers these steps 0, 1, 2, ... itself (its
  /// clock); a caller that numbers steps (the engine) uses step_range() instead.
  std::size_t step(double* in_exc, double* in_inh, const double* i_ext, std::uint32_t* spiked) noexcept {
    return step_range(clock_++, 0, size(), in_exc, in_inh, i_ext, spiked);
  }
  /// Step number `step` of neurons [begin, end) only (a thread's share of the population): the
  /// arrays are indexed by neuron id as in step(), spiking ids (absolute) go to spiked[0...]. A
  /// neuron's steps must be numbered consecutively from 0 (or from any number after
  /// clear_refractory()); the number only places the refractory periods. Each neuron's update is
  /// independent of the range it is advanced in (bit-identical results). Consumes (zeroes)
  /// in_exc/in_inh over [begin, end) only.
  std::size_t step_range(std::uint64_t step, std::size_t begin, std::size_t end, double* in_exc, double* in_inh,
                         const double* i_ext, std::uint32_t* spiked) noexcept {
    return dispatch_step(in_exc != nullptr, i_ext != nullptr, uniform_, [&]<bool Input, bool Ext, bool Uniform>() {
      return step_impl<Input, Ext, Uniform>(step, begin, end, in_exc, in_inh, i_ext, spiked);
    });
  }

private:
  template <bool Input, bool Ext, bool Uniform>
  std::size_t step_impl(std::uint64_t step, std::size_t begin, std::size_t end, double* __restrict in_exc,
                        double* __restrict in_inh,
                        const double* __restrict i_ext, std::uint32_t* __restrict spiked) noexcept {
    using namespace simd;
    if (begin >= end) return 0;
    double* __restrict v = v_.data();
    double* __restrict ie = i_exc_.data();
    double* __restrict ii = i_inh_.data();
    double* __restrict until = until_.data();
    double* __restrict theta = Adaptive ? theta_.data() : nullptr;
    const Coef<Uniform> v_rest(v_rest_.data()), v_reset(v_reset_.data()), v_th(v_thresh_.data()), v_base(v_base_.data()),
        p22(p22_.data()), p20(p20_.data()), p11e(p11e_.data()), p11i(p11i_.data()), p21e(p21e_.data()),
        p21i(p21i_.data()), ref(ref_steps_.data()), p_theta(p_theta_.data()), theta_plus(theta_plus_.data());
    const double now = static_cast<double>(step);
    const std::size_t count = update_range(begin, end, spiked, [&]<class T>(std::size_t k) {
      // v_rest + i_offset P20 is one coefficient; the rest are fused multiply-adds on v - v_rest
      // (v_rest stays a fixed point exactly without input).
      T base = coef<T>(v_base, k);
      if constexpr (Ext) base = fma(load<T>(i_ext + k), coef<T>(p20, k), base);
      const T v_old = loaded<T>(v + k), ie_old = loaded<T>(ie + k), ii_old = loaded<T>(ii + k);
      T v_free = fma(v_old - coef<T>(v_rest, k), coef<T>(p22, k), base);
      v_free = fma(ie_old, coef<T>(p21e, k), v_free);
      v_free = fma(ii_old, coef<T>(p21i, k), v_free);
      const T v_new = select(load<T>(until + k) > now, v_old, v_free);
      decay_input<Input>(ie, in_exc, ie_old, p11e, k);
      decay_input<Input>(ii, in_inh, ii_old, p11i, k);
      T threshold = coef<T>(v_th, k);
      T theta_k = splat<T>(0.0);
      if constexpr (Adaptive) {
        theta_k = load<T>(theta + k) * coef<T>(p_theta, k);
        threshold = threshold + theta_k;
      }
      store(v + k, v_new);  // reset_spiked() resets the few that spiked
      if constexpr (Adaptive) store(theta + k, select(v_new >= threshold, theta_k + coef<T>(theta_plus, k), theta_k));
      return ge_bits(v_new, threshold);
    });
    reset_spiked(spiked, count, step, v, until, v_reset, ref);
    return count;
  }

  bool uniform_ = false;  // every coefficient array holds one shared value
  std::uint64_t clock_ = 0;  // steps taken by step()
  std::vector<double> v_, i_exc_, i_inh_, until_, theta_;
  std::vector<double> v_rest_, v_reset_, v_thresh_, v_base_, theta_plus_;
  std::vector<double> p22_, p20_, p11e_, p11i_, p21e_, p21i_, ref_steps_, p_theta_;
};

/// "lif_curr_exp": the kernel without threshold adaptation.
using LifCurrExp = LifCurrExpKernel<false>;

}  // namespace spikeforge::neurons
