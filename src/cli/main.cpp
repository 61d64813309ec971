// `spikeforge`: run a network file on any backend, compile it for the core, build and flash the
// iCEBreaker bitstream, and move images and learned weights between a board and the network file.
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <limits>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <spikeforge/backend/hardware_backend.hpp>
#include <spikeforge/backend/simulator.hpp>
#include <spikeforge/core/error.hpp>
#include <spikeforge/hw/cobs.hpp>
#include <spikeforge/hw/compile.hpp>
#include <spikeforge/hw/transport.hpp>
#include <spikeforge/model/json_io.hpp>
#include <spikeforge/model/validate.hpp>

namespace fs = std::filesystem;
using namespace spikeforge;

namespace {

const char* kUsage =
    "usage: spikeforge <command> [options]\n"
    "\n"
    "commands:\n"
    "  run FILE              run a network file on a backend and print its rates\n"
    "  compile FILE          map a network onto the core: quantisation report and core image\n"
    "  bitstream             build the iCE40 bitstream (yosys, nextpnr-ice40, icepack)\n"
    "  flash                 write the bitstream to the board with iceprog\n"
    "  upload FILE           load a network into the core on a board (serial port)\n"
    "  download-weights FILE read the learned weights back from a board into the network file\n"
    "\n"
    "`spikeforge <command> --help` describes each command's options; `spikeforge --version`\n"
    "prints the version.\n";

/// One option of a command: `--name VALUE` (form says what VALUE may be) or a flag (form empty).
struct Option {
  std::string name;
  std::string form;
  bool flag() const { return form.empty(); }
};

struct Args {
  std::string command;
  std::vector<std::string> positional;
  std::map<std::string, std::string> options;  // --name value, or --flag -> "1"
  bool has(const std::string& k) const { return options.count(k) > 0; }
  std::string get(const std::string& k, const std::string& def = "") const {
    auto it = options.find(k);
    return it == options.end() ? def : it->second;
  }
};

[[noreturn]] void bad_option(const std::string& option, const std::string& message) {
  throw ValidationError("command line", option, message);
}

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

/// Strict parsing: every argument is a known option, its value or a positional argument
/// (at most `positional` of them); -h is --help.
Args parse(int argc, char** argv, const std::string& command, std::vector<Option> known, std::size_t positional) {
  known.push_back({"help", ""});
  Args a;
  a.command = command;
  const auto find = [&](const std::string& name) -> const Option* {
    for (const auto& o : known)
      if (o.name == name) return &o;
    return nullptr;
  };
  for (int i = 2; i < argc; ++i) {
    const std::string s = argv[i];
    if (s == "-h") {
      a.options["help"] = "1";
      continue;
    }
    if (s.size() > 1 && s[0] == '-' && s.rfind("--", 0) != 0)
      bad_option(s, "unknown option of `spikeforge " + command + "`: options start with -- (see --help)");
    if (s.rfind("--", 0) != 0) {
      if (a.positional.size() >= positional)
        bad_option("'" + s + "'", positional == 0 ? "`spikeforge " + command + "` takes no file argument (see --help)"
                                                  : "`spikeforge " + command + "` takes one file argument (see --help)");
      a.positional.push_back(s);
      continue;
    }
    std::string key = s.substr(2), value;
    const auto eq = key.find('=');
    const bool inline_value = eq != std::string::npos;
    if (inline_value) value = key.substr(eq + 1), key = key.substr(0, eq);
    const Option* o = find(key);
    if (o == nullptr) {
      std::string names, nearest;
      std::size_t best = std::string::npos;
      for (const auto& k : known) {
        names += (names.empty() ? "--" : ", --") + k.name;
        const std::size_t d = edit_distance(key, k.name);
        if (d < best) best = d, nearest = k.name;
      }
      const bool close = best <= std::max<std::size_t>(2, key.size() / 3);
      bad_option("--" + key, "unknown option of `spikeforge " + command + "`" +
                                 (close ? "; did you mean --" + nearest + "?" : "") + " (options: " + names + ")");
    }
    if (a.has(key)) bad_option("--" + key, "given twice: each option at most once");
    if (o->flag()) {
      if (inline_value) bad_option("--" + key, "is a flag: it takes no value (found '" + value + "')");
      a.options[key] = "1";
      continue;
    }
    if (!inline_value) {
      if (i + 1 >= argc || std::string(argv[i + 1]).rfind("--", 0) == 0)
        bad_option("--" + key, "needs a value: " + o->form);
      value = argv[++i];
    }
    if (value.empty()) bad_option("--" + key, "needs a value: " + o->form);
    a.options[key] = value;
  }
  return a;
}

/// The value of option `name` as a decimal number (no units, no hex, finite) in [lo, hi].
double real_option(const Args& a, const std::string& name, double def, double lo, double hi, const std::string& form) {
  if (!a.has(name)) return def;
  const std::string text = a.get(name);
  double v = 0.0;
  const char* end = text.data() + text.size();
  const auto r = std::from_chars(text.data(), end, v, std::chars_format::general);
  if (r.ec != std::errc() || r.ptr != end || !std::isfinite(v) || v < lo || v > hi)
    bad_option("--" + name, "'" + text + "': must be " + form);
  return v;
}

/// The value of option `name` as a whole decimal number in [lo, hi].
std::uint64_t whole_option(const Args& a, const std::string& name, std::uint64_t def, std::uint64_t lo,
                           std::uint64_t hi) {
  if (!a.has(name)) return def;
  const std::string text = a.get(name);
  std::uint64_t v = 0;
  const char* end = text.data() + text.size();
  const auto r = std::from_chars(text.data(), end, v, 10);
  if (r.ec != std::errc() || r.ptr != end || v < lo || v > hi)
    bad_option("--" + name, "'" + text + "': must be a whole number in [" + std::to_string(lo) + ", " +
                                std::to_string(hi) + "]");
  return v;
}

const std::string& need_file(const Args& a) {
  if (a.positional.size() != 1) bad_option("FILE", "`spikeforge " + a.command + "` needs one network file (see --help)");
  return a.positional[0];
}

const std::vector<Option> kSimulatorOptions = {
    {"backend", "BACKEND[,BACKEND...]"}, {"seed", "a whole number in [0, 18446744073709551615]"},
    {"threads", "a whole number in [0, 1024]"}, {"device", "the serial device, e.g. /dev/ttyUSB1"},
    {"baud", "a whole number in [300, 12000000]"}, {"core-neurons", "a whole number in [0, 256]"},
    {"core-axons", "a whole number in [0, 256]"}};

SimulatorOptions simulator_options(const Args& a) {
  SimulatorOptions o;
  o.backend = a.get("backend", "cpu");
  o.seed = whole_option(a, "seed", 1, 0, std::numeric_limits<std::uint64_t>::max());
  o.threads = static_cast<int>(whole_option(a, "threads", 0, 0, SimulatorOptions::kMaxThreads));
  o.device = a.get("device");
  o.baud = static_cast<int>(whole_option(a, "baud", 1000000, 300, 12000000));
  o.core_neurons = static_cast<int>(whole_option(a, "core-neurons", 0, 0, 256));
  o.core_axons = static_cast<int>(whole_option(a, "core-axons", 0, 0, 256));
  return o;
}

/// Refuses an output path that cannot be written before anything runs: a directory, a missing or
/// unwritable directory, an unwritable file.
void check_writable(const std::string& option, const std::string& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) bad_option(option, "'" + path + "': is a directory: must be a file to write");
  const fs::path parent = fs::path(path).parent_path().empty() ? fs::path(".") : fs::path(path).parent_path();
  if (!fs::is_directory(parent, ec)) bad_option(option, "'" + path + "': directory '" + parent.string() + "' does not exist");
  const bool exists = fs::exists(path, ec);
  if (::access(exists ? path.c_str() : parent.c_str(), W_OK) != 0)
    bad_option(option, "'" + path + "': cannot be written: " + std::strerror(errno));
}

/// Writes `text` to `path`, checking open, write and close; a failure names the path and the
/// system's reason and removes what was written.
void write_file(const std::string& option, const std::string& path, const std::string& text) {
  const auto fail = [&](const char* step, int err) {
    throw Error(option + ": cannot write '" + path + "': " + step + ": " + std::strerror(err));
  };
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) fail("open", errno);
  const bool written = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  const int write_errno = errno;
  const bool closed = std::fclose(f) == 0;
  const int close_errno = errno;
  if (written && closed) return;
  if (fs::is_regular_file(path)) std::remove(path.c_str());
  fail(written ? "close" : "write", written ? close_errno : write_errno);
}

/// Ctrl-C during a run that writes checkpoints: the run stops at the next step boundary and the
/// checkpoint is written before the program exits.
volatile std::sig_atomic_t interrupted = 0;
extern "C" void on_interrupt(int) { interrupted = 1; }

/// Runs `sim` for `duration` ms in pieces: a checkpoint to `checkpoint` after every `every_ms` of
/// simulated time (0: only at the end) and at the end; Ctrl-C stops at the next piece and saves.
/// Returns false when interrupted.
bool run_with_checkpoints(Simulator& sim, double duration, const std::string& checkpoint, double every_ms) {
  const std::uint64_t total = model::run_steps(sim.dt(), duration, sim.backend().steps(), "command line", "--duration");
  const std::uint64_t every =
      every_ms > 0.0 ? std::max<std::uint64_t>(1, static_cast<std::uint64_t>(std::llround(every_ms / sim.dt()))) : total;
  // Pieces of at most 1 % of the run and 1000 steps (and never past a checkpoint), so Ctrl-C
  // answers promptly.
  const std::uint64_t piece = std::clamp<std::uint64_t>(total / 100, 1, 1000);
  const auto previous = std::signal(SIGINT, on_interrupt);
  std::uint64_t done = 0, since = 0;
  bool stopped = false;
  while (done < total) {
    const std::uint64_t n = std::min({piece, total - done, every - since});
    sim.backend().run_steps(n);
    done += n;
    since += n;
    if (interrupted) {
      stopped = true;
      break;
    }
    if (since == every && done < total) {
      sim.save_state(checkpoint);
      since = 0;
    }
  }
  std::signal(SIGINT, previous);
  sim.save_state(checkpoint);
  std::printf("checkpoint at t = %.6g ms written to %s\n", sim.time(), checkpoint.c_str());
  return !stopped;
}

std::string backend_list() {
  std::string s;
  for (const auto& n : backend_names()) s += (s.empty() ? "" : ", ") + n;
  return s;
}

int cmd_run(int argc, char** argv) {
  std::vector<Option> known = kSimulatorOptions;
  known.insert(known.end(), {{"duration", "a number of ms (decimal, e.g. 1000 or 2.5e3), >= 0"},
                             {"save-weights", "OUT.json"},
                             {"spikes", "OUT.csv"},
                             {"checkpoint", "OUT.state"},
                             {"checkpoint-every", "a number of ms (decimal), > 0"},
                             {"resume", "IN.state (a checkpoint of the same network)"},
                             {"quiet", ""}});
  const Args a = parse(argc, argv, "run", known, 1);
  if (a.has("help")) {
    std::cout << "usage: spikeforge run FILE [--backend cpu|cpu-fixed|fpga-sim|fpga] [--duration MS]\n"
                 "                      [--seed S] [--threads T] [--device /dev/ttyUSB1] [--baud 1000000]\n"
                 "                      [--core-neurons N --core-axons NA] [--save-weights OUT.json]\n"
                 "                      [--spikes OUT.csv] [--checkpoint OUT.state [--checkpoint-every MS]]\n"
                 "                      [--resume IN.state]\n"
                 "Runs the network for --duration ms (default 1000) and prints, per population, the spike\n"
                 "count and mean rate, and the wall-clock time. Several backends separated by commas\n"
                 "(--backend cpu,fpga-sim) run one after another and print side by side; --spikes and\n"
                 "--save-weights then use the last. --save-weights writes the network with the\n"
                 "weights the run ended with (learned weights survive in the file). --spikes writes every\n"
                 "recorded spike as probe,time_ms,id. --threads: cpu worker threads, 0 (default) = automatic;\n"
                 "results are identical for any count. A run ends at most 2^48 steps from t = 0. The memory\n"
                 "a network may need is capped by SPIKEFORGE_MEMORY_LIMIT (e.g. 8G; default: MemAvailable).\n"
                 "--resume continues from a checkpoint of the same network (and --seed) for --duration more ms\n"
                 "(spike counts and rates include the time before it; --spikes holds the spikes after it).\n"
                 "--checkpoint writes one at the end, and every --checkpoint-every ms of simulated time;\n"
                 "Ctrl-C stops the run at the next step boundary and writes it before exiting (code 130).\n"
                 "Checkpoints continue bit for bit with any --threads (docs/checkpoints.md).\n"
                 "Backends: "
              << backend_list() << "\n";
    return 0;
  }
  // Everything is checked before anything runs: options, output paths, the network, the duration.
  const SimulatorOptions base = simulator_options(a);
  const double duration = real_option(a, "duration", 1000.0, 0.0, std::numeric_limits<double>::max(),
                                      "a number of ms (decimal, e.g. 1000 or 2.5e3), >= 0");
  // Several backends (comma-separated) run one after another and print side by side.
  std::vector<std::string> names;
  const auto known_backends = backend_names();
  for (std::size_t at = 0; at <= base.backend.size();) {
    const auto comma = std::min(base.backend.find(',', at), base.backend.size());
    names.push_back(base.backend.substr(at, comma - at));
    if (std::find(known_backends.begin(), known_backends.end(), names.back()) == known_backends.end())
      bad_option("--backend", "'" + names.back() + "': must be one of " + backend_list() + " (several: comma-separated)");
    at = comma + 1;
  }
  for (const char* out : {"spikes", "save-weights", "checkpoint"})
    if (a.has(out)) check_writable(std::string("--") + out, a.get(out));
  const bool checkpoints = a.has("checkpoint") || a.has("resume");
  if (checkpoints && names.size() > 1) {
    bad_option(a.has("checkpoint") ? "--checkpoint" : "--resume", "takes one backend, not '" + base.backend + "'");
  }
  if (a.has("checkpoint-every") && !a.has("checkpoint")) {
    bad_option("--checkpoint-every", "needs --checkpoint OUT.state (the file to write)");
  }
  const double every = real_option(a, "checkpoint-every", 0.0, std::numeric_limits<double>::min(),
                                   std::numeric_limits<double>::max(), "a number of ms (decimal), > 0");
  const std::string file = need_file(a);
  const model::Network net = model::load_json(file);
  model::validate(net);
  std::vector<std::unique_ptr<Simulator>> sims;
  std::vector<double> walls, simulated;
  bool completed = true;
  for (const auto& name : names) {
    SimulatorOptions opt = base;
    opt.backend = name;
    const auto t0 = std::chrono::steady_clock::now();
    sims.push_back(std::make_unique<Simulator>(net, opt));
    Simulator& sim = *sims.back();
    if (a.has("resume")) sim.load_state(a.get("resume"));
    const double resumed_at = sim.time();
    // The run ends at most 2^48 steps from t = 0, counted from where it resumes.
    model::run_steps(net.dt, duration, sim.backend().steps(), "command line", "--duration");
    if (a.has("checkpoint")) completed = run_with_checkpoints(sim, duration, a.get("checkpoint"), every);
    else sim.run(duration);
    walls.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    simulated.push_back(sim.time() - resumed_at);
  }
  std::printf("network %s, %.1f ms simulated (dt = %g ms)\n", file.c_str(), sims[0]->time(), net.dt);
  std::printf("  %-16s %7s", "population", "neurons");
  for (const auto& name : names) std::printf(" | %-10s %9s %10s", name.c_str(), "spikes", "rate (Hz)");
  std::printf("\n");
  for (const auto& p : net.populations) {
    std::printf("  %-16s %7u", p.name.c_str(), p.size);
    for (const auto& sim : sims) {
      std::printf(" | %-10s %9llu %10.3f", "", static_cast<unsigned long long>(sim->spike_count(p.name)),
                  sim->mean_rate(p.name));
    }
    std::printf("\n");
  }
  std::printf("  %-16s %7s", "wall time (s)", "");
  for (double w : walls) std::printf(" | %-10s %9s %10.3f", "", "", w);
  std::printf("\n");
  // Simulated time of this invocation per wall time: above 1 the network runs faster than real time.
  std::printf("  %-16s %7s", "x real time", "");
  for (std::size_t k = 0; k < walls.size(); ++k)
    std::printf(" | %-10s %9s %10.3g", "", "", walls[k] > 0.0 ? simulated[k] / (1000.0 * walls[k]) : 0.0);
  std::printf("\n");
  const Simulator& sim = *sims.back();
  if (a.has("spikes")) {
    std::ostringstream out;
    out << "probe,time_ms,id\n";
    for (std::size_t q = 0; q < net.probes.size(); ++q) {
      if (net.probes[q].kind != model::Probe::Kind::Spikes) continue;
      const auto& r = sim.spikes(q);
      for (std::size_t k = 0; k < r.size(); ++k) out << net.probes[q].name << ',' << r.times[k] << ',' << r.ids[k] << '\n';
    }
    write_file("--spikes", a.get("spikes"), out.str());
  }
  if (a.has("save-weights")) {
    model::save_json(sim.network_with_weights(), a.get("save-weights"));
    std::printf("weights saved into %s\n", a.get("save-weights").c_str());
  }
  if (!completed) {
    std::printf("interrupted at t = %.6g ms: continue with --resume %s\n", sim.time(), a.get("checkpoint").c_str());
    return 130;
  }
  return 0;
}

hw::CoreGeometry geometry_from(const Args& a) {
  hw::CoreGeometry g;
  g.n = static_cast<int>(whole_option(a, "core-neurons", 256, 16, 256));
  g.na = static_cast<int>(whole_option(a, "core-axons", static_cast<std::uint64_t>(g.n), 16, 256));
  g.validate();
  return g;
}

int cmd_compile(int argc, char** argv) {
  const Args a = parse(argc, argv, "compile",
                       {{"out", "IMAGE.json"},
                        {"core-neurons", "a power of two in [16, 256]"},
                        {"core-axons", "a multiple of 16 in [16, 256]"},
                        {"no-compensation", ""}},
                       1);
  if (a.has("help")) {
    std::cout << "usage: spikeforge compile FILE [--out IMAGE.json] [--core-neurons 256] [--core-axons 256]\n"
                 "                          [--no-compensation]\n"
                 "Maps the network onto one core and prints the quantisation report (every parameter's\n"
                 "float value, integer value and relative error; weight errors per projection). A network\n"
                 "that does not fit is refused with the population or projection and the reason (exit 2).\n"
                 "--out writes the core image (parameter words, weights, enables, initial state) as JSON.\n";
    return 0;
  }
  hw::CoreConfig cfg;
  cfg.geometry = geometry_from(a);
  cfg.compensate_rounding = !a.has("no-compensation");
  if (a.has("out")) check_writable("--out", a.get("out"));
  // hw::compile refuses a network larger than the core before it validates the rest.
  const auto result = hw::compile(model::load_json(need_file(a)), cfg);
  std::cout << result.report.text();
  std::size_t frames = 0, bytes = 0;
  for (const auto& r : hw::load_requests(result.image)) {
    ++frames;
    bytes += hw::encode_frame(hw::tagged(1, r)).size();  // as sent: a tag, then the request
  }
  std::printf("image: %d neurons, %d axons, %zu load frames, %zu bytes on the link\n", cfg.geometry.n, cfg.geometry.na,
              frames, bytes);
  if (a.has("out")) {
    write_file("--out", a.get("out"), hw::image_to_json(result.image));
    std::printf("image written to %s\n", a.get("out").c_str());
  }
  return 0;
}

/// An argument as a POSIX shell would need it quoted, for the printed command line only.
std::string shell_quoted(const std::string& s) {
  const bool plain = !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || std::strchr("_-./=,:+@%", c) != nullptr;
  });
  if (plain) return s;
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

/// Runs a tool with an argument vector (posix_spawnp: no shell, so no argument is ever read as
/// shell syntax) and waits for it; returns its exit status.
int run_command(const std::vector<std::string>& cmd, bool dry_run) {
  std::string line;
  for (const auto& c : cmd) {
    if (!line.empty()) line += ' ';
    line += shell_quoted(c);
  }
  std::printf("%s%s\n", dry_run ? "would run: " : "+ ", line.c_str());
  if (dry_run) return 0;
  std::fflush(stdout);
  std::vector<char*> args;
  for (const auto& c : cmd) args.push_back(const_cast<char*>(c.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  const int rc = ::posix_spawnp(&pid, args[0], nullptr, nullptr, args.data(), environ);
  if (rc != 0) throw Error("cannot run " + cmd[0] + ": " + std::strerror(rc));
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) throw Error("waiting for " + cmd[0] + ": " + std::strerror(errno));
  }
  const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
  if (code != 0) std::fprintf(stderr, "spikeforge: %s exited with %d\n", cmd[0].c_str(), code);
  return code;
}

int cmd_bitstream(int argc, char** argv) {
  const Args a = parse(argc, argv, "bitstream",
                       {{"board", "icebreaker"},
                        {"out", "DIR"},
                        {"neurons", "a power of two in [16, 256]"},
                        {"source-dir", "DIR (the spikeforge source tree)"},
                        {"dry-run", ""}},
                       0);
  if (a.has("help")) {
    std::cout << "usage: spikeforge bitstream --board icebreaker [--out DIR] [--neurons 256] [--dry-run]\n"
                 "                            [--source-dir DIR]\n"
                 "Synthesises the core for the board (yosys -spram -dsp), places and routes it\n"
                 "(nextpnr-ice40 --up5k, 30 MHz, seed 1) and packs DIR/spikeforge_icebreaker.bin; prints\n"
                 "utilisation and Fmax. --dry-run prints the command instead of running it.\n";
    return 0;
  }
  const std::string board = a.get("board", "icebreaker");
  if (board != "icebreaker") bad_option("--board", "'" + board + "': must be icebreaker (the only board)");
  const auto neurons = whole_option(a, "neurons", 256, 16, 256);  // the core's N
  if ((neurons & (neurons - 1)) != 0)
    bad_option("--neurons", "'" + a.get("neurons") + "': must be a power of two in [16, 256]");
  const fs::path src = a.get("source-dir", SPIKEFORGE_SOURCE_DIR);
  if (!fs::is_directory(src / "hdl/rtl"))
    bad_option("--source-dir", "'" + src.string() + "': must be the spikeforge source tree (no hdl/rtl in it)");
  const std::string out = a.get("out", "bitstream");
  std::vector<std::string> cmd = {"python3", (src / "hdl/flow/ice40_flow.py").string(), "--top", "sf_icebreaker_top",
                                  "--pcf", (src / "hdl/boards/icebreaker/icebreaker.pcf").string(), "--out-dir", out,
                                  "--name", "spikeforge_icebreaker", "--param", "N=" + std::to_string(neurons),
                                  "--freq", "30", "--seed", "1"};
  for (const char* f : {"sf_icebreaker_top.v", "sf_spram_ice40.v", "sf_mul16_ice40.v"}) {
    cmd.push_back((src / "hdl/boards/icebreaker" / f).string());
  }
  std::vector<std::string> rtl;
  for (const auto& e : fs::recursive_directory_iterator(src / "hdl/rtl")) {
    const auto name = e.path().filename().string();
    // The board files replace the behavioural memory and multiplier.
    if (e.path().extension() == ".v" && name != "sf_spram.v" && name != "sf_mul16.v") rtl.push_back(e.path().string());
  }
  std::sort(rtl.begin(), rtl.end());
  cmd.insert(cmd.end(), rtl.begin(), rtl.end());
  if (!a.has("dry-run")) fs::create_directories(out);
  return run_command(cmd, a.has("dry-run"));
}

int cmd_flash(int argc, char** argv) {
  const Args a = parse(argc, argv, "flash", {{"bitstream", "FILE.bin"}, {"dry-run", ""}}, 0);
  if (a.has("help")) {
    std::cout << "usage: spikeforge flash [--bitstream bitstream/spikeforge_icebreaker.bin] [--dry-run]\n"
                 "Writes the bitstream into the iCEBreaker's flash with iceprog (the board reconfigures\n"
                 "from it at power-on). --dry-run prints the iceprog command instead of running it.\n";
    return 0;
  }
  const std::string bin = a.get("bitstream", "bitstream/spikeforge_icebreaker.bin");
  if (!a.has("dry-run") && !fs::is_regular_file(bin)) {
    bad_option("--bitstream", "'" + bin + "': no such file (run `spikeforge bitstream` first)");
  }
  // "--" ends iceprog's options: a file name starting with '-' stays a file name.
  return run_command({"iceprog", "--", bin}, a.has("dry-run"));
}

int cmd_upload(int argc, char** argv) {
  const Args a = parse(argc, argv, "upload",
                       {{"device", "the serial device, e.g. /dev/ttyUSB1"}, {"baud", "a whole number in [300, 12000000]"}},
                       1);
  if (a.has("help")) {
    std::cout << "usage: spikeforge upload FILE --device /dev/ttyUSB1 [--baud 1000000]\n"
                 "Compiles the network for the core the board reports (HELLO) and loads the image:\n"
                 "parameters, weights, initial state, learning enables and STDP parameters.\n";
    return 0;
  }
  SimulatorOptions opt = simulator_options(a);
  if (opt.device.empty()) bad_option("--device", "missing: the board's serial device, e.g. /dev/ttyUSB1");
  const model::Network net = model::load_json(need_file(a));
  model::validate(net);
  opt.backend = "fpga";
  Simulator sim(net, opt);
  const auto& hb = dynamic_cast<const HardwareBackend&>(sim.backend());
  std::printf("uploaded %s to %s: %llu bytes sent\n", a.positional[0].c_str(), hb.client().link().describe().c_str(),
              static_cast<unsigned long long>(hb.client().link().bytes_out()));
  return 0;
}

int cmd_download(int argc, char** argv) {
  const Args a = parse(argc, argv, "download-weights",
                       {{"device", "the serial device, e.g. /dev/ttyUSB1"},
                        {"baud", "a whole number in [300, 12000000]"},
                        {"out", "OUT.json"}},
                       1);
  if (a.has("help")) {
    std::cout << "usage: spikeforge download-weights FILE --device /dev/ttyUSB1 [--baud 1000000] [--out OUT.json]\n"
                 "Reads the weights of every projection of FILE back from the board (READ_WEIGHTS) and\n"
                 "writes the network with those weights to OUT (default: FILE itself), so learning\n"
                 "survives power-off. The board must hold FILE's network (spikeforge upload, then runs).\n";
    return 0;
  }
  const std::string file = need_file(a);
  const SimulatorOptions opt = simulator_options(a);
  if (opt.device.empty()) bad_option("--device", "missing: the board's serial device, e.g. /dev/ttyUSB1");
  const std::string dest = a.get("out", file);
  check_writable(a.has("out") ? "--out" : "FILE", dest);
  const model::Network net = model::load_json(file);
  model::validate(net);
  // Only the mapping is compiled here: nothing is written to the board, so its learned weights stay.
  hw::CoreClient client(hw::make_serial_link(opt.device, opt.baud, opt.timeout_ms));
  const auto info = client.hello();
  hw::CoreConfig cfg;
  cfg.geometry.n = static_cast<int>(info.n);
  cfg.geometry.na = static_cast<int>(info.na);
  const auto compiled = hw::compile(net, cfg);
  model::Network out = model::instantiate(net);
  for (std::size_t j = 0; j < compiled.image.projections.size(); ++j) {
    const auto& cp = compiled.image.projections[j];
    const double lsb = compiled.image.populations[cp.post_index].i_lsb;
    std::map<unsigned, std::vector<std::int8_t>> rows;
    model::SynapseList syn = cp.synapses;
    for (std::size_t k = 0; k < syn.size(); ++k) {
      auto it = rows.find(cp.src[k]);
      if (it == rows.end()) it = rows.emplace(cp.src[k], client.read_weights(cp.src[k], 0, info.n)).first;
      syn.weight[k] = it->second[cp.dst[k]] * lsb;
    }
    auto& proj = out.projections[j];
    proj.connector = model::Connector::from_list(syn.pre, syn.post);
    proj.weight = model::Distribution::array(syn.weight);
    proj.delay = model::Distribution::array(syn.delay);
  }
  model::save_json(out, dest);
  std::printf("weights of %zu projections read from %s into %s\n", out.projections.size(),
              client.link().describe().c_str(), dest.c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string first = argc < 2 ? "" : argv[1];
  if (argc < 2 || first == "--help" || first == "-h" || first == "help") {
    std::cout << kUsage;
    return argc < 2 ? 1 : 0;
  }
  if (first == "--version" || first == "version") {
    std::cout << "spikeforge " << SPIKEFORGE_VERSION << "\n";
    return 0;
  }
  const std::string cmd = first;
  try {
    if (cmd == "run") return cmd_run(argc, argv);
    if (cmd == "compile") return cmd_compile(argc, argv);
    if (cmd == "bitstream") return cmd_bitstream(argc, argv);
    if (cmd == "flash") return cmd_flash(argc, argv);
    if (cmd == "upload") return cmd_upload(argc, argv);
    if (cmd == "download-weights") return cmd_download(argc, argv);
    std::string nearest;
    std::size_t best = std::string::npos;
    for (const char* c : {"run", "compile", "bitstream", "flash", "upload", "download-weights", "version"}) {
      const std::size_t d = edit_distance(cmd, c);
      if (d < best) best = d, nearest = c;
    }
    std::cerr << "spikeforge: unknown command '" << cmd << "'"
              << (best <= 2 ? "; did you mean " + nearest + "?" : std::string()) << "\n"
              << kUsage;
    return 1;
  } catch (const UnsupportedError& e) {
    std::cerr << "spikeforge " << cmd << ": does not fit the core: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "spikeforge " << cmd << ": " << e.what() << "\n";
    return 1;
  }
}
