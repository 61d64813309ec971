// Izhikevich (2003) quadratic integrate-and-fire neuron ("izhikevich") as a structure-of-arrays
// kernel, with the paper's units: v in mV, t in ms, u and the input I in mV/ms.
//
// Dynamics: dv/dt = 0.04 v^2 + 5 v + 140 - u + I,  du/dt = a (b v - u);  at v >= v_peak: v = c, u += d.
// I = i_offset + i_ext, where an injected current's amplitude (nominally nA) is taken as a number
// in the model's input unit, as NEST's izhikevich model does with I_e.
// Integration, as in the 2003 paper: v advances by two forward-Euler half steps of dt/2 (for
// numerical stability of the quadratic term), then u by one forward-Euler step of dt using the new
// v cut off at v_peak. The cut-off is the one change to the paper's code: at dt = 1 ms v can
// overshoot far past v_peak within a step, and feeding that overshoot into u made the adaptation
// depend on where in the step the spike fell (irregular ISIs for RS/FS/LTS); with it, dt = 1 ms
// and dt = 0.1 ms show the same published firing patterns. At dt = 0.1 ms it moves ISIs by < 1 %.
// Input: synaptic weights are instantaneous jumps of v in mV, added after the step's update and
// before the threshold check (as NEST's izhikevich). No refractory period.
// Precision: double; the update runs on SIMD packs (simd.hpp).
#pragma once

#include <array>
#include <cstddef>
#include <string_view>
#include <vector>

#include <spikeforge/neurons/kernel_base.hpp>
#include <spikeforge/neurons/simd.hpp>

namespace spikeforge::neurons {

class Izhikevich : public KernelBase<Izhikevich> {
  friend KernelBase<Izhikevich>;

public:
  static constexpr std::string_view model_name = "izhikevich";
  static constexpr std::array<std::string_view, 6> parameter_names{"a", "b", "c", "d", "v_peak", "i_offset"};
  static constexpr std::array<std::string_view, 2> state_names{"v", "u"};
  static constexpr bool refractory = false;  // the update resets v and u itself

  /// Input slots are voltage jumps in mV; i_ext is in the model's input unit.
  Izhikevich(const ParameterSet& p, double dt) : KernelBase(p, dt), dt_(dt) {
    a_ = coefficients(p, "a");
    b_ = coefficients(p, "b");
    c_ = coefficients(p, "c");
    d_ = coefficients(p, "d");
    v_peak_ = coefficients(p, "v_peak");
    i_offset_ = coefficients(p, "i_offset");
    v_.assign(size(), -65.0);
    u_.resize(size());
    for (std::size_t k = 0; k < size(); ++k) u_[k] = b_[b_.size() == 1 ? 0 : k] * v_[k];
  }

private:
  auto states() noexcept { return std::array{&v_, &u_}; }

  template <class S>
  std::size_t update(S s) noexcept {
    using namespace simd;
    using Coef = typename S::Coef;
    const double half = 0.5 * dt_, dt = dt_;
    double* __restrict v = v_.data();
    double* __restrict u = u_.data();
    double* __restrict in_exc = s.in_exc;
    double* __restrict in_inh = s.in_inh;
    const double* __restrict i_ext = s.i_ext;
    const Coef pa(a_.data()), pb(b_.data()), pc(c_.data()), pd(d_.data()), ppeak(v_peak_.data()), i_off(i_offset_.data());
    return s.lanes([&]<class T>(std::size_t k) {
      T current = coef<T>(i_off, k);
      if constexpr (S::ext) current = current + load<T>(i_ext + k);
      T vk = load<T>(v + k);
      const T uk = load<T>(u + k), peak = coef<T>(ppeak, k), h = splat<T>(half);
      // The terms of dv/dt that do not depend on v are the same in both half steps.
      const T rest = (current + 140.0) - uk;
      vk = fma(h, fma(fma(splat<T>(0.04), vk, splat<T>(5.0)), vk, rest), vk);
      vk = fma(h, fma(fma(splat<T>(0.04), vk, splat<T>(5.0)), vk, rest), vk);
      const T drift = coef<T>(pb, k) * select(vk < peak, vk, peak) - uk;
      const T u_new = fma(dt * coef<T>(pa, k), drift, uk);
      vk = vk + load<T>(in_exc + k) + load<T>(in_inh + k);
      store(in_exc + k, splat<T>(0.0));
      store(in_inh + k, splat<T>(0.0));
      const auto spike = vk >= peak;
      store(v + k, select(spike, coef<T>(pc, k), vk));
      store(u + k, select(spike, u_new + coef<T>(pd, k), u_new));
      return ge_bits(vk, peak);
    });
  }

  double dt_;
  std::vector<double> v_, u_;
  std::vector<double> a_, b_, c_, d_, v_peak_, i_offset_;
};

}  // namespace spikeforge::neurons
