// The `spikeforge` command-line tool: --help on every command, the examples on every backend
// (fpga through a pty with the Verilated core behind it), learned weights saved into the network
// file and read back from the "board", refusals with exit status 2, flash --dry-run.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <sys/wait.h>

#include <spikeforge/backend/hardware_backend.hpp>
#include <spikeforge/backend/simulator.hpp>
#include <spikeforge/hw/compile.hpp>
#include <spikeforge/model/json_io.hpp>

#include "pty_core.hpp"

namespace spikeforge {
namespace {

namespace fs = std::filesystem;

const std::string kSource = SPIKEFORGE_SOURCE_DIR;

struct Result {
  int status = -1;
  std::string out;
};

/// Runs the CLI with `args`; stdout and stderr together.
Result cli(const std::string& args) {
  const fs::path log = fs::temp_directory_path() / ("spikeforge_cli_" + std::to_string(::getpid()) + ".log");
  const std::string cmd = std::string(SPIKEFORGE_CLI) + " " + args + " > " + log.string() + " 2>&1";
  const int raw = std::system(cmd.c_str());
  Result r;
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  std::ifstream in(log);
  std::stringstream ss;
  ss << in.rdbuf();
  r.out = ss.str();
  fs::remove(log);
  return r;
}

fs::path scratch(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("spikeforge_cli_test_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  return dir / name;
}

TEST(Cli, EveryCommandHasHelp) {
  for (const char* cmd : {"run", "compile", "bitstream", "flash", "upload", "download-weights"}) {
    const auto r = cli(std::string(cmd) + " --help");
    EXPECT_EQ(r.status, 0) << cmd << " --help exit status";
    EXPECT_NE(r.out.find(std::string("usage: spikeforge ") + cmd), std::string::npos) << cmd << " --help: " << r.out;
  }
  const auto r = cli("--help");
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.out.find("download-weights"), std::string::npos) << r.out;
}

TEST(Cli, ChipExampleRunsOnCpuCpuFixedAndFpgaSimSideBySide) {
  const auto r = cli("run " + kSource + "/examples/cuba_chip.json --backend cpu,cpu-fixed,fpga-sim --duration 100");
  ASSERT_EQ(r.status, 0) << r.out;
  for (const char* b : {"cpu", "cpu-fixed", "fpga-sim"}) EXPECT_NE(r.out.find(b), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("100.0 ms simulated"), std::string::npos) << r.out;
}

TEST(Cli, LearningExampleOnTheBoardPathSavesAndDownloadsWeights) {
  const std::string net = kSource + "/examples/stdp_pattern.json";
  test::PtyCore board(hw::CoreGeometry{32, 32, 8});
  const auto board_spikes = scratch("board.csv"), fixed_spikes = scratch("fixed.csv");
  const auto board_weights = scratch("board_weights.json"), downloaded = scratch("downloaded.json");
  const auto r1 = cli("run " + net + " --backend fpga --device " + board.path() + " --duration 2000 --seed 4 --spikes " +
                      board_spikes.string() + " --save-weights " + board_weights.string());
  ASSERT_EQ(r1.status, 0) << r1.out;
  const auto r2 = cli("run " + net + " --backend cpu-fixed --duration 2000 --seed 4 --spikes " + fixed_spikes.string());
  ASSERT_EQ(r2.status, 0) << r2.out;
  const auto read = [](const fs::path& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  };
  EXPECT_EQ(read(board_spikes), read(fixed_spikes)) << "spike files of fpga (pty) and cpu-fixed";
  EXPECT_GT(read(board_spikes).size(), 100u);

  // The board keeps its learned weights after the run; download-weights reads them back.
  const auto r3 = cli("download-weights " + net + " --device " + board.path() + " --out " + downloaded.string());
  ASSERT_EQ(r3.status, 0) << r3.out;
  const auto saved = model::load_json(board_weights.string());
  const auto down = model::load_json(downloaded.string());
  for (const char* proj : {"pattern_out", "distractor_out"}) {
    EXPECT_EQ(saved.find_projection(proj)->weight, down.find_projection(proj)->weight)
        << "weights of " << proj << ": run --save-weights vs download-weights";
  }

  // The saved file compiles back to exactly the weights the core learned.
  SimulatorOptions opt;
  opt.backend = "cpu-fixed";
  opt.seed = 4;
  Simulator fixed(model::load_json(net), opt);
  fixed.run(2000.0);
  const auto learned = dynamic_cast<const HardwareBackend&>(fixed.backend()).read_core_weights();
  hw::CoreConfig cfg;
  cfg.geometry = {32, 32, 8};
  const auto image = hw::compile(saved, cfg).image;
  EXPECT_EQ(image.weights, learned) << "core weights compiled from the saved network vs learned on the core";
  EXPECT_NE(image.weights, hw::compile(model::load_json(net), cfg).image.weights) << "learning changed the weights";
}

TEST(Cli, CompileReportsAndRefuses) {
  const auto image = scratch("image.json");
  const auto ok = cli("compile " + kSource + "/examples/cuba_chip.json --out " + image.string());
  ASSERT_EQ(ok.status, 0) << ok.out;
  EXPECT_NE(ok.out.find("tau_m -> kv (Q15)"), std::string::npos) << ok.out;
  EXPECT_TRUE(fs::exists(image));
  auto net = model::load_json(kSource + "/examples/cuba_chip.json");
  net.populations[0].model = "lif_cond_exp";
  for (auto& p : net.projections) {
    if (p.post == "E") p.weight = model::Distribution::constant(1.0), p.receptor = "excitatory";
  }
  const auto bad = scratch("cond.json");
  model::save_json(net, bad.string());
  const auto r = cli("compile " + bad.string());
  EXPECT_EQ(r.status, 2) << "exit status of a network that does not fit: " << r.out;
  EXPECT_NE(r.out.find("population 'E'"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("conductance"), std::string::npos) << r.out;
}

TEST(Cli, FlashAndBitstreamDryRun) {
  const auto f = cli("flash --dry-run --bitstream x.bin");
  EXPECT_EQ(f.status, 0) << f.out;
  EXPECT_NE(f.out.find("would run: iceprog x.bin"), std::string::npos) << f.out;
  const auto b = cli("bitstream --board icebreaker --dry-run");
  EXPECT_EQ(b.status, 0) << b.out;
  EXPECT_NE(b.out.find("sf_icebreaker_top"), std::string::npos) << b.out;
  EXPECT_NE(b.out.find("sf_core.v"), std::string::npos) << b.out;
  EXPECT_NE(cli("bitstream --board de10").status, 0) << "unknown board";
}

}  // namespace
}  // namespace spikeforge
