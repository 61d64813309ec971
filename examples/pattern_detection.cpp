// Spatial-pattern detection with STDP and homeostasis: one neuron listens to 200 afferents with
// background noise. One pattern (50 afferents firing together, with spike-time jitter) recurs
// among random patterns of the same size; pair STDP with synaptic scaling makes the neuron fire
// for that pattern only. Learning is then switched off and the neuron is tested on 100 jittered
// presentations of the pattern and 100 fresh random patterns that overlap it by chance.
// Exits non-zero unless the pattern is detected every time and <= 5 % of the random ones fire it.
#include <algorithm>
#include <cstdio>
#include <numeric>
#include <random>
#include <vector>

#include <spikeforge/backend/simulator.hpp>

using namespace spikeforge;

namespace {

constexpr int kAfferents = 200, kActive = 50;
constexpr double kPeriod = 100.0;   // ms between presentations
constexpr double kJitter = 1.0;     // ms, sd of the spike-time jitter
constexpr double kNoise = 2.0;      // Hz, background rate of every afferent
constexpr double kWindow = 25.0;    // ms after onset in which an output spike counts as detection
constexpr int kTrain = 1000, kTest = 200;

struct Presentation {
  double onset;
  bool target;
  std::vector<int> afferents;
};

}  // namespace

int main() {
  std::mt19937_64 rng(12345);
  std::vector<int> all(kAfferents);
  std::iota(all.begin(), all.end(), 0);
  auto random_subset = [&] {
    std::vector<int> s = all;
    std::shuffle(s.begin(), s.end(), rng);
    s.resize(kActive);
    return s;
  };
  const std::vector<int> pattern = random_subset();

  // Training: the pattern every other presentation, random patterns in between. Test: 100 of each, shuffled.
  std::vector<Presentation> shows;
  for (int i = 0; i < kTrain; ++i) {
    const bool target = i % 2 == 0;
    shows.push_back({(i + 1) * kPeriod, target, target ? pattern : random_subset()});
  }
  const double test_start = (kTrain + 1) * kPeriod;
  std::vector<bool> kinds(kTest);
  for (int i = 0; i < kTest; ++i) kinds[i] = i < kTest / 2;
  std::shuffle(kinds.begin(), kinds.end(), rng);
  for (int i = 0; i < kTest; ++i) shows.push_back({test_start + i * kPeriod, kinds[i], kinds[i] ? pattern : random_subset()});
  const double end = test_start + kTest * kPeriod;

  std::vector<std::vector<double>> times(kAfferents);
  std::normal_distribution<double> jitter(0.0, kJitter);
  for (const auto& s : shows) {
    for (int a : s.afferents) times[a].push_back(s.onset + jitter(rng));
  }
  std::exponential_distribution<double> isi(kNoise * 1e-3);
  for (auto& t : times) {
    for (double x = isi(rng); x < end; x += isi(rng)) t.push_back(x);
    std::sort(t.begin(), t.end());
    // At most one spike per afferent and step.
    t.erase(std::unique(t.begin(), t.end(), [](double a, double b) { return b - a < 0.15; }), t.end());
  }

  model::Network net;
  net.dt = 0.1;
  net.seed = 5;
  net.add_spike_times("afferents", times);
  net.add_population("detector", 1, "lif_curr_exp", {{"tau_refrac", model::Distribution::constant(5.0)}});
  auto& syn = net.connect("afferents_detector", "afferents", "detector", model::Connector::all_to_all(),
                          model::Distribution::uniform(0.02, 0.03), model::Distribution::constant(1.0));
  // Depression outweighs potentiation for uncorrelated spikes (a_minus tau_minus > a_plus tau_plus),
  // so noise alone wears weights down; scaling holds the rate near one spike per pattern presentation.
  syn.plasticity = model::Plasticity{"stdp_pair",
                                     {{"a_plus", 0.003}, {"a_minus", 0.006}, {"tau_plus", 20.0}, {"tau_minus", 20.0},
                                      {"w_min", 0.0}, {"w_max", 0.05}, {"scaling_target_rate", 5.0},
                                      {"scaling_rate", 0.2}, {"scaling_tau", 2000.0}, {"scaling_interval", 10.0}}};
  net.record_spikes("detector");

  auto evaluate = [&](Simulator& sim, const char* what, int* hits, int* false_pos) {
    const auto& out = sim.spikes("detector");
    *hits = *false_pos = 0;
    for (std::size_t i = kTrain; i < shows.size(); ++i) {
      const double t0 = shows[i].onset - 3.0 * kJitter;
      const bool fired = std::any_of(out.times.begin(), out.times.end(),
                                     [&](double t) { return t >= t0 && t < shows[i].onset + kWindow; });
      if (shows[i].target) *hits += fired;
      else *false_pos += fired;
    }
    std::printf("%-22s pattern detected %3d / %d, random patterns firing %3d / %d\n", what, *hits, kTest / 2,
                *false_pos, kTest / 2);
  };

  // Control: the same network with plasticity off from the start.
  int hits_off = 0, fp_off = 0;
  {
    Simulator sim(net);
    sim.set_learning("afferents_detector", false);
    sim.run(end);
    evaluate(sim, "without learning:", &hits_off, &fp_off);
  }

  Simulator sim(net);
  sim.run(test_start);
  sim.set_learning("afferents_detector", false);
  sim.run(end - test_start);
  int hits = 0, false_pos = 0;
  evaluate(sim, "after STDP training:", &hits, &false_pos);

  const auto w = sim.synapses("afferents_detector").weight;
  std::vector<char> in_pattern(kAfferents, 0);
  for (int a : pattern) in_pattern[a] = 1;
  double w_in = 0.0, w_out = 0.0;
  for (int a = 0; a < kAfferents; ++a) (in_pattern[a] ? w_in : w_out) += w[a];
  std::printf("mean weight: pattern afferents %.4f nA, others %.4f nA (w_max 0.05)\n", w_in / kActive,
              w_out / (kAfferents - kActive));
  const double detection = 100.0 * hits / (kTest / 2), fp_rate = 100.0 * false_pos / (kTest / 2);
  std::printf("detection %.1f %% (required 100 %%), false positives %.1f %% (required <= 5 %%)\n", detection, fp_rate);
  return detection == 100.0 && fp_rate <= 5.0 ? 0 : 1;
}
