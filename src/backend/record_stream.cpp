#include <spikeforge/backend/record_stream.hpp>
#include <spikeforge/core/error.hpp>
#include <spikeforge/model/json_io.hpp>

#include <algorithm>
#include <array>
#include <vector>

#include <hdf5.h>

namespace spikeforge {

namespace {

/// An HDF5 identifier closed by the given function when it goes out of scope.
class Handle {
public:
  Handle() = default;
  Handle(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
  Handle(Handle&& o) noexcept : id_(o.id_), close_(o.close_) { o.id_ = H5I_INVALID_HID; }
  Handle& operator=(Handle&& o) noexcept {
    std::swap(id_, o.id_);
    std::swap(close_, o.close_);
    return *this;
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle() {
    if (id_ >= 0 && close_) close_(id_);
  }
  hid_t get() const noexcept { return id_; }

private:
  hid_t id_ = H5I_INVALID_HID;
  herr_t (*close_)(hid_t) = nullptr;
};

/// A dataset that grows along its first dimension: 1-D (cols = 0), or rows of `cols` values.
struct Growing {
  Handle set;
  hid_t type = H5I_INVALID_HID;
  hsize_t cols = 0;
  hsize_t rows = 0;
};

struct ProbeSets {
  model::Probe::Kind kind{};
  Handle group;
  Growing times, ids;
  std::vector<std::string> variables;  // state probes
  std::vector<Growing> values;  // state: one per variable; weights: one. Made at the first sample,
                                // when the number of neurons or synapses is known
  bool started = false;
};

}  // namespace

struct RecordStream::File {
  std::string path;
  Handle file;
  std::vector<ProbeSets> probes;
  std::uint64_t bytes = 0;

  [[noreturn]] void fail(const std::string& what) const {
    throw Error("record file '" + path + "': " + what);
  }
  void check(herr_t status, const std::string& what) const {
    if (status < 0) fail(what + " failed (HDF5)");
  }

  void text_attribute(hid_t owner, const char* name, const std::string& value) {
    Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
    check(H5Tset_size(type.get(), std::max<std::size_t>(value.size(), 1)), "attribute type");
    Handle space(H5Screate(H5S_SCALAR), H5Sclose);
    Handle attr(H5Acreate2(owner, name, type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
    if (attr.get() < 0) fail(std::string("creating attribute ") + name);
    check(H5Awrite(attr.get(), type.get(), value.c_str()), std::string("writing attribute ") + name);
  }
  void number_attribute(hid_t owner, const char* name, double value) {
    Handle space(H5Screate(H5S_SCALAR), H5Sclose);
    Handle attr(H5Acreate2(owner, name, H5T_IEEE_F64LE, space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
    if (attr.get() < 0) fail(std::string("creating attribute ") + name);
    check(H5Awrite(attr.get(), H5T_NATIVE_DOUBLE, &value), std::string("writing attribute ") + name);
  }

  /// An empty dataset `name` in `group` of `file_type`, growing along its first dimension.
  Growing create(hid_t group, const std::string& name, hid_t file_type, hid_t memory_type, hsize_t cols,
                 const char* unit) {
    Growing g;
    g.type = memory_type;
    g.cols = cols;
    const int rank = cols > 0 ? 2 : 1;
    const std::array<hsize_t, 2> dims{0, cols}, max{H5S_UNLIMITED, cols};
    // About 64 k values per chunk: big enough for fast appends, small enough for lazy reads.
    const std::array<hsize_t, 2> chunk{cols > 0 ? std::max<hsize_t>(1, 65536 / cols) : 65536, std::max<hsize_t>(cols, 1)};
    Handle space(H5Screate_simple(rank, dims.data(), max.data()), H5Sclose);
    Handle props(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
    check(H5Pset_chunk(props.get(), rank, chunk.data()), "chunking " + name);
    g.set = Handle(H5Dcreate2(group, name.c_str(), file_type, space.get(), H5P_DEFAULT, props.get(), H5P_DEFAULT),
                   H5Dclose);
    if (g.set.get() < 0) fail("creating dataset " + name);
    if (unit) text_attribute(g.set.get(), "unit", unit);
    return g;
  }

  /// Appends `n` values (1-D) or `n` rows to `g`.
  void append(Growing& g, const void* data, hsize_t n, std::size_t value_bytes) {
    if (n == 0) return;
    const hsize_t rows = g.rows + n;
    const int rank = g.cols > 0 ? 2 : 1;
    const std::array<hsize_t, 2> size{rows, g.cols}, start{g.rows, 0}, count{n, g.cols};
    check(H5Dset_extent(g.set.get(), size.data()), "growing a dataset");
    g.rows = rows;
    Handle file_space(H5Dget_space(g.set.get()), H5Sclose);
    check(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr),
          "selecting rows");
    Handle memory_space(H5Screate_simple(rank, count.data(), nullptr), H5Sclose);
    check(H5Dwrite(g.set.get(), g.type, memory_space.get(), file_space.get(), H5P_DEFAULT, data), "writing data");
    bytes += n * std::max<hsize_t>(g.cols, 1) * value_bytes;
  }
};

RecordStream::RecordStream(const std::string& path, const model::Network& network, double dt)
    : file_(std::make_unique<File>()) {
  File& f = *file_;
  f.path = path;
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // errors become exceptions naming the file, not stderr text
  // Without a file lock, so a reader (h5py, spikeforge.read_records) can open the file between runs
  // while the simulator still streams into it; each run() ends with a flush.
  Handle access(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
  f.check(H5Pset_file_locking(access.get(), false, true), "file access properties");
  f.file = Handle(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, access.get()), H5Fclose);
  if (f.file.get() < 0) f.fail("cannot be created (is the directory there and writable?)");
  f.text_attribute(f.file.get(), "format", kRecordFileFormat);
  f.number_attribute(f.file.get(), "dt", dt);
  f.text_attribute(f.file.get(), "network", model::to_json(network));
  Handle probes(H5Gcreate2(f.file.get(), "probes", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose);
  if (probes.get() < 0) f.fail("creating group /probes");
  for (const model::Probe& probe : network.probes) {
    if (probe.name.find('/') != std::string::npos || probe.name == "." || probe.name.empty()) {
      f.fail("probe '" + probe.name + "': a probe name written to a record file must not contain '/'");
    }
    ProbeSets sets;
    sets.kind = probe.kind;
    sets.group = Handle(H5Gcreate2(probes.get(), probe.name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose);
    if (sets.group.get() < 0) f.fail("creating group /probes/" + probe.name);
    const hid_t g = sets.group.get();
    f.text_attribute(g, "target", probe.target);
    sets.times = f.create(g, "times", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 0, "ms");
    switch (probe.kind) {
      case model::Probe::Kind::Spikes:
        f.text_attribute(g, "kind", "spikes");
        sets.ids = f.create(g, "ids", H5T_STD_U32LE, H5T_NATIVE_UINT32, 0, nullptr);
        break;
      case model::Probe::Kind::State: {
        f.text_attribute(g, "kind", "state");
        sets.variables = probe.variables;
        break;
      }
      case model::Probe::Kind::Weights:
        f.text_attribute(g, "kind", "weights");
        break;
    }
    f.probes.push_back(std::move(sets));
  }
}

RecordStream::~RecordStream() = default;

const std::string& RecordStream::path() const noexcept { return file_->path; }
std::uint64_t RecordStream::bytes_written() const noexcept { return file_->bytes; }

void RecordStream::append(stimulus::Recorder& recorder) {
  File& f = *file_;
  if (recorder.size() != f.probes.size()) f.fail("the recorder's probes are not the network's");
  for (std::size_t q = 0; q < f.probes.size(); ++q) {
    ProbeSets& sets = f.probes[q];
    switch (sets.kind) {
      case model::Probe::Kind::Spikes: {
        model::SpikeRecord& r = recorder.spike_record(q);
        f.append(sets.times, r.times.data(), r.times.size(), sizeof(double));
        f.append(sets.ids, r.ids.data(), r.ids.size(), sizeof(std::uint32_t));
        r.clear();
        break;
      }
      case model::Probe::Kind::State: {
        model::StateRecord& r = recorder.state_record(q);
        if (r.times.empty()) break;
        if (!sets.started) {
          // The columns: the probe's neurons (every neuron of the population when it named none).
          Growing neurons = f.create(sets.group.get(), "neurons", H5T_STD_U32LE, H5T_NATIVE_UINT32, 0, nullptr);
          f.append(neurons, r.neurons.data(), r.neurons.size(), sizeof(std::uint32_t));
          for (const std::string& variable : sets.variables) {
            if (r.neurons.empty()) break;
            sets.values.push_back(f.create(sets.group.get(), variable, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE,
                                           r.neurons.size(), nullptr));
          }
          sets.started = true;
        }
        f.append(sets.times, r.times.data(), r.times.size(), sizeof(double));
        for (std::size_t v = 0; v < sets.values.size() && v < r.values.size(); ++v) {
          f.append(sets.values[v], r.values[v].data(), r.times.size(), sizeof(double));
        }
        r.clear();
        break;
      }
      case model::Probe::Kind::Weights: {
        model::WeightRecord& r = recorder.weight_record(q);
        if (r.times.empty()) break;
        if (!sets.started) {
          // A projection without synapses records only the snapshot times.
          if (!r.weights[0].empty()) {
            sets.values.push_back(f.create(sets.group.get(), "weights", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE,
                                           r.weights[0].size(), nullptr));
          }
          sets.started = true;
        }
        f.append(sets.times, r.times.data(), r.times.size(), sizeof(double));
        if (sets.values.empty()) {
          r.clear();
          break;
        }
        std::vector<double> rows;
        rows.reserve(r.weights.size() * sets.values[0].cols);
        for (const auto& w : r.weights) rows.insert(rows.end(), w.begin(), w.end());
        f.append(sets.values[0], rows.data(), r.weights.size(), sizeof(double));
        r.clear();
        break;
      }
    }
  }
}

void RecordStream::flush() {
  if (H5Fflush(file_->file.get(), H5F_SCOPE_GLOBAL) < 0) file_->fail("flushing to disk failed");
}

}  // namespace spikeforge
