// Image I/O: a finished CoreImage as the request payloads that load it into a core, and as JSON.
#include <algorithm>

#include <nlohmann/json.hpp>

#include <spikeforge/hw/compile.hpp>
#include <spikeforge/hw/protocol.hpp>

namespace spikeforge::hw {

std::vector<std::vector<std::uint8_t>> load_requests(const CoreImage& img) {
  std::vector<std::vector<std::uint8_t>> out;
  const unsigned n = static_cast<unsigned>(img.geometry.n);
  const unsigned sources = static_cast<unsigned>(img.geometry.sources());
  out.push_back(req_clear(7));
  // Parameters: 31 neurons per frame keeps the payload under 512 bytes.
  for (unsigned n0 = 0; n0 < n; n0 += 31) {
    const unsigned cnt = std::min(31u, n - n0);
    std::vector<std::uint16_t> words;
    for (unsigned k = 0; k < cnt; ++k) words.insert(words.end(), img.params[n0 + k].begin(), img.params[n0 + k].end());
    out.push_back(req_write_params(n0, words));
  }
  for (unsigned s = 0; s < sources; ++s) {
    const std::int8_t* row = img.weights.data() + static_cast<std::size_t>(s) * n;
    if (std::all_of(row, row + n, [](std::int8_t w) { return w == 0; })) continue;  // CLEAR zeroed it
    out.push_back(req_write_weights(s, 0, std::span<const std::int8_t>(row, n)));
  }
  const auto state = [&](StateKind kind, const std::vector<std::int16_t>& values) {
    if (std::all_of(values.begin(), values.end(), [](std::int16_t x) { return x == 0; })) return;
    for (unsigned first = 0; first < n; first += 200) {
      const unsigned cnt = std::min(200u, n - first);
      std::vector<std::uint16_t> words;
      for (unsigned k = 0; k < cnt; ++k) words.push_back(static_cast<std::uint16_t>(values[first + k]));
      out.push_back(req_write_state(kind, first, words));
    }
  };
  state(StateKind::v, img.v0);
  state(StateKind::u, img.u0);
  state(StateKind::i, img.i0);
  const auto learn = [&](unsigned kind, const std::vector<std::uint8_t>& flags) {
    if (std::all_of(flags.begin(), flags.end(), [](std::uint8_t x) { return x == 0; })) return;
    for (unsigned first = 0; first < flags.size(); first += 256) {
      const unsigned cnt = std::min<unsigned>(256u, static_cast<unsigned>(flags.size()) - first);
      out.push_back(req_write_learn(kind, first, std::span<const std::uint8_t>(flags.data() + first, cnt)));
    }
  };
  learn(0, img.pre_en);
  learn(1, img.post_en);
  const auto& st = img.stdp;
  out.push_back(req_write_stdp(st.k_pre, st.inc_pre, st.k_post, st.inc_post, st.a_plus, st.a_minus, st.w_min, st.w_max));
  return out;
}

std::string image_to_json(const CoreImage& img) {
  nlohmann::json j;
  j["format"] = "spikeforge-core-image";
  j["version"] = 1;
  j["geometry"] = {{"n", img.geometry.n}, {"na", img.geometry.na}, {"nslot", img.geometry.nslot}};
  j["dt"] = img.dt;
  nlohmann::json params = nlohmann::json::array();
  for (const auto& p : img.params) params.push_back(std::vector<std::uint16_t>(p.begin(), p.end()));
  j["params"] = params;
  j["weights"] = img.weights;
  j["v0"] = img.v0;
  j["u0"] = img.u0;
  j["i0"] = img.i0;
  j["pre_en"] = img.pre_en;
  j["post_en"] = img.post_en;
  const auto& st = img.stdp;
  j["stdp"] = {{"k_pre", st.k_pre}, {"inc_pre", st.inc_pre}, {"k_post", st.k_post}, {"inc_post", st.inc_post},
               {"a_plus", st.a_plus}, {"a_minus", st.a_minus}, {"w_min", st.w_min}, {"w_max", st.w_max}};
  nlohmann::json pops = nlohmann::json::array();
  for (const auto& p : img.populations) {
    pops.push_back({{"name", p.name}, {"first", p.first}, {"size", p.size}, {"izhikevich", p.izhikevich},
                    {"v_lsb", p.v_lsb}, {"i_lsb", p.i_lsb}});
  }
  j["populations"] = pops;
  nlohmann::json srcs = nlohmann::json::array();
  for (const auto& s : img.sources) {
    srcs.push_back({{"name", s.name}, {"first_axon", s.first_axon}, {"size", s.size}, {"delay_steps", s.delay_steps}});
  }
  j["sources"] = srcs;
  return j.dump();
}

}  // namespace spikeforge::hw
