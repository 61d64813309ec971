// step_range() over a split of the population must give, bit for bit, what one step() over the
// whole population gives: the split moves where SIMD packs start, so this checks that no neuron's
// update depends on the lane it lands in, for every model, per-neuron and shared parameters.
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <spikeforge/core/random.hpp>
#include <spikeforge/neurons/izhikevich.hpp>
#include <spikeforge/neurons/lif_adaptive_threshold.hpp>
#include <spikeforge/neurons/lif_cond_exp.hpp>
#include <spikeforge/neurons/lif_curr_exp.hpp>
#include <spikeforge/neurons/lif_delta.hpp>

namespace spikeforge {
namespace {

constexpr std::size_t kN = 100;
constexpr std::uint64_t kFirstStep = std::uint64_t{1} << 40;

// Per-neuron values base * (1 + rel * u), u uniform in [0, 1); rel = 0 gives a uniform population.
std::vector<double> jitter(double base, double rel, std::uint64_t id) {
  RandomStream r(11, id);
  std::vector<double> v(kN);
  for (auto& x : v) x = base + std::abs(base) * rel * r.uniform();
  return v;
}

template <class Kernel>
void check_split(const std::map<std::string, double>& base, double rel, double in_scale, double drive) {
  neurons::ParameterSet p;
  std::uint64_t id = 0;
  for (const auto& [name, value] : base) p.emplace(name, jitter(value, rel, ++id));
  Kernel whole(p, 0.1), split(p, 0.1);
  split.clear_refractory();
  const std::array<std::size_t, 4> cuts{0, 37, 64, kN};
  RandomStream r(5, 0);
  std::vector<double> exc(kN), inh(kN), ext(kN);
  std::vector<std::uint32_t> spiked_whole(kN), spiked_split(kN);
  std::size_t spikes = 0;
  for (int m = 0; m < 2000; ++m) {
    for (std::size_t k = 0; k < kN; ++k) {
      exc[k] = r.uniform() < 0.1 ? in_scale * r.uniform() : 0.0;
      inh[k] = r.uniform() < 0.05 ? -in_scale * r.uniform() * 0.5 : 0.0;
      ext[k] = drive * r.uniform();
    }
    // Each step consumes (zeroes) the input it reads, so the two kernels get their own copies.
    std::vector<double> exc_split = exc, inh_split = inh;
    const std::vector<double> exc_in = exc;
    const std::size_t n_whole = whole.step(exc.data(), inh.data(), ext.data(), spiked_whole.data());
    std::size_t n_split = 0;
    for (std::size_t c = 0; c + 1 < cuts.size(); ++c) {
      // The split kernel numbers its steps from 2^40 (any start is allowed after
      // clear_refractory()): refractory periods must not depend on where the numbering starts.
      n_split += split.step_range(kFirstStep + static_cast<std::uint64_t>(m), cuts[c], cuts[c + 1], exc_split.data(),
                                  inh_split.data(), ext.data(), spiked_split.data() + n_split);
      // Only the range's own entries are consumed: the later ranges' input is still there.
      for (std::size_t k = cuts[c + 1]; k < kN; ++k) {
        ASSERT_EQ(exc_split[k], exc_in[k]) << Kernel::model_name << ": step_range(" << cuts[c] << ", "
                                                       << cuts[c + 1] << ") changed the input of neuron " << k;
      }
    }
    for (std::size_t k = 0; k < kN; ++k) {
      for (const double x : {exc[k], inh[k], exc_split[k], inh_split[k]}) {
        ASSERT_TRUE(x == 0.0 && !std::signbit(x)) << Kernel::model_name << ": input of neuron " << k << " at step " << m
                                                  << " after the step is " << x << ", expected +0.0 (consumed)";
      }
    }
    spikes += n_whole;
    ASSERT_EQ(n_split, n_whole) << Kernel::model_name << ": spike count at step " << m << " (must be identical)";
    for (std::size_t j = 0; j < n_whole; ++j) {
      ASSERT_EQ(spiked_split[j], spiked_whole[j]) << Kernel::model_name << ": spike " << j << " at step " << m;
    }
    for (auto var : Kernel::state_names) {
      for (std::size_t k = 0; k < kN; ++k) {
        ASSERT_EQ(split.state(var)[k], whole.state(var)[k])
            << Kernel::model_name << ": " << var << " of neuron " << k << " at step " << m << " (must be bit-identical)";
      }
    }
  }
  EXPECT_GT(spikes, 100u) << Kernel::model_name << ": the comparison needs spikes (more than 100 in 2000 steps)";
}

const std::map<std::string, double> kCurr{{"cm", 250}, {"tau_m", 10}, {"tau_refrac", 2}, {"v_rest", -65}, {"v_reset", -70},
                                          {"v_thresh", -55}, {"tau_syn_e", 2}, {"tau_syn_i", 5}, {"i_offset", 0.2}};

TEST(StepRange, LifCurrExp) {
  for (double rel : {0.0, 0.2}) check_split<neurons::LifCurrExp>(kCurr, rel, 1.0, 0.5);
}

TEST(StepRange, LifAdaptiveThreshold) {
  auto base = kCurr;
  base["tau_theta"] = 50;
  base["theta_plus"] = 0.5;
  for (double rel : {0.0, 0.2}) check_split<neurons::LifAdaptiveThreshold>(base, rel, 1.0, 0.5);
}

TEST(StepRange, LifCondExp) {
  // Conductance jumps up to 300 nS put G dt / cm beyond 0.5, the series range of relaxation_factor, so
  // both of its branches are covered.
  const std::map<std::string, double> base{{"cm", 200}, {"tau_m", 20}, {"tau_refrac", 5}, {"v_rest", -60},
                                           {"v_reset", -60}, {"v_thresh", -50}, {"tau_syn_e", 5}, {"tau_syn_i", 10},
                                           {"e_rev_e", 0}, {"e_rev_i", -80}, {"i_offset", 0.1}};
  for (double rel : {0.0, 0.2}) check_split<neurons::LifCondExp>(base, rel, 300.0, 0.4);
}

TEST(StepRange, LifDelta) {
  const std::map<std::string, double> base{{"cm", 250}, {"tau_m", 20}, {"tau_refrac", 2}, {"v_rest", 0},
                                           {"v_reset", 10}, {"v_thresh", 20}, {"i_offset", 0.2}};
  for (double rel : {0.0, 0.2}) check_split<neurons::LifDelta>(base, rel, 2.0, 0.5);
}

TEST(StepRange, Izhikevich) {
  const std::map<std::string, double> base{{"a", 0.02}, {"b", 0.2}, {"c", -65}, {"d", 8}, {"v_peak", 30}, {"i_offset", 5}};
  for (double rel : {0.0, 0.2}) check_split<neurons::Izhikevich>(base, rel, 5.0, 5.0);
}

}  // namespace
}  // namespace spikeforge
