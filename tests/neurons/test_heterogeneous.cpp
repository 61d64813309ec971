#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <string>
#include <vector>

#include <spikeforge/neurons/izhikevich.hpp>
#include <spikeforge/neurons/lif_adaptive_threshold.hpp>
#include <spikeforge/neurons/lif_cond_exp.hpp>
#include <spikeforge/neurons/lif_curr_exp.hpp>
#include <spikeforge/neurons/lif_delta.hpp>
#include <spikeforge/neurons/simd.hpp>

namespace spikeforge {
namespace {

// A population with per-neuron parameters (the per-neuron coefficient path, on SIMD packs and
// the scalar tail) must match, bit for bit, one single-neuron kernel per neuron (the shared
// coefficient path), for every model, including the input and the spikes.
template <class Kernel>
void check_against_single_neurons(const std::map<std::string, std::vector<double>>& per_neuron, double drive) {
  const std::size_t n = per_neuron.begin()->second.size();
  neurons::ParameterSet all;
  for (const auto& [name, values] : per_neuron) all.emplace(name, values);
  Kernel group(all, 0.1);
  std::vector<Kernel> singles;
  for (std::size_t k = 0; k < n; ++k) {
    neurons::ParameterSet one;
    for (const auto& [name, values] : per_neuron) one.emplace(name, std::vector<double>{values[k]});
    singles.emplace_back(one, 0.1);
  }
  std::vector<double> ext(n, drive), exc(n), inh(n, 0.0);
  std::vector<std::uint32_t> spiked(n), one_spike(1);
  std::size_t spikes = 0;
  for (int m = 0; m < 3000; ++m) {
    for (std::size_t k = 0; k < n; ++k) exc[k] = (m % (7 + static_cast<int>(k))) == 0 ? 0.05 * static_cast<double>(k + 1) : 0.0;
    // The step consumes its input, so the single neurons get their own copies.
    const std::vector<double> exc_in = exc, inh_in = inh;
    const std::size_t count = group.step(exc.data(), inh.data(), ext.data(), spiked.data());
    spikes += count;
    std::size_t next = 0;
    for (std::size_t k = 0; k < n; ++k) {
      double e = exc_in[k], i = inh_in[k];
      const double x = ext[k];
      const bool fired = singles[k].step(&e, &i, &x, one_spike.data()) == 1;
      ASSERT_TRUE(e == 0.0 && i == 0.0 && !std::signbit(e) && !std::signbit(i))
          << Kernel::model_name << ": input of neuron " << k << " after its step is (" << e << ", " << i
          << "), expected +0.0 (consumed)";
      const bool in_group = next < count && spiked[next] == k;
      if (in_group) ++next;
      ASSERT_EQ(fired, in_group) << Kernel::model_name << ": spike of neuron " << k << " at step " << m;
      for (auto var : Kernel::state_names) {
        ASSERT_EQ(group.state(var)[k], singles[k].state(var)[0]) << Kernel::model_name << ": " << var << " of neuron " << k
                                                               << " at step " << m << " (must be bit-identical)";
      }
    }
  }
  EXPECT_GT(spikes, 0u) << Kernel::model_name << " must spike in the comparison";
}

// Two whole packs and a scalar tail at any pack width, so both paths are compared.
constexpr std::size_t kNeurons = 2 * neurons::simd::kLanes + 3;

// Five distinct values base + step * j, repeated over the population with a small per-neuron offset
// (every neuron's parameters differ, and stay in the range the model is meant for).
std::vector<double> spread(double base, double step, std::size_t n = kNeurons) {
  std::vector<double> v;
  for (std::size_t k = 0; k < n; ++k) {
    v.push_back(base + step * (static_cast<double>(k % 5) + 0.01 * static_cast<double>(k / 5)));
  }
  return v;
}

TEST(HeterogeneousParameters, LifCurrExp) {
  check_against_single_neurons<neurons::LifCurrExp>(
      {{"cm", spread(200, 20)}, {"tau_m", spread(10, 5)}, {"tau_refrac", spread(1, 0.5)}, {"v_rest", spread(-65, 1)},
       {"v_reset", spread(-70, 1)}, {"v_thresh", spread(-52, 0.5)}, {"tau_syn_e", spread(2, 1)}, {"tau_syn_i", spread(5, 1)},
       {"i_offset", spread(0.1, 0.05)}},
      0.3);
}

TEST(HeterogeneousParameters, LifAdaptiveThreshold) {
  check_against_single_neurons<neurons::LifAdaptiveThreshold>(
      {{"cm", spread(200, 20)}, {"tau_m", spread(10, 5)}, {"tau_refrac", spread(1, 0.5)}, {"v_rest", spread(-65, 1)},
       {"v_reset", spread(-70, 1)}, {"v_thresh", spread(-52, 0.5)}, {"tau_syn_e", spread(2, 1)}, {"tau_syn_i", spread(5, 1)},
       {"i_offset", spread(0.1, 0.05)}, {"tau_theta", spread(50, 20)}, {"theta_plus", spread(0.5, 0.25)}},
      0.3);
}

TEST(HeterogeneousParameters, LifCondExp) {
  check_against_single_neurons<neurons::LifCondExp>(
      {{"cm", spread(200, 20)}, {"tau_m", spread(10, 5)}, {"tau_refrac", spread(1, 0.5)}, {"v_rest", spread(-65, 1)},
       {"v_reset", spread(-70, 1)}, {"v_thresh", spread(-52, 0.5)}, {"tau_syn_e", spread(2, 1)}, {"tau_syn_i", spread(5, 1)},
       {"e_rev_e", spread(0, -1)}, {"e_rev_i", spread(-80, 1)}, {"i_offset", spread(0.1, 0.05)}},
      0.2);
}

TEST(HeterogeneousParameters, LifDelta) {
  check_against_single_neurons<neurons::LifDelta>(
      {{"cm", spread(200, 20)}, {"tau_m", spread(10, 5)}, {"tau_refrac", spread(1, 0.5)}, {"v_rest", spread(0, 1)},
       {"v_reset", spread(10, 1)}, {"v_thresh", spread(20, 0.5)}, {"i_offset", spread(0.2, 0.05)}},
      0.1);
}

TEST(HeterogeneousParameters, Izhikevich) {
  check_against_single_neurons<neurons::Izhikevich>(
      {{"a", spread(0.02, 0.02)}, {"b", spread(0.2, 0.01)}, {"c", spread(-65, 4)}, {"d", spread(8, -1.5)},
       {"v_peak", spread(30, 0)}, {"i_offset", spread(5, 1)}},
      5.0);
}

}  // namespace
}  // namespace spikeforge
