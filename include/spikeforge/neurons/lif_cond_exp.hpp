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
// Precision: double; the update runs on SIMD packs (simd.hpp).
#pragma once

#include <array>
#include <cstddef>
#include <span>
#include <string_view>
#include <type_traits>
#include <vector>

#include <spikeforge/neurons/kernel_base.hpp>
#include <spikeforge/neurons/lif_propagator.hpp>
#include <spikeforge/neurons/simd.hpp>

namespace spikeforge::neurons {

/// phi(x) = (1 - exp(-x)) / x, for double or a SIMD pack. In the COBA network |x| = G dt / cm
/// lies mostly in 0.05-0.3 and below 0.5. There, with y = x / 2, phi(x) = phi(y) (1 - y phi(y) / 2)
/// (from 1 - e^-x = (1 - e^-y)(1 + e^-y) and e^-y = 1 - y phi(y)), and phi(y) is the Taylor
/// series sum_k (-y)^k / (k+1)! up to degree 11: the first term left out is below
/// 0.25^12 / 13! < 1e-17 relative (phi > 0.78 there); with rounding the result is within 1e-15
/// (tests/neurons checks it against long double). The series runs in Estrin's scheme (pairs, then
/// pairs of pairs in y^2, y^4, y^8): about 25 cycles of dependent latency against about 70 for
/// Horner's rule, so successive packs overlap. No exp and no division: a pack with a lane beyond
/// 0.5 (rare) takes exp (2 ulp) for those lanes, where the cancellation in 1 - exp(-x) amplifies
/// its error at most e^-x / (1 - e^-x) < 1.6 times.
template <class T> inline T relaxation_factor(T x) noexcept {
  using namespace simd;
  constexpr double c0 = 1.0, c1 = -1.0 / 2, c2 = 1.0 / 6, c3 = -1.0 / 24, c4 = 1.0 / 120, c5 = -1.0 / 720,
                   c6 = 1.0 / 5040, c7 = -1.0 / 40320, c8 = 1.0 / 362880, c9 = -1.0 / 3628800, c10 = 1.0 / 39916800,
                   c11 = -1.0 / 479001600;
  const T y = x * 0.5;
  const T y2 = y * y, y4 = y2 * y2, y8 = y4 * y4;
  const auto c = [](double v) { return splat<T>(v); };
  const T q0 = fma(c(c1), y, c(c0)), q1 = fma(c(c3), y, c(c2)), q2 = fma(c(c5), y, c(c4)), q3 = fma(c(c7), y, c(c6)),
          q4 = fma(c(c9), y, c(c8)), q5 = fma(c(c11), y, c(c10));
  const T r0 = fma(q1, y2, q0), r1 = fma(q3, y2, q2), r2 = fma(q5, y2, q4);
  const T half = fma(r2, y8, fma(r1, y4, r0));  // phi(y)
  const T series = half * fnma(half, x * 0.25, c(1.0));
  const auto small = (x < 0.5) & (x > -0.5);
  if constexpr (std::is_same_v<T, double>) {
    if (small) return series;
  } else {
    if (!any(~small)) return series;
  }
  // Lanes in the series range keep it; the others take exp (a small x there is replaced by 1 so
  // the unused quotient stays finite).
  const T safe = select(small, splat<T>(1.0), x);
  return select(small, series, (1.0 - simd::exp(-safe)) / safe);
}

class LifCondExp : public KernelBase<LifCondExp> {
  friend KernelBase<LifCondExp>;

public:
  static constexpr std::string_view model_name = "lif_cond_exp";
  static constexpr std::array<std::string_view, 11> parameter_names{
      "cm", "tau_m", "tau_refrac", "v_rest", "v_reset", "v_thresh", "tau_syn_e", "tau_syn_i", "e_rev_e", "e_rev_i", "i_offset"};
  static constexpr std::array<std::string_view, 3> state_names{"v", "g_exc", "g_inh"};
  static constexpr bool refractory = true;

  LifCondExp(const ParameterSet& p, double dt) : KernelBase(p, dt) {
    const auto &cm = parameter(p, "cm"), &tau_m = parameter(p, "tau_m"), &tau_e = parameter(p, "tau_syn_e"),
               &tau_i = parameter(p, "tau_syn_i"), &v_rest = parameter(p, "v_rest"), &i_offset = parameter(p, "i_offset");
    v_thresh_ = coefficients(p, "v_thresh");
    e_exc_ = coefficients(p, "e_rev_e");
    e_inh_ = coefficients(p, "e_rev_i");
    g_leak_ = coefficients([&](std::size_t k) { return cm[k] / tau_m[k]; });
    leak_drive_ = coefficients(
        [&](std::size_t k) { return g_leak_[k] * v_rest[k] + kMilliVoltPerNanoAmpMsPerPicoFarad * i_offset[k]; });
    dt_over_cm_ = coefficients([&](std::size_t k) { return dt / cm[k]; });
    p11e_ = coefficients([&](std::size_t k) { return synaptic_decay(dt, tau_e[k]); });
    p11i_ = coefficients([&](std::size_t k) { return synaptic_decay(dt, tau_i[k]); });
    v_ = v_rest;  // full per-neuron array from the parameter set
    g_exc_.assign(size(), 0.0);
    g_inh_.assign(size(), 0.0);
  }

  /// The conductance a receptor's input adds into (0: g_exc, 1: g_inh); see
  /// LifCurrExpKernel::input_state. Input slots and direct input are in nS.
  std::span<double> input_state(std::size_t receptor) noexcept { return receptor == 0 ? g_exc_ : g_inh_; }

private:
  auto states() noexcept { return std::array{&v_, &g_exc_, &g_inh_}; }

  template <class S>
  std::size_t update(S s) noexcept {
    using namespace simd;
    using Coef = typename S::Coef;
    double* __restrict v = v_.data();
    double* __restrict ge = g_exc_.data();
    double* __restrict gi = g_inh_.data();
    double* __restrict in_exc = s.in_exc;
    double* __restrict in_inh = s.in_inh;
    const double* __restrict i_ext = s.i_ext;
    const Coef drive0(leak_drive_.data()), e_exc(e_exc_.data()), e_inh(e_inh_.data()), g_leak(g_leak_.data()),
        dt_cm(dt_over_cm_.data()), v_th(v_thresh_.data()), p11e(p11e_.data()), p11i(p11i_.data());
    return s.lanes([&]<class T>(std::size_t k) {
      const T ge_old = loaded<T>(ge + k), gi_old = loaded<T>(gi + k), v_old = loaded<T>(v + k);
      T drive = fma(ge_old, coef<T>(e_exc, k), coef<T>(drive0, k));
      drive = fma(gi_old, coef<T>(e_inh, k), drive);
      if constexpr (S::ext) drive = fma(splat<T>(kMilliVoltPerNanoAmpMsPerPicoFarad), load<T>(i_ext + k), drive);
      const T g_total = coef<T>(g_leak, k) + ge_old + gi_old;
      const T h = coef<T>(dt_cm, k);
      const T v_free = fma(fnma(g_total, v_old, drive) * h, relaxation_factor(g_total * h), v_old);
      const T v_new = s.hold(k, v_old, v_free);
      decay_input<S::input>(ge, in_exc, ge_old, p11e, k);
      decay_input<S::input>(gi, in_inh, gi_old, p11i, k);
      store(v + k, v_new);  // the base resets the few that spiked
      return ge_bits(v_new, coef<T>(v_th, k));
    });
  }

  std::vector<double> v_, g_exc_, g_inh_;
  std::vector<double> v_thresh_, e_exc_, e_inh_, g_leak_, leak_drive_, dt_over_cm_, p11e_, p11i_;
};

}  // namespace spikeforge::neurons
