// The `spikeforge` command-line tool: --help on every command, the examples on every backend
// (fpga through a pty with the Verilated core behind it), learned weights saved into the network
// file and read back from the "board", refusals with exit status 2, flash --dry-run.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <sstream>
#include <string>
#include <vector>

#include <csignal>
#include <sys/wait.h>
#include <unistd.h>

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
  EXPECT_NE(f.out.find("would run: iceprog -- x.bin"), std::string::npos) << f.out;
  const auto b = cli("bitstream --board icebreaker --dry-run");
  EXPECT_EQ(b.status, 0) << b.out;
  EXPECT_NE(b.out.find("sf_icebreaker_top"), std::string::npos) << b.out;
  EXPECT_NE(b.out.find("sf_core.v"), std::string::npos) << b.out;
  EXPECT_NE(cli("bitstream --board de10").status, 0) << "unknown board";
}

/// Sets an environment variable (inherited by the CLI the tests start) for one scope.
class ScopedEnv {
public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old, had_ = true;
    ::setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() { had_ ? ::setenv(name_, old_.c_str(), 1) : ::unsetenv(name_); }

private:
  const char* name_;
  std::string old_;
  bool had_ = false;
};

std::string read_text(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> split(const std::string& s, const std::string& sep) {
  std::vector<std::string> out;
  for (std::size_t at = 0;;) {
    const auto next = s.find(sep, at);
    out.push_back(s.substr(at, next - at));
    if (next == std::string::npos) return out;
    at = next + sep.size();
  }
}

std::string replaced(std::string s, const std::string& from, const std::string& to) {
  for (auto at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) s.replace(at, from.size(), to);
  return s;
}

// `bitstream` and `flash` start their tools with an argument vector: a path holding spaces and
// shell syntax reaches the tool as one argument and runs nothing. Stand-in tools record their
// arguments (a fake source tree's flow script; an iceprog first on PATH).
TEST(Cli, ToolsGetTheirArgumentsVerbatimWithoutAShell) {
  const fs::path dir = scratch("injection");
  fs::remove_all(dir);
  fs::create_directories(dir / "src/hdl/flow");
  fs::create_directories(dir / "src/hdl/rtl");
  fs::create_directories(dir / "bin");
  std::ofstream(dir / "src/hdl/rtl/sf_core.v") << "module sf_core; endmodule\n";
  const fs::path args_file = dir / "args.txt";
  std::ofstream(dir / "src/hdl/flow/ice40_flow.py")
      << "import sys\nopen(" << std::quoted(args_file.string()) << ", 'w').write('\\n'.join(sys.argv[1:]) + '\\n')\n";
  const fs::path touched = dir / "PWNED";
  const std::string out = (dir / "out dir; touch ").string() + touched.string() + "; #";
  const auto b = cli("bitstream --source-dir '" + (dir / "src").string() + "' --out '" + out + "'");
  ASSERT_EQ(b.status, 0) << b.out;
  EXPECT_FALSE(fs::exists(touched)) << "a shell ran the --out value: " << b.out;
  EXPECT_TRUE(fs::is_directory(out)) << "the output directory is the path as given";
  const auto args = split(read_text(args_file), "\n");
  const auto at = std::find(args.begin(), args.end(), "--out-dir");
  ASSERT_NE(at, args.end()) << read_text(args_file);
  EXPECT_EQ(*(at + 1), out) << "--out-dir reaches the flow as one argument";
  EXPECT_NE(b.out.find("'" + out + "'"), std::string::npos) << "the printed command quotes the path: " << b.out;

  // flash: iceprog gets "--" and the path, nothing else.
  const fs::path iceprog = dir / "bin/iceprog";
  std::ofstream(iceprog) << "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done > " << (dir / "iceprog_args.txt")
                         << "\n";
  fs::permissions(iceprog, fs::perms::owner_all);
  const std::string bin = (dir / "my bit; touch ").string() + touched.string() + "; #.bin";
  fs::create_directories(fs::path(bin).parent_path());  // the path's '/' make directories
  std::ofstream(bin) << "bitstream";
  ASSERT_TRUE(fs::is_regular_file(bin));
  ScopedEnv path("PATH", (dir / "bin").string() + ":" + std::getenv("PATH"));
  const auto f = cli("flash --bitstream '" + bin + "'");
  ASSERT_EQ(f.status, 0) << f.out;
  EXPECT_FALSE(fs::exists(touched)) << "a shell ran the --bitstream value: " << f.out;
  EXPECT_EQ(read_text(dir / "iceprog_args.txt"), "--\n" + bin + "\n");
  fs::remove_all(dir);
}

// Output files are written with every step checked: a failed write is an error naming the path
// and the reason, with a non-zero exit and no success message.
TEST(Cli, FailedWritesFailTheCommand) {
  const std::string net = kSource + "/examples/cuba_chip.json";
  const auto spikes = cli("run " + net + " --duration 10 --spikes /dev/full");
  EXPECT_EQ(spikes.status, 1) << spikes.out;
  EXPECT_NE(spikes.out.find("--spikes: cannot write '/dev/full'"), std::string::npos) << spikes.out;
  EXPECT_NE(spikes.out.find("No space left on device"), std::string::npos) << spikes.out;
  const auto image = cli("compile " + net + " --out /dev/full");
  EXPECT_EQ(image.status, 1) << image.out;
  EXPECT_NE(image.out.find("--out: cannot write '/dev/full'"), std::string::npos) << image.out;
  EXPECT_EQ(image.out.find("image written"), std::string::npos) << image.out;
  const auto weights = cli("run " + net + " --duration 10 --save-weights /dev/full");
  EXPECT_EQ(weights.status, 1) << weights.out;
  EXPECT_NE(weights.out.find("cannot write network file '/dev/full'"), std::string::npos) << weights.out;
  EXPECT_EQ(weights.out.find("weights saved"), std::string::npos) << weights.out;
}

TEST(Cli, VersionAndShortHelp) {
  const auto v = cli("--version");
  EXPECT_EQ(v.status, 0);
  ASSERT_EQ(v.out.rfind("spikeforge ", 0), 0u) << v.out;
  const std::string version = v.out.substr(11);
  EXPECT_EQ(split(version, ".").size(), 3u) << "MAJOR.MINOR.PATCH: " << v.out;
  EXPECT_EQ(version.find_first_not_of("0123456789.\n"), std::string::npos) << v.out;
  const auto h = cli("run -h");
  EXPECT_EQ(h.status, 0) << h.out;
  EXPECT_NE(h.out.find("usage: spikeforge run FILE"), std::string::npos) << h.out;
}

/// Spike lines (probe,time_ms,id) of a --spikes file after `from_ms`, sorted.
std::vector<std::string> spikes_after(const fs::path& csv, double from_ms) {
  std::ifstream in(csv);
  std::string line;
  std::vector<std::string> out;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    const auto fields = split(line, ",");
    if (fields.size() == 3 && std::stod(fields[1]) > from_ms) out.push_back(line);
  }
  std::sort(out.begin(), out.end());
  return out;
}

// A run continued in a new process from a checkpoint (written every 50 ms, the last at 200 ms) on
// another thread count gives the spikes of the uninterrupted run.
TEST(Cli, CheckpointResumesInANewProcess) {
  const std::string net = kSource + "/examples/cuba_chip.json";
  const fs::path full = scratch("full.csv"), tail = scratch("tail.csv"), state = scratch("run.state");
  ASSERT_EQ(cli("run " + net + " --duration 400 --spikes " + full.string()).status, 0);
  const auto first = cli("run " + net + " --duration 200 --checkpoint " + state.string() + " --checkpoint-every 50");
  ASSERT_EQ(first.status, 0) << first.out;
  EXPECT_NE(first.out.find("checkpoint at t = 200 ms written to"), std::string::npos) << first.out;
  const auto second = cli("run " + net + " --resume " + state.string() + " --duration 200 --threads 2 --spikes " +
                          tail.string());
  ASSERT_EQ(second.status, 0) << second.out;
  EXPECT_NE(second.out.find("400.0 ms simulated"), std::string::npos) << second.out;
  const auto expected = spikes_after(full, 200.0), found = spikes_after(tail, 0.0);
  EXPECT_GT(expected.size(), 300u);
  EXPECT_EQ(expected, found);
  // Another network file refuses the checkpoint, naming it.
  const auto other = cli("run " + kSource + "/examples/stdp_pattern.json --resume " + state.string());
  EXPECT_EQ(other.status, 1) << other.out;
  EXPECT_NE(other.out.find("another network description"), std::string::npos) << other.out;
}

// Ctrl-C during a checkpointed run stops it at a step boundary, writes the checkpoint and exits
// with 130; the checkpoint continues.
TEST(Cli, InterruptLeavesAUsableCheckpoint) {
  const std::string net = kSource + "/examples/cuba_chip.json";
  const fs::path state = scratch("interrupted.state"), log = scratch("interrupted.log");
  fs::remove(state);
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    std::FILE* out = std::freopen(log.c_str(), "w", stdout);
    (void)out;
    ::execl(SPIKEFORGE_CLI, SPIKEFORGE_CLI, "run", net.c_str(), "--duration", "1e8", "--checkpoint", state.c_str(),
            static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::sleep(2);
  ::kill(pid, SIGINT);
  int raw = 0;
  ::waitpid(pid, &raw, 0);
  ASSERT_TRUE(WIFEXITED(raw)) << "the run did not exit after Ctrl-C";
  EXPECT_EQ(WEXITSTATUS(raw), 130);
  std::ifstream in(log);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_NE(text.str().find("interrupted at t = "), std::string::npos) << text.str();
  ASSERT_TRUE(fs::exists(state)) << text.str();
  const auto resumed = cli("run " + net + " --resume " + state.string() + " --duration 10");
  EXPECT_EQ(resumed.status, 0) << resumed.out;
}

// The bad-input corpus (tests/bad_inputs/cli_cases.tsv): every case fails with the status given,
// its message holds every fragment (object, field or option, allowed range), nothing ran and no
// output file was written.
TEST(Cli, BadInputCorpus) {
  ScopedEnv limit("SPIKEFORGE_MEMORY_LIMIT", "4G");
  const std::string bad = kSource + "/tests/bad_inputs";
  std::ifstream table(bad + "/cli_cases.tsv");
  ASSERT_TRUE(table) << "no " << bad << "/cli_cases.tsv";
  std::string line;
  int cases = 0;
  while (std::getline(table, line)) {
    if (line.empty() || line[0] == '#') continue;
    const auto fields = split(line, "\t");
    ASSERT_EQ(fields.size(), 3u) << "malformed case: " << line;
    const fs::path tmp = scratch("corpus_" + std::to_string(++cases));
    fs::remove_all(tmp);
    fs::create_directories(tmp);
    const std::string args = replaced(replaced(fields[1], "{bad}", bad), "{tmp}", tmp.string());
    const auto r = cli(args);
    EXPECT_EQ(r.status, std::stoi(fields[0])) << args << "\n" << r.out;
    for (const auto& fragment : split(fields[2], " | ")) {
      EXPECT_NE(r.out.find(fragment), std::string::npos) << args << "\nmessage lacks '" << fragment << "':\n" << r.out;
    }
    EXPECT_EQ(r.out.find("ms simulated"), std::string::npos) << args << ": ran\n" << r.out;
    EXPECT_FALSE(fs::exists(tmp / "out.csv")) << args << ": wrote out.csv";
    EXPECT_FALSE(fs::exists(tmp / "out.json")) << args << ": wrote out.json";
    EXPECT_FALSE(fs::exists(tmp / "c.state")) << args << ": wrote c.state";
    fs::remove_all(tmp);
  }
  EXPECT_GE(cases, 51) << "cases read from the table";
}

}  // namespace
}  // namespace spikeforge
