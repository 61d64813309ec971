// Writes the generated part of the seed corpora (tests/fuzz/corpus/<target>/gen-*): network files
// of the benchmark networks, wire streams of request frames (good and bad), and request
// sequences for the golden core. The inputs the fuzzers found and the network files copied from
// examples/ live beside them and are not touched. Run after a change to the protocol or the file
// format:   build/<dir>/tests/fuzz/fuzz_write_seeds tests/fuzz/corpus
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <spikeforge/model/reference_networks.hpp>
#include "spikeforge/hw/golden_core.hpp"
#include "spikeforge/model/json_io.hpp"

namespace {

namespace fs = std::filesystem;
namespace hw = spikeforge::hw;
using Bytes = std::vector<std::uint8_t>;

void write(const fs::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
  if (!out) throw std::runtime_error("cannot write " + path.string());
}
void write(const fs::path& path, const Bytes& bytes) { write(path, std::string(bytes.begin(), bytes.end())); }

void append(Bytes& out, const Bytes& more) { out.insert(out.end(), more.begin(), more.end()); }

/// A small network on the core: LIF neurons 0..7 driven hard by axon 0, Izhikevich neuron 8,
/// STDP on, then steps and read-backs. Every request is one the core accepts.
std::vector<Bytes> working_session() {
  std::vector<Bytes> r;
  r.push_back(hw::req_hello());
  r.push_back(hw::req_clear(7));
  std::vector<std::uint16_t> params;
  for (int k = 0; k < 8; ++k) {
    // flags (LIF, 2 refractory steps), v_th, v_reset, v_rest, kv (Q15), ki (Q15), g (Q12), b
    for (const std::uint16_t w : {std::uint16_t{0x0200}, std::uint16_t{100}, std::uint16_t{0}, std::uint16_t{0},
                                  std::uint16_t{0x7000}, std::uint16_t{0x6000}, std::uint16_t{4096}, std::uint16_t{0}}) {
      params.push_back(w);
    }
  }
  r.push_back(hw::req_write_params(0, params));
  // Izhikevich regular spiking (flags bit 0), v_peak 30, c -65, d 8, a, ki, g, b.
  const std::vector<std::uint16_t> izh{1, 30, static_cast<std::uint16_t>(-65), 8, 1311, 0x6000, 4096, 51};
  r.push_back(hw::req_write_params(8, izh));
  const std::vector<std::int8_t> strong(9, 127);
  r.push_back(hw::req_write_weights(16, 0, strong));  // source 16 = axon 0 on a 16-neuron core
  const std::vector<std::int8_t> recurrent{5, -5, 7, -7};
  r.push_back(hw::req_write_weights(0, 4, recurrent));
  const std::vector<std::uint8_t> on(9, 1);
  r.push_back(hw::req_write_learn(0, 16, on));
  r.push_back(hw::req_write_learn(1, 0, on));
  r.push_back(hw::req_write_stdp(200, 40, 200, 40, 30, 30, -100, 100));
  const std::vector<std::uint16_t> v{10, 20, 30};
  r.push_back(hw::req_write_state(hw::StateKind::v, 0, v));
  const std::vector<std::uint8_t> axons{0, 1, 15};
  r.push_back(hw::req_input(0, axons));
  r.push_back(hw::req_input(3, axons));
  r.push_back(hw::req_step(12));
  r.push_back(hw::req_read_state(hw::StateKind::v, 0, 16));
  r.push_back(hw::req_read_state(hw::StateKind::pre, 0, 32));
  r.push_back(hw::req_read_param(1, 0, 9));
  r.push_back(hw::req_read_weights(16, 0, 16));
  r.push_back(hw::req_step(1));
  return r;
}

/// Requests the core must refuse: unknown opcode, bad lengths, arguments out of range.
std::vector<Bytes> refused_requests() {
  return {{0x00},
          {0x7F, 1, 2},
          {static_cast<std::uint8_t>(hw::Op::hello), 0},
          hw::req_read_weights(31, 0, 17),          // dst0 + count > n on a 16-neuron core
          hw::req_read_weights(0, 0, 0),            // count 0
          hw::req_read_state(hw::StateKind::v, 0, 255),  // count > 254
          {static_cast<std::uint8_t>(hw::Op::read_state), 6, 0, 0, 1, 0},  // kind 6 is unused
          hw::req_step(0),
          hw::req_input(8, {}),                     // offset >= nslot
          hw::req_clear(8),
          hw::req_write_stdp(0, 0, 0, 0, 0, 0, 10, -10),  // w_min > w_max
          {static_cast<std::uint8_t>(hw::Op::write_state), 4, 0, 0, 1, 0}};  // kind 4 is read-only
}

/// The packet interpreter's input: geometry selector, then [length][payload] records.
Bytes packet_input(std::uint8_t geometry, const std::vector<Bytes>& requests) {
  Bytes out{geometry};
  for (const Bytes& p : requests) {
    if (p.size() > 255) throw std::runtime_error("a seed request is longer than a record (255 bytes)");
    out.push_back(static_cast<std::uint8_t>(p.size()));
    append(out, p);
  }
  return out;
}

Bytes frames(const std::vector<Bytes>& payloads) {
  Bytes out{0};  // the host's resync idiom: an empty frame first
  for (const Bytes& p : payloads) append(out, hw::encode_frame(p));
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s CORPUS_ROOT (tests/fuzz/corpus)\n", argv[0]);
    return 2;
  }
  const fs::path root(argv[1]);
  for (const char* target : {"network_file", "frame_decoder", "packet_interpreter"}) {
    fs::create_directories(root / target);
  }

  for (const std::string& name : spikeforge::model::reference::benchmark_names()) {
    write(root / "network_file" / ("gen-" + name + ".json"),
          spikeforge::model::to_json(spikeforge::model::reference::benchmark(name)));
  }

  const auto session = working_session();
  const auto refused = refused_requests();
  write(root / "frame_decoder" / "gen-session.bin", frames(session));
  write(root / "frame_decoder" / "gen-refused.bin", frames(refused));
  // Core responses to the session, as the host receives them.
  hw::GoldenCore core(hw::CoreGeometry{16, 16, 8});
  std::vector<Bytes> responses;
  for (const Bytes& p : session) {
    for (auto& r : core.handle(p)) responses.push_back(std::move(r));
  }
  write(root / "frame_decoder" / "gen-responses.bin", frames(responses));
  // Link errors: a flipped CRC byte, a COBS group cut by the delimiter, an over-long frame,
  // then a good frame that must still decode.
  Bytes bad = hw::encode_frame(hw::req_hello());
  bad[bad.size() - 2] ^= 0x01;
  Bytes cut = hw::encode_frame(hw::req_step(3));
  cut.erase(cut.end() - 2);
  Bytes errors;
  append(errors, bad);
  append(errors, cut);
  append(errors, hw::encode_frame(Bytes(hw::max_frame_payload + 1, 0x55)));
  append(errors, hw::encode_frame(hw::req_hello()));
  write(root / "frame_decoder" / "gen-link-errors.bin", errors);

  write(root / "packet_interpreter" / "gen-session-16x16.bin", packet_input(0, session));
  write(root / "packet_interpreter" / "gen-refused-16x16.bin", packet_input(0, refused));
  write(root / "packet_interpreter" / "gen-session-256x256.bin", packet_input(3, session));
  std::printf("seeds written under %s\n", root.c_str());
  return 0;
}
