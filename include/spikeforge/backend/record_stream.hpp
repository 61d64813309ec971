// Recording to disk while running (docs/recording.md): the probes' new data moved out of a
// Recorder into an HDF5 file after every piece of a run, so memory stays bounded however long the
// run. The file is read with h5py (or spikeforge.read_records), lazily and in chunks.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <spikeforge/model/network.hpp>
#include <spikeforge/stimulus/recorder.hpp>

namespace spikeforge {

/// The layout version written into the file's "format" attribute.
inline constexpr const char* kRecordFileFormat = "spikeforge records 1";

class RecordStream {
public:
  /// Creates (or replaces) the HDF5 file at `path` with a group per probe of `network`:
  /// /probes/<name>/times, ids (spike probes), <variable> as samples x neurons and neurons (state
  /// probes), weights as snapshots x synapses (weight probes). Throws Error naming the path when it
  /// cannot be created.
  RecordStream(const std::string& path, const model::Network& network, double dt);
  ~RecordStream();
  RecordStream(const RecordStream&) = delete;
  RecordStream& operator=(const RecordStream&) = delete;

  /// Appends what `recorder` holds to the file and empties its records (capacity kept).
  void append(stimulus::Recorder& recorder);
  /// Writes the file's buffers to disk (a reader then sees everything appended so far).
  void flush();
  const std::string& path() const noexcept;
  /// Bytes of data appended so far.
  std::uint64_t bytes_written() const noexcept;

private:
  struct File;
  std::unique_ptr<File> file_;
};

}  // namespace spikeforge
