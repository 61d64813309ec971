// The iCEBreaker top with its vendor cells (SB_PLL40_PAD model, SB_SPRAM256KA and SB_MAC16 from
// yosys's cells_sim.v) simulated under Icarus at a small N: requests go in through the UART pin
// at 1 Mbaud and the replies must equal the golden core's, frame for frame.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "spikeforge/hw/cobs.hpp"
#include "spikeforge/hw/golden_core.hpp"
#include "spikeforge/hw/protocol.hpp"

namespace {

namespace fs = std::filesystem;
using spikeforge::hw::encode_frame;
using spikeforge::hw::FrameDecoder;
using spikeforge::hw::FrameError;
using Bytes = std::vector<std::uint8_t>;

std::vector<std::string> read_lines(const std::string& path) {
  std::vector<std::string> out;
  std::ifstream ss(path);
  std::string item;
  while (std::getline(ss, item)) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

std::string read_text(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int run(const std::string& cmd, const fs::path& log) {
  const std::string full = cmd + " > '" + log.string() + "' 2>&1";
  return std::system(full.c_str());
}

/// Compiles the board once per process; fails the test if Icarus does.
fs::path compiled_board(const fs::path& dir) {
  static fs::path vvp;
  if (!vvp.empty()) return vvp;
  fs::create_directories(dir);
  // cells_sim.v declares SB_PLL40_PAD as an empty black box; our model replaces it.
  const std::string cells = read_text(SF_ICE40_CELLS_SIM);
  const std::regex pll_box(R"(\(\* blackbox \*\)\s*module SB_PLL40_PAD \([\s\S]*?endmodule)");
  const std::string cells_nopll = std::regex_replace(cells, pll_box, "",
                                                     std::regex_constants::format_first_only);
  EXPECT_NE(cells_nopll.size(), cells.size()) << "SB_PLL40_PAD black box not found in "
                                              << SF_ICE40_CELLS_SIM;
  std::ofstream(dir / "cells_sim_nopll.v") << cells_nopll;

  std::string cmd = std::string(SF_IVERILOG) + " -g2012 -DNO_ICE40_DEFAULT_ASSIGNMENTS" +
                    " -P tb_icebreaker_board.N=" + std::to_string(SF_BOARD_N) +
                    " -P tb_icebreaker_board.NA=" + std::to_string(SF_BOARD_NA) +
                    " -s tb_icebreaker_board -o '" + (dir / "board.vvp").string() + "'";
  cmd += " '" + std::string(SF_BOARD_TB_DIR) + "/tb_icebreaker_board.v'";
  cmd += " '" + std::string(SF_BOARD_TB_DIR) + "/sb_pll40_pad_sim.v'";
  cmd += " '" + (dir / "cells_sim_nopll.v").string() + "'";
  for (const auto& src : read_lines(SF_BOARD_SOURCES_FILE)) cmd += " '" + src + "'";
  const int rc = run(cmd, dir / "iverilog.log");
  EXPECT_EQ(rc, 0) << "iverilog exit status compiling the board; log:\n"
                   << read_text(dir / "iverilog.log");
  if (rc == 0) vvp = dir / "board.vvp";
  return vvp;
}

/// Runs the board with `wire` on the UART and returns the bytes it sent back.
Bytes run_board(const std::string& name, const Bytes& wire, unsigned max_us) {
  const fs::path dir = fs::path(SF_BOARD_WORK_DIR);
  const fs::path vvp = compiled_board(dir);
  if (vvp.empty()) return {};
  const fs::path req = dir / (name + ".req.hex");
  const fs::path resp = dir / (name + ".resp.txt");
  {
    std::ofstream out(req);
    for (const auto b : wire) out << std::hex << static_cast<unsigned>(b) << "\n";
  }
  fs::remove(resp);
  const std::string cmd = std::string(SF_VVP) + " -n '" + vvp.string() + "' +req='" +
                          req.string() + "' +nreq=" + std::to_string(wire.size()) + " +resp='" +
                          resp.string() + "' +max_us=" + std::to_string(max_us);
  const fs::path log = dir / (name + ".vvp.log");
  const int rc = run(cmd, log);
  const std::string text = read_text(log);
  EXPECT_EQ(rc, 0) << "vvp exit status; log:\n" << text;
  EXPECT_EQ(text.find("ERROR"), std::string::npos) << "board simulation log:\n" << text;
  EXPECT_NE(text.find("0 framing errors"), std::string::npos)
      << "host UART framing errors; log:\n" << text;
  Bytes got;
  std::ifstream in(resp);
  std::string tok;
  while (in >> tok) {
    EXPECT_TRUE(std::regex_match(tok, std::regex("[0-9a-f]{2}")))
        << "uart_tx carried an undefined byte '" << tok << "'";
    got.push_back(static_cast<std::uint8_t>(std::stoul(tok, nullptr, 16)));
  }
  return got;
}

std::vector<Bytes> decode(const Bytes& bytes) {
  FrameDecoder dec;
  std::vector<Bytes> frames;
  for (auto& ev : dec.push(std::span<const std::uint8_t>(bytes))) {
    EXPECT_EQ(ev.error, FrameError::none) << "reply frame from the board failed to decode";
    frames.push_back(std::move(ev.payload));
  }
  return frames;
}

spikeforge::hw::CoreGeometry board_geometry() {
  spikeforge::hw::CoreGeometry geo;
  geo.n = SF_BOARD_N;
  geo.na = SF_BOARD_NA;
  return geo;
}

TEST(BoardSim, HandshakeThroughUartPinMatchesGoldenCore) {
  spikeforge::hw::GoldenCore golden(board_geometry());
  const Bytes hello = spikeforge::hw::tagged(1, spikeforge::hw::req_hello());
  Bytes wire = encode_frame(hello);
  std::vector<Bytes> expected = golden.handle_frame(hello);

  // A corrupted frame must be answered with NAK 1 (bad CRC, link-error tag 0) and the link must
  // keep working.
  Bytes bad = encode_frame(hello);
  bad[1] ^= 0x20;
  wire.insert(wire.end(), bad.begin(), bad.end());
  expected.push_back(spikeforge::hw::GoldenCore::frame_error(spikeforge::hw::Nak::bad_crc));
  const Bytes again = spikeforge::hw::tagged(2, spikeforge::hw::req_hello());
  const Bytes again_wire = encode_frame(again);
  wire.insert(wire.end(), again_wire.begin(), again_wire.end());
  for (auto& r : golden.handle_frame(again)) expected.push_back(r);

  const auto frames = decode(run_board("handshake", wire, 20000));
  ASSERT_EQ(frames.size(), expected.size()) << "reply frames from the board";
  for (std::size_t i = 0; i < frames.size(); ++i) {
    ASSERT_EQ(frames[i], expected[i]) << "reply frame " << i << " (INFO, NAK 1, INFO)";
  }
  EXPECT_EQ(frames[0].at(0), 1) << "tag of the INFO reply";
  const auto info = spikeforge::hw::parse_info(std::span(frames[0]).subspan(1));
  EXPECT_EQ(info.n, static_cast<unsigned>(SF_BOARD_N)) << "N in the INFO reply";
}

}  // namespace
