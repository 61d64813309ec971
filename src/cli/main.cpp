// `spikeforge`: run a network file on any backend, compile it for the core, build and flash the
// iCEBreaker bitstream, and move images and learned weights between a board and the network file.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <sys/wait.h>

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
    "`spikeforge <command> --help` describes each command's options.\n";

struct Args {
  std::vector<std::string> positional;
  std::map<std::string, std::string> options;  // --name value, or --flag -> "1"
  bool has(const std::string& k) const { return options.count(k) > 0; }
  std::string get(const std::string& k, const std::string& def = "") const {
    auto it = options.find(k);
    return it == options.end() ? def : it->second;
  }
};

Args parse(int argc, char** argv, int first, const std::vector<std::string>& flags) {
  Args a;
  for (int i = first; i < argc; ++i) {
    std::string s = argv[i];
    if (s.rfind("--", 0) == 0) {
      std::string key = s.substr(2);
      const auto eq = key.find('=');
      if (eq != std::string::npos) {
        a.options[key.substr(0, eq)] = key.substr(eq + 1);
      } else if (std::find(flags.begin(), flags.end(), key) != flags.end()) {
        a.options[key] = "1";
      } else {
        if (i + 1 >= argc) throw ValidationError("command line", "--" + key, "needs a value");
        a.options[key] = argv[++i];
      }
    } else {
      a.positional.push_back(s);
    }
  }
  return a;
}

const std::string& need_file(const Args& a, const char* command) {
  if (a.positional.size() != 1) {
    throw ValidationError("command line", std::string(command), "expects exactly one network file (see --help)");
  }
  return a.positional[0];
}

SimulatorOptions simulator_options(const Args& a) {
  SimulatorOptions o;
  o.backend = a.get("backend", "cpu");
  o.seed = std::stoull(a.get("seed", "1"));
  o.threads = std::stoi(a.get("threads", "0"));
  o.device = a.get("device");
  o.baud = std::stoi(a.get("baud", "1000000"));
  o.core_neurons = std::stoi(a.get("core-neurons", "0"));
  o.core_axons = std::stoi(a.get("core-axons", "0"));
  return o;
}

/// The network with every projection's current weights written in (FromList connector, Array
/// weights and delays), so a saved file restores what the backend learned.
model::Network with_weights(const Simulator& sim) {
  model::Network net = model::instantiate(sim.network());
  for (auto& proj : net.projections) {
    const auto syn = sim.weights(proj.name);
    proj.connector = model::Connector::from_list(syn.pre, syn.post);
    proj.weight = model::Distribution::array(syn.weight);
    proj.delay = model::Distribution::array(syn.delay);
  }
  return net;
}

int cmd_run(int argc, char** argv) {
  const Args a = parse(argc, argv, 2, {"help", "quiet"});
  if (a.has("help")) {
    std::cout << "usage: spikeforge run FILE [--backend cpu|cpu-fixed|fpga-sim|fpga] [--duration MS]\n"
                 "                      [--seed S] [--threads T] [--device /dev/ttyUSB1] [--baud 1000000]\n"
                 "                      [--core-neurons N --core-axons NA] [--save-weights OUT.json]\n"
                 "                      [--spikes OUT.csv]\n"
                 "Runs the network for --duration ms (default 1000) and prints, per population, the spike\n"
                 "count and mean rate, and the wall-clock time. Several backends separated by commas\n"
                 "(--backend cpu,fpga-sim) run one after another and print side by side; --spikes and\n"
                 "--save-weights then use the last. --save-weights writes the network with the\n"
                 "weights the run ended with (learned weights survive in the file). --spikes writes every\n"
                 "recorded spike as probe,time_ms,id. --threads: cpu worker threads, 0 (default) = automatic;\n"
                 "results are identical for any count. Backends: "
              << [] {
                   std::string s;
                   for (const auto& n : backend_names()) s += (s.empty() ? "" : ", ") + n;
                   return s;
                 }() << "\n";
    return 0;
  }
  const std::string file = need_file(a, "run");
  const model::Network net = model::load_json(file);
  const SimulatorOptions base = simulator_options(a);
  const double duration = std::stod(a.get("duration", "1000"));
  // Several backends (comma-separated) run one after another and print side by side.
  std::vector<std::string> names;
  for (std::size_t at = 0; at <= base.backend.size();) {
    const auto comma = std::min(base.backend.find(',', at), base.backend.size());
    names.push_back(base.backend.substr(at, comma - at));
    at = comma + 1;
  }
  std::vector<std::unique_ptr<Simulator>> sims;
  std::vector<double> walls;
  for (const auto& name : names) {
    SimulatorOptions opt = base;
    opt.backend = name;
    const auto t0 = std::chrono::steady_clock::now();
    sims.push_back(std::make_unique<Simulator>(net, opt));
    sims.back()->run(duration);
    walls.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
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
  const Simulator& sim = *sims.back();
  if (a.has("spikes")) {
    std::ofstream out(a.get("spikes"));
    out << "probe,time_ms,id\n";
    for (std::size_t q = 0; q < net.probes.size(); ++q) {
      if (net.probes[q].kind != model::Probe::Kind::Spikes) continue;
      const auto& r = sim.spikes(q);
      for (std::size_t k = 0; k < r.size(); ++k) out << net.probes[q].name << ',' << r.times[k] << ',' << r.ids[k] << '\n';
    }
  }
  if (a.has("save-weights")) {
    model::save_json(with_weights(sim), a.get("save-weights"));
    std::printf("weights saved into %s\n", a.get("save-weights").c_str());
  }
  return 0;
}

hw::CoreGeometry geometry_from(const Args& a) {
  hw::CoreGeometry g;
  g.n = std::stoi(a.get("core-neurons", "256"));
  g.na = std::stoi(a.get("core-axons", std::to_string(g.n)));
  return g;
}

int cmd_compile(int argc, char** argv) {
  const Args a = parse(argc, argv, 2, {"help", "no-compensation"});
  if (a.has("help")) {
    std::cout << "usage: spikeforge compile FILE [--out IMAGE.json] [--core-neurons 256] [--core-axons 256]\n"
                 "                          [--no-compensation]\n"
                 "Maps the network onto one core and prints the quantisation report (every parameter's\n"
                 "float value, integer value and relative error; weight errors per projection). A network\n"
                 "that does not fit is refused with the population or projection and the reason (exit 2).\n"
                 "--out writes the core image (parameter words, weights, enables, initial state) as JSON.\n";
    return 0;
  }
  const model::Network net = model::load_json(need_file(a, "compile"));
  model::validate(net);
  hw::CoreConfig cfg;
  cfg.geometry = geometry_from(a);
  cfg.compensate_rounding = !a.has("no-compensation");
  const auto result = hw::compile(net, cfg);
  std::cout << result.report.text();
  std::size_t frames = 0, bytes = 0;
  for (const auto& r : hw::load_requests(result.image)) {
    ++frames;
    bytes += hw::encode_frame(hw::tagged(1, r)).size();  // as sent: a tag, then the request
  }
  std::printf("image: %d neurons, %d axons, %zu load frames, %zu bytes on the link\n", cfg.geometry.n, cfg.geometry.na,
              frames, bytes);
  if (a.has("out")) {
    std::ofstream(a.get("out")) << hw::image_to_json(result.image);
    std::printf("image written to %s\n", a.get("out").c_str());
  }
  return 0;
}

int run_command(const std::vector<std::string>& cmd, bool dry_run) {
  std::string line;
  for (const auto& c : cmd) line += (line.empty() ? "" : " ") + c;
  std::printf("%s%s\n", dry_run ? "would run: " : "+ ", line.c_str());
  if (dry_run) return 0;
  std::fflush(stdout);
  const int status = std::system(line.c_str());
  if (status == -1) throw Error("cannot run " + cmd[0]);
  const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 1;
  if (code != 0) std::fprintf(stderr, "spikeforge: %s exited with %d\n", cmd[0].c_str(), code);
  return code;
}

std::string source_dir(const Args& a) {
  return a.get("source-dir", SPIKEFORGE_SOURCE_DIR);
}

int cmd_bitstream(int argc, char** argv) {
  const Args a = parse(argc, argv, 2, {"help", "dry-run"});
  if (a.has("help")) {
    std::cout << "usage: spikeforge bitstream --board icebreaker [--out DIR] [--neurons 256] [--dry-run]\n"
                 "                            [--source-dir DIR]\n"
                 "Synthesises the core for the board (yosys -spram -dsp), places and routes it\n"
                 "(nextpnr-ice40 --up5k, 30 MHz, seed 1) and packs DIR/spikeforge_icebreaker.bin; prints\n"
                 "utilisation and Fmax. --dry-run prints the command instead of running it.\n";
    return 0;
  }
  const std::string board = a.get("board", "icebreaker");
  if (board != "icebreaker") throw ValidationError("command line", "--board", "'" + board + "': only icebreaker");
  const fs::path src = source_dir(a);
  const std::string out = a.get("out", "bitstream");
  std::vector<std::string> cmd = {"python3", (src / "hdl/flow/ice40_flow.py").string(), "--top", "sf_icebreaker_top",
                                  "--pcf", (src / "hdl/boards/icebreaker/icebreaker.pcf").string(), "--out-dir", out,
                                  "--name", "spikeforge_icebreaker", "--param", "N=" + a.get("neurons", "256"),
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
  const Args a = parse(argc, argv, 2, {"help", "dry-run"});
  if (a.has("help")) {
    std::cout << "usage: spikeforge flash [--bitstream bitstream/spikeforge_icebreaker.bin] [--dry-run]\n"
                 "Writes the bitstream into the iCEBreaker's flash with iceprog (the board reconfigures\n"
                 "from it at power-on). --dry-run prints the iceprog command instead of running it.\n";
    return 0;
  }
  const std::string bin = a.get("bitstream", "bitstream/spikeforge_icebreaker.bin");
  if (!a.has("dry-run") && !fs::exists(bin)) {
    throw ValidationError("command line", "--bitstream", bin + ": no such file (run `spikeforge bitstream` first)");
  }
  return run_command({"iceprog", bin}, a.has("dry-run"));
}

int cmd_upload(int argc, char** argv) {
  const Args a = parse(argc, argv, 2, {"help"});
  if (a.has("help")) {
    std::cout << "usage: spikeforge upload FILE --device /dev/ttyUSB1 [--baud 1000000]\n"
                 "Compiles the network for the core the board reports (HELLO) and loads the image:\n"
                 "parameters, weights, initial state, learning enables and STDP parameters.\n";
    return 0;
  }
  const model::Network net = model::load_json(need_file(a, "upload"));
  model::validate(net);
  SimulatorOptions opt = simulator_options(a);
  opt.backend = "fpga";
  Simulator sim(net, opt);
  const auto& hb = dynamic_cast<const HardwareBackend&>(sim.backend());
  std::printf("uploaded %s to %s: %llu bytes sent\n", a.positional[0].c_str(), hb.client().link().describe().c_str(),
              static_cast<unsigned long long>(hb.client().link().bytes_out()));
  return 0;
}

int cmd_download(int argc, char** argv) {
  const Args a = parse(argc, argv, 2, {"help"});
  if (a.has("help")) {
    std::cout << "usage: spikeforge download-weights FILE --device /dev/ttyUSB1 [--baud 1000000] [--out OUT.json]\n"
                 "Reads the weights of every projection of FILE back from the board (READ_WEIGHTS) and\n"
                 "writes the network with those weights to OUT (default: FILE itself), so learning\n"
                 "survives power-off. The board must hold FILE's network (spikeforge upload, then runs).\n";
    return 0;
  }
  const std::string file = need_file(a, "download-weights");
  const model::Network net = model::load_json(file);
  model::validate(net);
  const SimulatorOptions opt = simulator_options(a);
  if (opt.device.empty()) throw ValidationError("command line", "--device", "missing: the board's serial device");
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
  const std::string dest = a.get("out", file);
  model::save_json(out, dest);
  std::printf("weights of %zu projections read from %s into %s\n", out.projections.size(),
              client.link().describe().c_str(), dest.c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h" || std::string(argv[1]) == "help") {
    std::cout << kUsage;
    return argc < 2 ? 1 : 0;
  }
  const std::string cmd = argv[1];
  try {
    if (cmd == "run") return cmd_run(argc, argv);
    if (cmd == "compile") return cmd_compile(argc, argv);
    if (cmd == "bitstream") return cmd_bitstream(argc, argv);
    if (cmd == "flash") return cmd_flash(argc, argv);
    if (cmd == "upload") return cmd_upload(argc, argv);
    if (cmd == "download-weights") return cmd_download(argc, argv);
    std::cerr << "spikeforge: unknown command '" << cmd << "'\n" << kUsage;
    return 1;
  } catch (const UnsupportedError& e) {
    std::cerr << "spikeforge " << cmd << ": does not fit the core: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "spikeforge " << cmd << ": " << e.what() << "\n";
    return 1;
  }
}
