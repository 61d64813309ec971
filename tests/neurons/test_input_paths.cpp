// The two ways a kernel with input_state() takes synaptic input must give the same dynamics: slot
// arrays consumed by the step (i' = fma(i, P11, in): one rounding), and a step given no slots after
// which the caller adds the same input into input_state() (i' = i P11 + in: two roundings). Over
// 3000 steps of random input the states agree to rounding and the spike trains are identical.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <spikeforge/core/random.hpp>
#include <spikeforge/neurons/lif_adaptive_threshold.hpp>
#include <spikeforge/neurons/lif_cond_exp.hpp>
#include <spikeforge/neurons/lif_curr_exp.hpp>

#include "kernel_test_util.hpp"

namespace spikeforge {
namespace {

constexpr std::size_t kN = 64;

template <class Kernel>
void check_paths(const std::map<std::string, double>& params, double in_scale, double relative_tolerance) {
  const auto p = test::uniform_parameters(params, kN);
  Kernel slots(p, 0.1), direct(p, 0.1);
  RandomStream r(9, 1);
  std::vector<double> exc(kN), inh(kN);
  std::vector<std::uint32_t> spiked_slots(kN), spiked_direct(kN);
  std::size_t spikes = 0;
  for (std::uint64_t m = 0; m < 3000; ++m) {
    for (std::size_t k = 0; k < kN; ++k) {
      exc[k] = r.uniform() < 0.3 ? in_scale * r.uniform() : 0.0;
      inh[k] = r.uniform() < 0.1 ? in_scale * r.uniform() : 0.0;
    }
    std::vector<double> exc_direct = exc, inh_direct = inh;
    const std::size_t n_slots = slots.step_range(m, 0, kN, exc.data(), inh.data(), nullptr, spiked_slots.data());
    const std::size_t n_direct = direct.step_range(m, 0, kN, nullptr, nullptr, nullptr, spiked_direct.data());
    for (std::size_t k = 0; k < kN; ++k) {
      direct.input_state(0)[k] += exc_direct[k];
      direct.input_state(1)[k] += inh_direct[k];
    }
    ASSERT_EQ(n_slots, n_direct) << Kernel::model_name << ": spike count at step " << m;
    for (std::size_t j = 0; j < n_slots; ++j) ASSERT_EQ(spiked_slots[j], spiked_direct[j]) << Kernel::model_name;
    spikes += n_slots;
    for (auto var : Kernel::state_names) {
      const auto a = slots.state(var), b = direct.state(var);
      for (std::size_t k = 0; k < kN; ++k) {
        ASSERT_NEAR(a[k], b[k], relative_tolerance * (1.0 + std::abs(a[k])))
            << Kernel::model_name << ": " << var << " of neuron " << k << " at step " << m;
      }
    }
  }
  EXPECT_GT(spikes, 200u) << Kernel::model_name << ": the comparison needs spikes";
}

TEST(InputPaths, LifCurrExpSlotsAndDirectAgree) {
  check_paths<neurons::LifCurrExp>({{"cm", 250.0}, {"tau_m", 10.0}, {"tau_refrac", 2.0}, {"v_rest", -65.0},
                                    {"v_reset", -70.0}, {"v_thresh", -55.0}, {"tau_syn_e", 2.0},
                                    {"tau_syn_i", 5.0}, {"i_offset", 0.5}},
                                   0.6, 1e-11);
}

TEST(InputPaths, LifAdaptiveThresholdSlotsAndDirectAgree) {
  check_paths<neurons::LifAdaptiveThreshold>(
      {{"cm", 250.0}, {"tau_m", 10.0}, {"tau_refrac", 2.0}, {"v_rest", -65.0}, {"v_reset", -70.0},
       {"v_thresh", -55.0}, {"tau_syn_e", 2.0}, {"tau_syn_i", 5.0}, {"i_offset", 0.5}, {"tau_theta", 50.0},
       {"theta_plus", 1.0}},
      0.6, 1e-11);
}

TEST(InputPaths, LifCondExpSlotsAndDirectAgree) {
  check_paths<neurons::LifCondExp>({{"cm", 200.0}, {"tau_m", 20.0}, {"tau_refrac", 5.0}, {"v_rest", -60.0},
                                    {"v_reset", -60.0}, {"v_thresh", -50.0}, {"tau_syn_e", 5.0},
                                    {"tau_syn_i", 10.0}, {"e_rev_e", 0.0}, {"e_rev_i", -80.0}, {"i_offset", 0.3}},
                                   6.0, 1e-11);
}

}  // namespace
}  // namespace spikeforge
