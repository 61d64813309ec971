// Binding of spikeforge::Simulator: runs with the GIL released and a progress callback that
// also delivers Ctrl-C, and hands recordings and weights to NumPy without copying them.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <exception>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <spikeforge/backend/simulator.hpp>
#include <spikeforge/core/error.hpp>
#include <spikeforge/model/neuron_models.hpp>
#include <spikeforge/model/validate.hpp>

#include "bindings.hpp"
#include "record_store.hpp"

namespace py = pybind11;

namespace spikeforge::python {
namespace {

using model::Probe;

/// What the Python side has taken over from one probe's engine record so far.
struct ProbeStore {
  RecordStore<double> times;
  RecordStore<std::uint32_t> ids;
  std::vector<RecordStore<double>> values;  // state probes: one per variable
  RecordStore<double> weights;              // weight probes: snapshots x synapses
  std::size_t columns = 0;                  // neurons (state) or synapses (weights) per row

  void clear() {
    times.clear();
    ids.clear();
    for (auto& v : values) v.clear();
    weights.clear();
  }
};

class PySimulator {
public:
  static constexpr std::uint64_t kSignalSteps = 1000;

  PySimulator(const model::Network& network, const SimulatorOptions& options)
      : sim_(network, options), stores_(network.probes.size()) {
    for (std::size_t q = 0; q < network.probes.size(); ++q) {
      if (network.probes[q].kind == Probe::Kind::State) {
        stores_[q].values.resize(sim_.backend().state_record(q).variables.size());
        stores_[q].columns = sim_.backend().state_record(q).neurons.size();
      }
    }
  }

  void run(double duration_ms, const py::object& progress) {
    if (running_ && phase_ == Phase::Progress && std::this_thread::get_id() == runner_) {
      throw py::value_error("simulator: run() called from inside the progress callback of a run: runs cannot nest "
                            "(return False from the callback to stop the current run, then call run() again)");
    }
    ensure_idle();
    const double dt = sim_.dt();
    // The one rule of every entry point: finite, >= 0, ending at most 2^48 steps from t = 0.
    const std::uint64_t total = model::run_steps(dt, duration_ms, sim_.backend().steps());
    // Set while the GIL is released, so another Python thread cannot touch the engine mid-step.
    struct Busy {
      PySimulator& sim;
      explicit Busy(PySimulator& s) : sim(s) {
        sim.running_ = true;
        sim.runner_ = std::this_thread::get_id();
        sim.phase_ = Phase::Engine;
      }
      ~Busy() { sim.running_ = false; }
    } busy(*this);
    const bool has_callback = !progress.is_none();
    const double t_end = static_cast<double>(sim_.backend().steps() + total) * dt;
    // The callback runs about every 1 % of the run; Ctrl-C is looked at more often in long runs,
    // at least every kSignalSteps steps, so it never waits for a whole percent of a long run.
    const std::uint64_t report_every = std::max<std::uint64_t>(1, total / 100);
    const std::uint64_t segment = std::min(report_every, kSignalSteps);
    std::exception_ptr failure;
    std::uint64_t done = 0, next_report = report_every;
    {
      py::gil_scoped_release release;
      while (done < total) {
        const std::uint64_t n = std::min(segment, total - done);
        // Whole steps: llround(n * dt / dt) == n for these small n, so pieces add up exactly.
        sim_.run(static_cast<double>(n) * dt);
        done += n;
        py::gil_scoped_acquire acquire;
        try {
          if (modulator_failure_) std::rethrow_exception(std::exchange(modulator_failure_, nullptr));
          if (PyErr_CheckSignals() != 0) throw py::error_already_set();
          if (has_callback && (done >= next_report || done == total)) {
            next_report += report_every;
            // The engine is between steps while the callback runs: this thread may read and
            // change the simulator (not run or reset it); ensure_idle() knows by phase_.
            phase_ = Phase::Progress;
            py::object keep_going = progress(sim_.time(), t_end);
            phase_ = Phase::Engine;
            if (!keep_going.is_none() && PyObject_IsTrue(keep_going.ptr()) == 0) break;
          }
        } catch (...) {
          failure = std::current_exception();
          break;
        }
      }
    }
    if (failure) std::rethrow_exception(failure);
    if (has_callback && total == 0) {
      phase_ = Phase::Progress;
      progress(sim_.time(), t_end);
    }
  }

  double time() const { return sim_.time(); }
  double dt() const { return sim_.dt(); }
  std::uint64_t steps() const { return sim_.backend().steps(); }
  std::string backend_name() const { return std::string(sim_.backend().name()); }
  const SimulatorOptions& options() const { return sim_.options(); }
  const model::Network& network() const { return sim_.network(); }
  const Simulator& sim() const { return sim_; }
  model::Network network_with_weights() {
    ensure_idle();
    return sim_.network_with_weights();
  }

  void reset(bool restore_weights) {
    if (running_ && phase_ == Phase::Progress && std::this_thread::get_id() == runner_) {
      throw py::value_error("simulator: reset() called from inside the progress callback of a run: the run would "
                            "continue from t = 0 (return False from the callback to stop the run, then reset)");
    }
    ensure_idle();
    sim_.reset(restore_weights);
    for (auto& s : stores_) s.clear();
  }

  void save_state(const std::string& path) {
    ensure_idle();
    py::gil_scoped_release release;
    sim_.save_state(path);
  }

  void load_state(const std::string& path) {
    if (running_ && phase_ == Phase::Progress && std::this_thread::get_id() == runner_) {
      throw py::value_error("simulator: load_state() called from inside the progress callback of a run: the run "
                            "would continue from the loaded time (return False from the callback to stop the run, "
                            "then load)");
    }
    ensure_idle();
    {
      py::gil_scoped_release release;
      sim_.load_state(path);
    }
    for (auto& s : stores_) s.clear();
  }

  void stream_records(const std::string& path) {
    ensure_idle();
    // Records the stores already took over stay readable from them; the file gets what follows.
    sim_.stream_records(path);
  }
  void stop_streaming() {
    ensure_idle();
    sim_.stop_streaming();
  }

  py::tuple spikes(const std::string& name) {
    ensure_idle();
    const std::size_t q = probe_index(name, Probe::Kind::Spikes);
    SpikeRecord& rec = sim_.backend().spike_record_mut(q);
    ProbeStore& s = stores_[q];
    s.times.append(rec.times);
    s.ids.append(rec.ids);
    return py::make_tuple(s.times.view(), s.ids.view());
  }

  py::dict state(const std::string& name) {
    ensure_idle();
    const std::size_t q = probe_index(name, Probe::Kind::State);
    StateRecord& rec = sim_.backend().state_record_mut(q);
    ProbeStore& s = stores_[q];
    s.times.append(rec.times);
    py::dict values;
    for (std::size_t v = 0; v < rec.variables.size(); ++v) {
      s.values[v].append(rec.values[v]);
      values[py::str(rec.variables[v])] = s.values[v].view(std::max<std::size_t>(s.columns, 1));
    }
    py::dict out;
    out["times"] = s.times.view();
    out["neurons"] = py::array_t<std::uint32_t>(static_cast<py::ssize_t>(rec.neurons.size()), rec.neurons.data());
    out["variables"] = rec.variables;
    out["values"] = values;
    return out;
  }

  py::tuple weight_snapshots(const std::string& name) {
    ensure_idle();
    const std::size_t q = probe_index(name, Probe::Kind::Weights);
    WeightRecord& rec = sim_.backend().weight_record_mut(q);
    ProbeStore& s = stores_[q];
    // Snapshots are separate vectors in the engine: they are copied once into one
    // contiguous (snapshots x synapses) block, which later snapshots extend.
    if (!rec.weights.empty()) s.columns = rec.weights.front().size();
    for (auto& w : rec.weights) s.weights.append_copy(w.data(), w.size());
    rec.weights.clear();
    s.times.append(rec.times);
    const std::size_t cols = s.columns != 0 ? s.columns : synapse_count(network().probes[q].target);
    if (cols == 0) {
      return py::make_tuple(s.times.view(),
                            py::array_t<double>(std::vector<py::ssize_t>{static_cast<py::ssize_t>(s.times.size()), 0}));
    }
    return py::make_tuple(s.times.view(), s.weights.view(cols));
  }

  /// pre, post, weight, delay of a projection, each array owning its buffer (no copy).
  py::tuple synapses(const std::string& projection) {
    ensure_idle();
    model::SynapseList list = sim_.synapses(projection);
    return py::make_tuple(adopt(std::move(list.pre)), adopt(std::move(list.post)), adopt(std::move(list.weight)),
                          adopt(std::move(list.delay)));
  }

  void set_weights(const std::string& projection, const py::array_t<double, py::array::c_style>& weights) {
    ensure_idle();
    const std::string object = "projection '" + projection + "'";
    if (weights.ndim() != 1) {
      throw ValidationError(object, "weights", "array with " + std::to_string(weights.ndim()) +
                                                   " dimensions: must be 1-D, one weight per synapse");
    }
    const std::size_t n = synapse_count(projection);
    if (static_cast<std::size_t>(weights.size()) != n) {
      throw ValidationError(object, "weights", std::to_string(weights.size()) + " values: must be " +
                                                   std::to_string(n) + ", one per synapse");
    }
    // Sign and finiteness per receptor: Simulator::set_weights.
    sim_.set_weights(projection, std::vector<double>(weights.data(), weights.data() + weights.size()));
  }

  py::array_t<std::uint64_t> spike_counts(const std::string& population) {
    ensure_idle();
    return adopt(sim_.spike_counts(population));
  }
  double mean_rate(const std::string& population) {
    ensure_idle();
    return sim_.mean_rate(population);
  }
  double bytes_per_synapse() const { return sim_.bytes_per_synapse(); }

  void set_learning(const std::string& projection, bool on) {
    ensure_idle();
    sim_.set_learning(projection, on);
  }

  void set_modulator(double value) {
    ensure_idle();
    if (!std::isfinite(value)) {
      throw ValidationError("simulator", "modulator", std::to_string(value) + ": must be finite");
    }
    sim_.set_modulator_callback({});
    modulator_callback_ = py::none();
    sim_.set_modulator(value);
  }

  /// M(t_ms) from a Python callable, asked every step with the GIL taken for the call. A Python
  /// error (or a non-finite or non-numeric value) stops the run at the next check and is raised.
  void set_modulator_callback(const py::object& callback) {
    ensure_idle();
    if (callback.is_none()) {
      sim_.set_modulator_callback({});
      modulator_callback_ = py::none();
      return;
    }
    modulator_callback_ = callback;
    sim_.set_modulator_callback([this](double t_ms) -> double {
      py::gil_scoped_acquire acquire;
      if (modulator_failure_) return 0.0;
      struct InCallback {
        bool& flag;
        explicit InCallback(bool& f) : flag(f) { flag = true; }
        ~InCallback() { flag = false; }
      } in_callback(in_modulator_);
      try {
        const py::object value = modulator_callback_(t_ms);
        // A number is a float, an int (not a bool) or anything NumPy-like with __float__.
        const bool number = (PyFloat_Check(value.ptr()) || PyLong_Check(value.ptr()) ||
                             py::hasattr(value, "__float__")) &&
                            !PyBool_Check(value.ptr());
        if (!number) {
          throw py::type_error("modulator callback " + callable_name(modulator_callback_) + ": M(" +
                               std::to_string(t_ms) + " ms) returned a " +
                               std::string(py::str(py::type::of(value).attr("__name__"))) +
                               ": must return a finite number (float)");
        }
        const double m = value.cast<double>();
        if (!std::isfinite(m)) {
          throw ValidationError("modulator callback " + callable_name(modulator_callback_),
                                "M(" + std::to_string(t_ms) + " ms)", std::to_string(m) + ": must be finite");
        }
        return m;
      } catch (...) {
        modulator_failure_ = std::current_exception();
        return 0.0;
      }
    });
  }

  /// Address of the engine's not yet handed-over spike-time buffer of a probe (0 when empty):
  /// lets the tests check that handing over copies nothing.
  std::uintptr_t pending_buffer_address(const std::string& name, const std::string& what) {
    ensure_idle();
    if (what == "spike_times") {
      const auto& rec = sim_.backend().spike_record(probe_index(name, Probe::Kind::Spikes));
      return rec.times.empty() ? 0 : reinterpret_cast<std::uintptr_t>(rec.times.data());
    }
    if (what == "spike_ids") {
      const auto& rec = sim_.backend().spike_record(probe_index(name, Probe::Kind::Spikes));
      return rec.ids.empty() ? 0 : reinterpret_cast<std::uintptr_t>(rec.ids.data());
    }
    const auto& rec = sim_.backend().state_record(probe_index(name, Probe::Kind::State));
    for (std::size_t v = 0; v < rec.variables.size(); ++v) {
      if (rec.variables[v] == what) return rec.values[v].empty() ? 0 : reinterpret_cast<std::uintptr_t>(rec.values[v].data());
    }
    throw py::value_error("no recorded quantity '" + what + "' in '" + name + "'");
  }

private:
  /// Refuses a call that would touch the engine while it steps: from another Python thread during
  /// a run, or from the modulator callback (asked in the middle of a step). The thread that runs
  /// may call in from its progress callback: the engine is then between steps.
  void ensure_idle() const {
    if (!running_) return;
    if (phase_ == Phase::Progress && std::this_thread::get_id() == runner_) return;
    if (in_modulator_) {
      throw py::value_error("simulator: called from inside the modulator callback: the engine is in the middle of a "
                            "step; the callback may only return M(t)");
    }
    throw py::value_error("simulator: run() is in progress in another thread");
  }

  static std::string callable_name(const py::object& f) {
    for (const char* attr : {"__qualname__", "__name__"}) {
      if (py::hasattr(f, attr)) return std::string(py::str(f.attr(attr)));
    }
    return std::string(py::repr(f));
  }

  std::size_t probe_index(const std::string& name, Probe::Kind kind) const { return sim_.resolved().probe(name, kind); }

  /// Synapses of a projection (they never change in number), counted once.
  std::size_t synapse_count(const std::string& projection) {
    auto it = synapse_counts_.find(projection);
    if (it == synapse_counts_.end()) it = synapse_counts_.emplace(projection, sim_.synapses(projection).size()).first;
    return it->second;
  }

  Simulator sim_;
  std::vector<ProbeStore> stores_;
  std::map<std::string, std::size_t> synapse_counts_;
  enum class Phase { Engine, Progress };
  bool running_ = false;
  Phase phase_ = Phase::Engine;  // while running_: engine stepping, or the progress callback
  std::thread::id runner_;       // the thread in run()
  bool in_modulator_ = false;    // the modulator callback is being asked (mid-step)
  py::object modulator_callback_ = py::none();
  std::exception_ptr modulator_failure_;
};

}  // namespace

void bind_simulator(py::module_& m) {
  // Defaults come from SimulatorOptions itself, so C++ and Python cannot disagree on them.
  const SimulatorOptions defaults;
  py::class_<SimulatorOptions>(m, "SimulatorOptions",
                               "Options of a Simulator: backend, seed of run-time randomness, threads, and the "
                               "options of the hardware backends (docs/backends.md).")
      .def(py::init([](std::string backend, std::uint64_t seed, int threads, bool double_weights, std::string device,
                       int baud, int timeout_ms, int core_neurons, int core_axons) {
             SimulatorOptions o;
             o.backend = std::move(backend);
             o.seed = seed;
             o.threads = threads;
             o.double_weights = double_weights;
             o.device = std::move(device);
             o.baud = baud;
             o.timeout_ms = timeout_ms;
             o.core_neurons = core_neurons;
             o.core_axons = core_axons;
             return o;
           }),
           py::kw_only(), py::arg("backend") = defaults.backend, py::arg("seed") = defaults.seed,
           py::arg("threads") = defaults.threads, py::arg("double_weights") = defaults.double_weights,
           py::arg("device") = defaults.device, py::arg("baud") = defaults.baud,
           py::arg("timeout_ms") = defaults.timeout_ms, py::arg("core_neurons") = defaults.core_neurons,
           py::arg("core_axons") = defaults.core_axons)
      .def(py::init<const SimulatorOptions&>(), py::arg("other"), "A copy of `other`.")
      .def_readwrite("backend", &SimulatorOptions::backend)
      .def_readwrite("seed", &SimulatorOptions::seed)
      .def_readwrite("threads", &SimulatorOptions::threads)
      .def_readwrite("double_weights", &SimulatorOptions::double_weights)
      .def_readwrite("device", &SimulatorOptions::device)
      .def_readwrite("baud", &SimulatorOptions::baud)
      .def_readwrite("timeout_ms", &SimulatorOptions::timeout_ms)
      .def_readwrite("core_neurons", &SimulatorOptions::core_neurons)
      .def_readwrite("core_axons", &SimulatorOptions::core_axons)
      .def_readonly_static("max_threads", &SimulatorOptions::kMaxThreads)
      .def("__repr__", [](const SimulatorOptions& o) {
        return "SimulatorOptions(backend='" + o.backend + "', seed=" + std::to_string(o.seed) +
               ", threads=" + std::to_string(o.threads) + ", double_weights=" + (o.double_weights ? "True" : "False") +
               ", device='" + o.device + "', baud=" + std::to_string(o.baud) + ", timeout_ms=" +
               std::to_string(o.timeout_ms) + ", core_neurons=" + std::to_string(o.core_neurons) +
               ", core_axons=" + std::to_string(o.core_axons) + ")";
      });

  py::class_<PySimulator>(m, "Simulator", "Runs one network description on a backend.")
      .def(py::init<const model::Network&, const SimulatorOptions&>(), py::arg("network"), py::arg("options"))
      .def_property_readonly("options", &PySimulator::options, py::return_value_policy::copy)
      .def("run", &PySimulator::run, py::arg("duration_ms"), py::arg("progress") = py::none())
      .def_property_readonly("time", &PySimulator::time)
      .def_property_readonly("dt", &PySimulator::dt)
      .def_property_readonly("steps", &PySimulator::steps)
      .def_property_readonly("backend", &PySimulator::backend_name)
      .def_property_readonly("network", &PySimulator::network, py::return_value_policy::copy)
      .def("reset", &PySimulator::reset, py::arg("restore_weights") = false)
      .def("save_state", &PySimulator::save_state, py::arg("path"))
      .def("stream_records", &PySimulator::stream_records, py::arg("path"))
      .def("stop_streaming", &PySimulator::stop_streaming)
      .def("network_with_weights", &PySimulator::network_with_weights)
      .def_property_readonly("streaming_path", [](const PySimulator& s) { return s.sim().streaming_path(); })
      .def_property_readonly("streamed_bytes", [](const PySimulator& s) { return s.sim().streamed_bytes(); })
      .def("load_state", &PySimulator::load_state, py::arg("path"))
      .def("spikes", &PySimulator::spikes, py::arg("name"))
      .def("state", &PySimulator::state, py::arg("name"))
      .def("weight_snapshots", &PySimulator::weight_snapshots, py::arg("name"))
      .def("synapses", &PySimulator::synapses, py::arg("projection"))
      .def("set_weights", &PySimulator::set_weights, py::arg("projection"), py::arg("weights"))
      .def("spike_counts", &PySimulator::spike_counts, py::arg("population"))
      .def("mean_rate", &PySimulator::mean_rate, py::arg("population"))
      .def_property_readonly("bytes_per_synapse", &PySimulator::bytes_per_synapse)
      .def("set_learning", &PySimulator::set_learning, py::arg("projection"), py::arg("on"))
      .def("set_modulator", &PySimulator::set_modulator, py::arg("value"))
      .def("set_modulator_callback", &PySimulator::set_modulator_callback, py::arg("callback"))
      .def("_pending_buffer_address", &PySimulator::pending_buffer_address, py::arg("name"), py::arg("what"));
}

}  // namespace spikeforge::python
