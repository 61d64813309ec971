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
// step the neuron integrates again (kernel_base.hpp: refractory "until"), written at spikes only.
// Threshold: v >= v_thresh (+ theta for the adaptive variant) after the step; v is then set to
// v_reset. The adaptive variant's theta decays exactly (factor exp(-h/tau_theta)) each step and
// jumps by theta_plus at each spike.
// Precision: double throughout (the closed-form tests ask for 1e-6 relative accuracy and exact
// run continuation). The update is branch-free and runs on SIMD packs (simd.hpp); packs and the
// scalar tail perform identical operations, so results do not depend on a neuron's position.
#pragma once

#include <array>
#include <cstddef>
#include <span>
#include <string_view>
#include <vector>

#include <spikeforge/neurons/kernel_base.hpp>
#include <spikeforge/neurons/lif_propagator.hpp>
#include <spikeforge/neurons/simd.hpp>

namespace spikeforge::neurons {

template <bool Adaptive>
class LifCurrExpKernel : public KernelBase<LifCurrExpKernel<Adaptive>> {
  using Base = KernelBase<LifCurrExpKernel<Adaptive>>;
  friend Base;

public:
  static constexpr std::string_view model_name = Adaptive ? "lif_adaptive_threshold" : "lif_curr_exp";
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
  static constexpr bool refractory = true;

  LifCurrExpKernel(const ParameterSet& p, double dt) : Base(p, dt) {
    const auto &cm = this->parameter(p, "cm"), &tau_m = this->parameter(p, "tau_m"),
               &tau_e = this->parameter(p, "tau_syn_e"), &tau_i = this->parameter(p, "tau_syn_i"),
               &i_offset = this->parameter(p, "i_offset");
    v_rest_ = this->coefficients(p, "v_rest");
    v_thresh_ = this->coefficients(p, "v_thresh");
    p22_ = this->coefficients([&](std::size_t k) { return membrane_decay(dt, tau_m[k]); });
    p20_ = this->coefficients([&](std::size_t k) { return offset_to_voltage(dt, tau_m[k], cm[k]); });
    v_base_ = this->coefficients([&](std::size_t k) { return v_rest_[k] + i_offset[k] * p20_[k]; });
    p11e_ = this->coefficients([&](std::size_t k) { return synaptic_decay(dt, tau_e[k]); });
    p11i_ = this->coefficients([&](std::size_t k) { return synaptic_decay(dt, tau_i[k]); });
    p21e_ = this->coefficients([&](std::size_t k) { return current_to_voltage(dt, tau_m[k], tau_e[k], cm[k]); });
    p21i_ = this->coefficients([&](std::size_t k) { return current_to_voltage(dt, tau_m[k], tau_i[k], cm[k]); });
    if constexpr (Adaptive) {
      const auto& tau_theta = this->parameter(p, "tau_theta");
      theta_plus_ = this->coefficients(p, "theta_plus");
      p_theta_ = this->coefficients([&](std::size_t k) { return synaptic_decay(dt, tau_theta[k]); });
      theta_.assign(this->size(), 0.0);
    }
    v_ = expand(v_rest_, this->size());
    i_exc_.assign(this->size(), 0.0);
    i_inh_.assign(this->size(), 0.0);
  }

  /// The synaptic current a receptor's input adds into (0: i_syn_exc, 1: i_syn_inh), for callers
  /// that deliver input directly after a step given no input slots.
  std::span<double> input_state(std::size_t receptor) noexcept { return receptor == 0 ? i_exc_ : i_inh_; }

private:
  auto states() noexcept {
    if constexpr (Adaptive) return std::array{&v_, &i_exc_, &i_inh_, &theta_};
    else return std::array{&v_, &i_exc_, &i_inh_};
  }

  template <class S>
  std::size_t update(S s) noexcept {
    using namespace simd;
    using Coef = typename S::Coef;
    double* __restrict v = v_.data();
    double* __restrict ie = i_exc_.data();
    double* __restrict ii = i_inh_.data();
    double* __restrict theta = Adaptive ? theta_.data() : nullptr;
    double* __restrict in_exc = s.in_exc;
    double* __restrict in_inh = s.in_inh;
    const double* __restrict i_ext = s.i_ext;
    const Coef v_rest(v_rest_.data()), v_th(v_thresh_.data()), v_base(v_base_.data()), p22(p22_.data()),
        p20(p20_.data()), p11e(p11e_.data()), p11i(p11i_.data()), p21e(p21e_.data()), p21i(p21i_.data()),
        p_theta(p_theta_.data()), theta_plus(theta_plus_.data());
    return s.lanes([&]<class T>(std::size_t k) {
      // v_rest + i_offset P20 is one coefficient; the rest are fused multiply-adds on v - v_rest
      // (v_rest stays a fixed point exactly without input).
      T base = coef<T>(v_base, k);
      if constexpr (S::ext) base = fma(load<T>(i_ext + k), coef<T>(p20, k), base);
      const T v_old = loaded<T>(v + k), ie_old = loaded<T>(ie + k), ii_old = loaded<T>(ii + k);
      T v_free = fma(v_old - coef<T>(v_rest, k), coef<T>(p22, k), base);
      v_free = fma(ie_old, coef<T>(p21e, k), v_free);
      v_free = fma(ii_old, coef<T>(p21i, k), v_free);
      const T v_new = s.hold(k, v_old, v_free);
      decay_input<S::input>(ie, in_exc, ie_old, p11e, k);
      decay_input<S::input>(ii, in_inh, ii_old, p11i, k);
      T threshold = coef<T>(v_th, k);
      T theta_k = splat<T>(0.0);
      if constexpr (Adaptive) {
        theta_k = load<T>(theta + k) * coef<T>(p_theta, k);
        threshold = threshold + theta_k;
      }
      store(v + k, v_new);  // the base resets the few that spiked
      if constexpr (Adaptive) store(theta + k, select(v_new >= threshold, theta_k + coef<T>(theta_plus, k), theta_k));
      return ge_bits(v_new, threshold);
    });
  }

  std::vector<double> v_, i_exc_, i_inh_, theta_;
  std::vector<double> v_rest_, v_thresh_, v_base_, theta_plus_;
  std::vector<double> p22_, p20_, p11e_, p11i_, p21e_, p21i_, p_theta_;
};

/// "lif_curr_exp": the kernel without threshold adaptation.
using LifCurrExp = LifCurrExpKernel<false>;

}  // namespace spikeforge::neurons
