// Leaky integrate-and-fire neuron with delta synapses ("lif_delta"): each input spike makes v
// jump by its weight (mV). The Brunel (2000) balanced network uses it.
//
// Dynamics (mV, nA, pF, ms): tau_m dv/dt = v_rest - v + 1000 tau_m/cm (i_offset + i_ext), plus jumps.
// Integration: exact propagator, v' = v_rest + (v - v_rest) P22 + I P20 with P22 = exp(-dt/tau_m),
// P20 = 1000 tau_m/cm (1 - P22); then the step's arriving jumps are added and the threshold is
// checked, so a jump that crosses v_thresh spikes in the step it arrives (as NEST's iaf_psc_delta).
// Refractoriness: v held at v_reset for round(tau_refrac/dt) steps; jumps arriving meanwhile are
// discarded. Precision: double; the update runs on SIMD packs (simd.hpp).
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

class LifDelta {
public:
  static constexpr std::string_view model_name = "lif_delta";
  static constexpr std::array<std::string_view, 7> parameter_names{"cm",      "tau_m",    "tau_refrac", "v_rest",
                                                                   "v_reset", "v_thresh", "i_offset"};
  static constexpr std::array<std::string_view, 1> state_names{"v"};

  LifDelta(const ParameterSet& p, double dt) {
    const std::size_t n = neuron_count(p);
    uniform_ = all_uniform(p);
    const std::size_t m = uniform_ ? std::min<std::size_t>(n, 1) : n;
    auto get = [&](std::string_view name) -> const std::vector<double>& { return parameter(p, model_name, name, n); };
    const auto &cm = get("cm"), &tau_m = get("tau_m"), &tau_ref = get("tau_refrac");
    v_rest_ = head(get("v_rest"), m);
    v_reset_ = head(get("v_reset"), m);
    v_thresh_ = head(get("v_thresh"), m);
    const auto& i_offset = get("i_offset");
    p22_.resize(m); p20_.resize(m); ref_steps_.resize(m); v_base_.resize(m);
    for (std::size_t k = 0; k < m; ++k) {
      p22_[k] = membrane_decay(dt, tau_m[k]);
      p20_[k] = offset_to_voltage(dt, tau_m[k], cm[k]);
      v_base_[k] = v_rest_[k] + i_offset[k] * p20_[k];
      ref_steps_[k] = refractory_steps(tau_ref[k], dt);
    }
    v_ = expand(v_rest_, n);
    until_.assign(n, 0.0);
  }

  std::size_t size() const noexcept { return v_.size(); }

  std::span<double> state(std::string_view name) {
    if (name == "v") return v_;
    throw Error(std::string(model_name) + " kernel: no state variable '" + std::string(name) + "'");
  }
  void clear_refractory() noexcept { until_.assign(until_.size(), 0.0); }

  /// One step; in_exc/in_inh are voltage jumps in mV, consumed (set to +0.0) as they are read;
  /// i_ext in nA (or nullptr).
  std::size_t step(double* in_exc, double* in_inh, const double* i_ext, std::uint32_t* spiked) noexcept {
    return step_range(clock_++, 0, size(), in_exc, in_inh, i_ext, spiked);
  }
  /// Step number `step` of neurons [begin, end) only; see LifCurrExpKernel::step_range.
  std::size_t step_range(std::uint64_t step, std::size_t begin, std::size_t end, double* in_exc, double* in_inh,
                         const double* i_ext, std::uint32_t* spiked) noexcept {
    return dispatch_step(i_ext != nullptr, uniform_, [&]<bool Ext, bool Uniform>() {
      return step_impl<Ext, Uniform>(step, begin, end, in_exc, in_inh, i_ext, spiked);
    });
  }

private:
  template <bool Ext, bool Uniform>
  std::size_t step_impl(std::uint64_t step, std::size_t begin, std::size_t end, double* __restrict in_exc,
                        double* __restrict in_inh,
                        const double* __restrict i_ext, std::uint32_t* __restrict spiked) noexcept {
    using namespace simd;
    if (begin >= end) return 0;
    double* __restrict v = v_.data();
    double* __restrict until = until_.data();
    const Coef<Uniform> v_rest(v_rest_.data()), v_reset(v_reset_.data()), v_th(v_thresh_.data()), v_base(v_base_.data()),
        p22(p22_.data()), p20(p20_.data()), ref(ref_steps_.data());
    const double now = static_cast<double>(step);
    const std::size_t count = update_range(begin, end, spiked, [&]<class T>(std::size_t k) {
      // As lif_curr_exp: v_rest + i_offset P20 is one coefficient, v - v_rest decays by a fused
      // multiply-add.
      T base = coef<T>(v_base, k);
      if constexpr (Ext) base = fma(load<T>(i_ext + k), coef<T>(p20, k), base);
      const T v_old = loaded<T>(v + k);
      const T v_free = fma(v_old - coef<T>(v_rest, k), coef<T>(p22, k), base) + load<T>(in_exc + k) + load<T>(in_inh + k);
      store(in_exc + k, splat<T>(0.0));
      store(in_inh + k, splat<T>(0.0));
      const T v_new = select(load<T>(until + k) > now, v_old, v_free);
      store(v + k, v_new);  // reset_spiked() resets the few that spiked
      return ge_bits(v_new, coef<T>(v_th, k));
    });
    reset_spiked(spiked, count, step, v, until, v_reset, ref);
    return count;
  }

  bool uniform_ = false;  // every coefficient array holds one shared value
  std::uint64_t clock_ = 0;  // steps taken by step()
  std::vector<double> v_, until_;
  std::vector<double> v_rest_, v_reset_, v_thresh_, v_base_, p22_, p20_, ref_steps_;
};

}  // namespace spikeforge::neurons
