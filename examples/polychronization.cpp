// Izhikevich's polychronization network (Izhikevich 2006): 800 excitatory regular-spiking and 200
// inhibitory fast-spiking Izhikevich neurons, 100 synapses per neuron, excitatory axonal delays of
// 1-20 ms, inhibitory 1 ms, pair STDP on excitatory synapses (tau = 20 ms, weights in [0, 10]) and
// random thalamic input (on average one neuron per ms receives a 20 mV kick). The paper adds its
// per-pair changes (0.1 / 0.12) into a derivative that decays by 0.9 per second and is applied every
// second, i.e. about ten times the per-pair amplitude; here the changes go straight into the
// weights, so the amplitudes are 1.0 / 1.2.
// Prints firing rates and the excitatory weight distribution before and after learning; exits
// non-zero unless the distribution has become bimodal (mass gathered at both bounds).
#include <array>
#include <cstdio>
#include <vector>

#include <spikeforge/backend/simulator.hpp>

using namespace spikeforge;

namespace {

constexpr double kWMax = 10.0;
constexpr double kLearn = 60000.0;  // ms of learning

std::array<double, 10> histogram(const std::vector<double>& w) {
  std::array<double, 10> h{};
  for (double x : w) h[std::min<std::size_t>(9, static_cast<std::size_t>(x / kWMax * 10.0))] += 1.0;
  for (double& v : h) v /= static_cast<double>(w.size());
  return h;
}

void print_histogram(const char* what, const std::array<double, 10>& h) {
  std::printf("%s weight distribution (fraction per 1 mV bin, 0..10 mV):\n ", what);
  for (double v : h) std::printf(" %5.3f", v);
  std::printf("\n");
}

}  // namespace

int main() {
  using model::Distribution;
  model::Network net;
  net.dt = 1.0;  // as in the paper; the izhikevich kernel advances v in two 0.5 ms half steps
  net.seed = 42;
  net.add_population("E", 800, "izhikevich",
                     {{"a", Distribution::constant(0.02)}, {"b", Distribution::constant(0.2)},
                      {"c", Distribution::constant(-65.0)}, {"d", Distribution::constant(8.0)}});
  net.add_population("I", 200, "izhikevich",
                     {{"a", Distribution::constant(0.1)}, {"b", Distribution::constant(0.2)},
                      {"c", Distribution::constant(-65.0)}, {"d", Distribution::constant(2.0)}});
  // Thalamic input: 1000 generators at 1 Hz, one per neuron, so about one kick per ms in all.
  net.add_poisson_source("thalamus_E", 800, Distribution::constant(1.0));
  net.add_poisson_source("thalamus_I", 200, Distribution::constant(1.0));
  net.connect("thalamus_E_E", "thalamus_E", "E", model::Connector::one_to_one(), Distribution::constant(20.0),
              Distribution::constant(1.0));
  net.connect("thalamus_I_I", "thalamus_I", "I", model::Connector::one_to_one(), Distribution::constant(20.0),
              Distribution::constant(1.0));
  // Each excitatory neuron contacts 100 random neurons (80 E, 20 I on average) with delays 1..20 ms.
  auto& ee = net.connect("E_E", "E", "E", model::Connector::fixed_probability(0.1, false), Distribution::constant(6.0),
                         Distribution::uniform(1.0, 20.0));
  ee.plasticity = model::Plasticity{"stdp_pair", {{"a_plus", 1.0}, {"a_minus", 1.2}, {"tau_plus", 20.0},
                                                  {"tau_minus", 20.0}, {"w_min", 0.0}, {"w_max", kWMax}}};
  net.connect("E_I", "E", "I", model::Connector::fixed_probability(0.1), Distribution::constant(6.0),
              Distribution::uniform(1.0, 20.0));
  // Inhibitory neurons contact 100 random excitatory neurons with 1 ms delay.
  net.connect("I_E", "I", "E", model::Connector::fixed_out_degree(100), Distribution::constant(-5.0),
              Distribution::constant(1.0), "inhibitory");

  Simulator sim(net);
  const auto before = histogram(sim.synapses("E_E").weight);
  sim.run(kLearn);
  const double rate_e = sim.mean_rate("E"), rate_i = sim.mean_rate("I");
  const auto w = sim.synapses("E_E").weight;
  const auto after = histogram(w);
  std::printf("polychronization network, %.0f s of STDP: %zu plastic E->E synapses (%.2f bytes each)\n",
              kLearn / 1000.0, w.size(), sim.bytes_per_synapse());
  std::printf("mean rates: E %.2f Hz, I %.2f Hz\n", rate_e, rate_i);
  print_histogram("initial", before);
  print_histogram("learned", after);
  // Bimodal: both end bins hold a clear share and each outweighs the middle of the range.
  const double low = after[0], high = after[9];
  double middle = 0.0;
  for (int b = 3; b <= 6; ++b) middle += after[b] / 4.0;
  std::printf("fraction in [0, 1) mV: %.3f, in [9, 10] mV: %.3f, mean per middle bin: %.3f\n", low, high, middle);
  const bool bimodal = low > 0.1 && high > 0.1 && low > 2.0 * middle && high > 2.0 * middle;
  std::printf("bimodal: %s\n", bimodal ? "yes" : "no");
  return bimodal && rate_e > 0.5 && rate_e < 50.0 ? 0 : 1;
}
