// Unsupervised learning of scikit-learn's 8x8 digits in the style of Diehl & Cook (2015): 64
// Poisson inputs (rate proportional to pixel intensity, 300 ms per digit) drive 200 excitatory neurons with
// adaptive thresholds through plastic synapses (Oja's rule: Hebbian growth and a decay that grows
// with the post rate, so each neuron's weights become the prototype of the digits it wins);
// all-to-all lateral inhibition makes the neurons compete. After training, each neuron is labelled
// with the class it responds to most (on the training images, learning off) and held-out digits are
// classified by the labelled neurons' mean response. The same network without plasticity is the
// control. Exits non-zero unless accuracy >= 80 % and the control is >= 15 points lower.
#include <algorithm>
#include <array>
#include <cstdio>
#include <fstream>
#include <numeric>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <spikeforge/backend/simulator.hpp>

using namespace spikeforge;

namespace {

constexpr int kPixels = 64, kNeurons = 200, kClasses = 10;
constexpr int kTrain = 1000;          // first images (shuffled) for training and labelling; the rest is held out
constexpr double kOn = 300.0, kOff = 50.0;  // ms of presentation and of rest
constexpr double kMaxRate = 80.0;     // Hz at pixel value 16
constexpr double kDt = 0.5;

struct Digit {
  int label;
  std::array<int, kPixels> px;
};

std::vector<Digit> load(const std::string& path) {
  std::ifstream f(path);
  if (!f) {
    std::fprintf(stderr, "cannot open %s (written by examples/scripts/export_digits.py)\n", path.c_str());
    std::exit(2);
  }
  std::vector<Digit> out;
  for (std::string line; std::getline(f, line);) {
    std::stringstream s(line);
    Digit d{};
    char comma;
    s >> d.label;
    for (int& p : d.px) s >> comma >> p;
    out.push_back(d);
  }
  return out;
}

// Presentation i of `order` starts at offset + i * (kOn + kOff).
void add_spikes(std::vector<std::vector<double>>& times, const std::vector<Digit>& digits, const std::vector<int>& order,
                double offset, std::mt19937_64& rng) {
  for (std::size_t i = 0; i < order.size(); ++i) {
    const double t0 = offset + static_cast<double>(i) * (kOn + kOff);
    for (int p = 0; p < kPixels; ++p) {
      const double rate = kMaxRate * digits[order[i]].px[p] / 16.0;
      if (rate <= 0.0) continue;
      std::exponential_distribution<double> isi(rate * 1e-3);
      for (double t = t0 + isi(rng); t < t0 + kOn; t += isi(rng)) times[p].push_back(t);
    }
  }
}

// Spike counts per (presentation, neuron) of E for presentations starting at `offset`.
std::vector<std::array<int, kNeurons>> responses(const SpikeRecord& rec, double offset, std::size_t n) {
  std::vector<std::array<int, kNeurons>> out(n);
  for (auto& r : out) r.fill(0);
  for (std::size_t s = 0; s < rec.times.size(); ++s) {
    const double t = rec.times[s] - offset;
    if (t < 0) continue;
    const auto i = static_cast<std::size_t>(t / (kOn + kOff));
    if (i < n) ++out[i][rec.ids[s]];
  }
  return out;
}

double run(const std::vector<Digit>& digits, bool learn, double* mean_spikes) {
  std::mt19937_64 rng(2024);
  std::vector<int> order(digits.size());
  std::iota(order.begin(), order.end(), 0);
  std::shuffle(order.begin(), order.end(), rng);
  const std::vector<int> train(order.begin(), order.begin() + kTrain), test(order.begin() + kTrain, order.end());
  const double span = kOn + kOff;
  const double t_label = kTrain * span, t_test = 2 * kTrain * span, t_end = t_test + test.size() * span;

  std::vector<std::vector<double>> times(kPixels);
  add_spikes(times, digits, train, 0.0, rng);
  add_spikes(times, digits, train, t_label, rng);
  add_spikes(times, digits, test, t_test, rng);
  for (auto& t : times) {
    std::sort(t.begin(), t.end());
    t.erase(std::unique(t.begin(), t.end(), [](double a, double b) { return b - a < kDt; }), t.end());
  }

  model::Network net;
  net.dt = kDt;
  net.seed = 11;
  net.add_spike_times("pixels", times);
  net.add_population("E", kNeurons, "lif_adaptive_threshold",
                     {{"tau_m", model::Distribution::constant(20.0)},
                      {"v_rest", model::Distribution::constant(-65.0)},
                      {"v_reset", model::Distribution::constant(-65.0)},
                      {"v_thresh", model::Distribution::constant(-52.0)},
                      {"tau_refrac", model::Distribution::constant(5.0)},
                      // Intrinsic plasticity: a neuron that wins often raises its threshold (2 mV per
                      // spike, decaying over 100 s), so every neuron gets digits of its own.
                      {"theta_plus", model::Distribution::constant(2.0)},
                      {"tau_theta", model::Distribution::constant(1e5)}});
  auto& ff = net.connect("pixels_E", "pixels", "E", model::Connector::all_to_all(), model::Distribution::uniform(0.0, 0.08),
                         model::Distribution::constant(kDt));
  ff.plasticity = model::Plasticity{"oja", {{"eta", 0.002}, {"alpha", 2.0}, {"tau_pre", 20.0}, {"tau_post", 20.0},
                                            {"w_min", 0.0}, {"w_max", 0.3}}};
  net.connect("E_E", "E", "E", model::Connector::all_to_all(false), model::Distribution::constant(-3.0),
              model::Distribution::constant(kDt), "inhibitory");
  net.record_spikes("E");

  Simulator sim(net);
  sim.set_learning("pixels_E", learn);
  sim.run(t_label);
  sim.set_learning("pixels_E", false);
  sim.run(t_end - t_label);

  const auto& rec = sim.spikes("E");
  const auto label_resp = responses(rec, t_label, train.size());
  const auto test_resp = responses(rec, t_test, test.size());

  // Each neuron takes the class with its highest mean response on the training images.
  std::vector<std::array<double, kClasses>> mean(kNeurons);
  std::array<int, kClasses> per_class{};
  for (auto& m : mean) m.fill(0.0);
  for (std::size_t i = 0; i < train.size(); ++i) {
    const int c = digits[train[i]].label;
    ++per_class[c];
    for (int n = 0; n < kNeurons; ++n) mean[n][c] += label_resp[i][n];
  }
  std::vector<int> assigned(kNeurons, -1);
  for (int n = 0; n < kNeurons; ++n) {
    double best = 0.0;
    for (int c = 0; c < kClasses; ++c) {
      const double v = mean[n][c] / std::max(1, per_class[c]);
      if (v > best) { best = v; assigned[n] = c; }
    }
  }
  std::array<int, kClasses> neurons_per_class{};
  for (int c : assigned) if (c >= 0) ++neurons_per_class[c];
  std::printf("  neurons per class:");
  for (int c = 0; c < kClasses; ++c) std::printf(" %d", neurons_per_class[c]);
  std::printf("\n");
  int correct = 0;
  long spikes = 0;
  for (std::size_t i = 0; i < test.size(); ++i) {
    std::array<double, kClasses> score{};
    std::array<int, kClasses> members{};
    for (int n = 0; n < kNeurons; ++n) {
      spikes += test_resp[i][n];
      if (assigned[n] < 0) continue;
      score[assigned[n]] += test_resp[i][n];
      ++members[assigned[n]];
    }
    int guess = -1;
    double best = 0.0;
    for (int c = 0; c < kClasses; ++c) {
      const double v = members[c] ? score[c] / members[c] : 0.0;
      if (v > best) { best = v; guess = c; }
    }
    correct += guess == digits[test[i]].label;
  }
  *mean_spikes = static_cast<double>(spikes) / static_cast<double>(test.size());
  return 100.0 * correct / static_cast<double>(test.size());
}

}  // namespace

int main(int argc, char** argv) {
  const std::string path = argc > 1 ? argv[1] : std::string(SPIKEFORGE_EXAMPLE_DATA) + "/digits.csv";
  const auto digits = load(path);
  double spikes_on = 0.0, spikes_off = 0.0;
  const double learned = run(digits, true, &spikes_on);
  std::printf("with STDP (Oja) learning:  test accuracy %.1f %% on %zu held-out digits (%.1f E spikes per digit)\n",
              learned, digits.size() - kTrain, spikes_on);
  const double control = run(digits, false, &spikes_off);
  std::printf("plasticity off (control):  test accuracy %.1f %% (%.1f E spikes per digit)\n", control, spikes_off);
  std::printf("required: >= 80 %% with learning, >= 15 points above the control (difference %.1f)\n", learned - control);
  return learned >= 80.0 && learned - control >= 15.0 ? 0 : 1;
}
