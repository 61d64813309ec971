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

class Izhikevich {
public:
  static constexpr std::string_view model_name = "izhikevich";
  static constexpr std::array<std::string_view, 6> parameter_names{"a", "b", "c", "d", "v_peak", "i_offset"};
  static constexpr std::array<std::string_view, 2> state_names{"v", "u"};

  Izhikevich(const ParameterSet& p, double dt) : dt_(dt) {
    const std::size_t n = neuron_count(p);
    uniform_ = all_uniform(p);
    const std::size_t m = uniform_ ? std::min<std::size_t>(n, 1) : n;
    auto get = [&](std::string_view name) -> const std::vector<double>& { return parameter(p, model_name, name, n); };
    a_ = head(get("a"), m);
    b_ = head(get("b"), m);
    c_ = head(get("c"), m);
    d_ = head(get("d"), m);
    v_peak_ = head(get("v_peak"), m);
    i_offset_ = head(get("i_offset"), m);
    v_.assign(n, -65.0);
    u_.resize(n);
    for (std::size_t k = 0; k < n; ++k) u_[k] = b_[uniform_ ? 0 : k] * v_[k];
  }

  std::size_t size() const noexcept { return v_.size(); }

  std::span<double> state(std::string_view name) {
    if (name == "v") return v_;
    if (name == "u") return u_;
    throw Error(std::string(model_name) + " kernel: no state variable '" + std::string(name) + "'");
  }
  void clear_refractory() noexcept {}

  /// One step; in_exc/in_inh are voltage jumps in mV, consumed (set to +0.0) as they are read;
  /// i_ext in the model's input unit (or nullptr).
  std::size_t step(double* in_exc, double* in_inh, const double* i_ext, std::uint32_t* spiked) noexcept {
    return step_range(0, 0, size(), in_exc, in_inh, i_ext, spiked);
  }
  /// One step of neurons [begin, end) only (a thread's share of the population): the arrays are
  /// indexed by neuron id as in step(), spiking ids (absolute) go to spiked[0...]. Each neuron's
  /// update is independent of the range it is advanced in (bit-identical results). Consumes (zeroes)
  /// in_exc/in_inh over [begin, end) only. The step number is not used (no refractory period).
  std::size_t step_range(std::uint64_t /*step*/, std::size_t begin, std::size_t end, double* in_exc,
                         double* in_inh, const double* i_ext, std::uint32_t* spiked) noexcept {
    return dispatch_step(i_ext != nullptr, uniform_, [&]<bool Ext, bool Uniform>() {
      return step_impl<Ext, Uniform>(begin, end, in_exc, in_inh, i_ext, spiked);
    });
  }

private:
  template <bool Ext, bool Uniform>
  std::size_t step_impl(std::size_t begin, std::size_t end, double* __restrict in_exc, double* __restrict in_inh,
                        const double* __restrict i_ext, std::uint32_t* __restrict spiked) noexcept {
    using namespace simd;
    if (begin >= end) return 0;
    const double half = 0.5 * dt_, dt = dt_;
    double* __restrict v = v_.data();
    double* __restrict u = u_.data();
    const Coef<Uniform> pa(a_.data()), pb(b_.data()), pc(c_.data()), pd(d_.data()), ppeak(v_peak_.data()),
        i_off(i_offset_.data());
    return update_range(begin, end, spiked, [&]<class T>(std::size_t k) {
      T current = coef<T>(i_off, k);
      if constexpr (Ext) current = current + load<T>(i_ext + k);
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
  bool uniform_ = false;  // every coefficient array holds one shared value
  std::vector<double> v_, u_;
  std::vector<double> a_, b_, c_, d_, v_peak_, i_offset_;
};

}  // namespace spikeforge::neurons
