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

#include <array>
#include <cstddef>
#include <string_view>
#include <vector>

#include <spikeforge/neurons/kernel_base.hpp>
#include <spikeforge/neurons/lif_propagator.hpp>
#include <spikeforge/neurons/simd.hpp>

namespace spikeforge::neurons {

class LifDelta : public KernelBase<LifDelta> {
  friend KernelBase<LifDelta>;

public:
  static constexpr std::string_view model_name = "lif_delta";
  static constexpr std::array<std::string_view, 7> parameter_names{"cm",      "tau_m",    "tau_refrac", "v_rest",
                                                                   "v_reset", "v_thresh", "i_offset"};
  static constexpr std::array<std::string_view, 1> state_names{"v"};
  static constexpr bool refractory = true;

  /// Input slots are voltage jumps in mV (no direct input: a jump acts before the threshold check).
  LifDelta(const ParameterSet& p, double dt) : KernelBase(p, dt) {
    const auto &cm = parameter(p, "cm"), &tau_m = parameter(p, "tau_m"), &i_offset = parameter(p, "i_offset");
    v_rest_ = coefficients(p, "v_rest");
    v_thresh_ = coefficients(p, "v_thresh");
    p22_ = coefficients([&](std::size_t k) { return membrane_decay(dt, tau_m[k]); });
    p20_ = coefficients([&](std::size_t k) { return offset_to_voltage(dt, tau_m[k], cm[k]); });
    v_base_ = coefficients([&](std::size_t k) { return v_rest_[k] + i_offset[k] * p20_[k]; });
    v_ = expand(v_rest_, size());
  }

private:
  auto states() noexcept { return std::array{&v_}; }

  template <class S>
  std::size_t update(S s) noexcept {
    using namespace simd;
    using Coef = typename S::Coef;
    double* __restrict v = v_.data();
    double* __restrict in_exc = s.in_exc;
    double* __restrict in_inh = s.in_inh;
    const double* __restrict i_ext = s.i_ext;
    const Coef v_rest(v_rest_.data()), v_th(v_thresh_.data()), v_base(v_base_.data()), p22(p22_.data()),
        p20(p20_.data());
    return s.lanes([&]<class T>(std::size_t k) {
      // As lif_curr_exp: v_rest + i_offset P20 is one coefficient, v - v_rest decays by a fused
      // multiply-add.
      T base = coef<T>(v_base, k);
      if constexpr (S::ext) base = fma(load<T>(i_ext + k), coef<T>(p20, k), base);
      const T v_old = loaded<T>(v + k);
      const T v_free = fma(v_old - coef<T>(v_rest, k), coef<T>(p22, k), base) + load<T>(in_exc + k) + load<T>(in_inh + k);
      store(in_exc + k, splat<T>(0.0));
      store(in_inh + k, splat<T>(0.0));
      const T v_new = s.hold(k, v_old, v_free);
      store(v + k, v_new);  // the base resets the few that spiked
      return ge_bits(v_new, coef<T>(v_th, k));
    });
  }

  std::vector<double> v_;
  std::vector<double> v_rest_, v_thresh_, v_base_, p22_, p20_;
};

}  // namespace spikeforge::neurons
