// The worked example of docs/models.md ("How to add a neuron model"): a non-leaky integrate-and-fire
// neuron with delta synapses written on neurons::KernelBase, and what the base does for it (state
// lookup by name, the SIMD pack / scalar tail loop, refractory bookkeeping, input consumption).
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <spikeforge/core/error.hpp>
#include <spikeforge/neurons/kernel_base.hpp>
#include <spikeforge/neurons/simd.hpp>

#include "kernel_test_util.hpp"

namespace spikeforge {
namespace {

// --- the example as docs/models.md shows it -------------------------------------------------
// "if_delta": cm dv/dt = 1000 (i_offset + i_ext), plus jumps of v by each input weight (mV).
// Integration: exact for piecewise constant current (v grows by 1000 dt/cm (i_offset + i_ext) per
// step); then the step's jumps are added and the threshold checked. Refractoriness: the base's.
class IfDelta : public neurons::KernelBase<IfDelta> {
  friend neurons::KernelBase<IfDelta>;

public:
  static constexpr std::string_view model_name = "if_delta";
  static constexpr std::array<std::string_view, 5> parameter_names{"cm", "tau_refrac", "v_reset", "v_thresh",
                                                                   "i_offset"};
  static constexpr std::array<std::string_view, 1> state_names{"v"};
  static constexpr bool refractory = true;

  IfDelta(const neurons::ParameterSet& p, double dt) : KernelBase(p, dt) {
    const auto &cm = parameter(p, "cm"), &i_offset = parameter(p, "i_offset");
    v_thresh_ = coefficients(p, "v_thresh");
    gain_ = coefficients([&](std::size_t k) { return 1000.0 * dt / cm[k]; });  // mV per nA and step
    drift_ = coefficients([&](std::size_t k) { return gain_[k] * i_offset[k]; });
    v_ = parameter(p, "v_reset");
  }

private:
  auto states() noexcept { return std::array{&v_}; }

  template <class S>
  std::size_t update(S s) noexcept {
    using namespace neurons::simd;
    using Coef = typename S::Coef;
    double* __restrict v = v_.data();
    double* __restrict in_exc = s.in_exc;
    double* __restrict in_inh = s.in_inh;
    const double* __restrict i_ext = s.i_ext;
    const Coef v_th(v_thresh_.data()), gain(gain_.data()), drift(drift_.data());
    return s.lanes([&]<class T>(std::size_t k) {
      T dv = coef<T>(drift, k);
      if constexpr (S::ext) dv = fma(load<T>(i_ext + k), coef<T>(gain, k), dv);
      const T v_old = loaded<T>(v + k);
      const T v_free = v_old + dv + load<T>(in_exc + k) + load<T>(in_inh + k);
      store(in_exc + k, splat<T>(0.0));
      store(in_inh + k, splat<T>(0.0));
      const T v_new = s.hold(k, v_old, v_free);
      store(v + k, v_new);  // the base resets the neurons that spiked
      return ge_bits(v_new, coef<T>(v_th, k));
    });
  }

  std::vector<double> v_;
  std::vector<double> v_thresh_, gain_, drift_;
};
// ----------------------------------------------------------------------------------------------

neurons::ParameterSet example_parameters(std::size_t n) {
  return test::uniform_parameters(
      {{"cm", 100.0}, {"tau_refrac", 0.5}, {"v_reset", 0.0}, {"v_thresh", 1.05}, {"i_offset", 0.1}}, n);
}

// 0.1 nA into 100 pF for 0.1 ms: 0.1 mV per step, so v reaches 1.05 mV in the 11th step
// (index 10); then 0.5 ms = 5 steps held at v_reset, and 11 more steps: a period of 16 steps.
TEST(KernelBase, ExampleModelFiresWithItsAnalyticPeriodAndRefractoryPeriod) {
  IfDelta k(example_parameters(1), 0.1);
  const auto spikes = test::spike_steps(k, 60);
  EXPECT_EQ(spikes, (std::vector<std::int64_t>{10, 26, 42, 58})) << "spike step indices";
}

// Every neuron of a population gets the same result whether it lands in a SIMD pack or in the
// scalar tail (n = 2 packs + 3, so both run), and the step consumes its input slots.
TEST(KernelBase, PacksAndTailGiveTheSameNeuronAndInputIsConsumed) {
  const std::size_t n = 2 * neurons::simd::kLanes + 3;
  IfDelta k(example_parameters(n), 0.1);
  std::vector<double> in_exc(n, 0.0), in_inh(n, 0.0);
  std::vector<std::uint32_t> spiked(n);
  in_exc[n - 1] = 2.0;  // a 2 mV jump spikes the last neuron (tail) in this step
  in_inh[0] = -0.5;     // and holds the first one (pack) back by 0.5 mV
  ASSERT_EQ(k.step(in_exc.data(), in_inh.data(), nullptr, spiked.data()), 1u) << "spikes in the first step";
  EXPECT_EQ(spiked[0], n - 1) << "id of the neuron the jump made spike";
  for (std::size_t i = 0; i < n; ++i) {
    EXPECT_EQ(in_exc[i], 0.0) << "in_exc[" << i << "] consumed";
    EXPECT_EQ(in_inh[i], 0.0) << "in_inh[" << i << "] consumed";
  }
  const auto v = k.state("v");
  EXPECT_EQ(v[n - 1], 0.0) << "v of the spiking neuron reset to v_reset (mV)";
  EXPECT_DOUBLE_EQ(v[0], 0.1 - 0.5) << "v of neuron 0 after the drift and the -0.5 mV jump (mV)";
  for (std::size_t i = 1; i + 1 < n; ++i) EXPECT_EQ(v[i], v[1]) << "neuron " << i << " equals neuron 1 bit for bit";
}

TEST(KernelBase, StateLookupByNameAndUnknownName) {
  IfDelta k(example_parameters(3), 0.1);
  EXPECT_EQ(k.size(), 3u);
  EXPECT_EQ(k.state("v").size(), 3u) << "state 'v' has one value per neuron";
  try {
    k.state("u");
    ADD_FAILURE() << "state('u') must throw";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("if_delta kernel: no state variable 'u'"), std::string::npos) << e.what();
  }
}

// clear_refractory() ends a refractory period at once; step_range() numbers steps itself.
TEST(KernelBase, ClearRefractoryEndsTheHold) {
  IfDelta k(example_parameters(1), 0.1);
  std::vector<double> jump{2.0}, zero{0.0};
  std::uint32_t spiked[1];
  ASSERT_EQ(k.step_range(100, 0, 1, jump.data(), zero.data(), nullptr, spiked), 1u) << "spike at step 100";
  jump[0] = 2.0;
  EXPECT_EQ(k.step_range(101, 0, 1, jump.data(), zero.data(), nullptr, spiked), 0u) << "held in step 101";
  EXPECT_EQ(k.state("v")[0], 0.0) << "v held at v_reset during the refractory period (mV)";
  k.clear_refractory();
  jump[0] = 2.0;
  EXPECT_EQ(k.step_range(102, 0, 1, jump.data(), zero.data(), nullptr, spiked), 1u) << "integrates again at once";
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw Error("cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The page shows the class above verbatim, so the example there compiles and passes these tests.
TEST(KernelBase, DocsShowThisExampleVerbatim) {
  const std::string doc = read_file(std::string(SPIKEFORGE_SOURCE_DIR) + "/docs/models.md");
  const std::string self = read_file(std::string(SPIKEFORGE_SOURCE_DIR) + "/tests/neurons/test_kernel_base.cpp");
  const auto section = doc.find("## How to add a neuron model");
  ASSERT_NE(section, std::string::npos) << "section 'How to add a neuron model' in docs/models.md";
  const auto begin = doc.find("```cpp\n", section);
  ASSERT_NE(begin, std::string::npos) << "code block in that section";
  const std::string shown = doc.substr(begin + 7, doc.find("```", begin + 7) - begin - 7);
  const auto first = self.find("class IfDelta");
  const std::string here = self.substr(first, self.find("\n};\n", first) + 4 - first);
  EXPECT_EQ(shown, here) << "the example in docs/models.md and the class IfDelta in this file";
}

}  // namespace
}  // namespace spikeforge
