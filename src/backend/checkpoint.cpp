#include <spikeforge/backend/checkpoint.hpp>
#include <spikeforge/core/error.hpp>
#include <spikeforge/core/log.hpp>
#include <spikeforge/core/state_archive.hpp>
#include <spikeforge/model/json_io.hpp>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string_view>

namespace spikeforge {

namespace {

constexpr std::string_view kMagic = "spikeforge checkpoint\n";
// magic, version (u32), payload bytes (u64), payload checksum (u64)
constexpr std::size_t kHeaderBytes = kMagic.size() + 4 + 8 + 8;

/// A 64-bit checksum of `bytes`, eight bytes at a time (fast enough to cost little beside the disk).
std::uint64_t checksum(std::string_view bytes) {
  std::uint64_t h = 0x9e3779b97f4a7c15ull ^ bytes.size();
  const auto mix = [&](std::uint64_t w) {
    h ^= w;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 32;
  };
  std::size_t k = 0;
  for (; k + 8 <= bytes.size(); k += 8) {
    std::uint64_t w;
    std::memcpy(&w, bytes.data() + k, 8);
    mix(w);
  }
  std::uint64_t tail = 0;
  std::memcpy(&tail, bytes.data() + k, bytes.size() - k);
  mix(tail);
  return h;
}

std::string hex(std::uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

template <class T>
T read_scalar(const std::string& bytes, std::size_t at) {
  T v;
  std::memcpy(&v, bytes.data() + at, sizeof(T));
  return v;
}

}  // namespace

std::uint64_t network_hash(const model::Network& network) { return checksum(model::to_json(network)); }

void save_checkpoint(const std::string& path, const model::Network& network, const SimulatorOptions& options,
                     const Backend& backend) {
  core::StateWriter out;
  out.section("network");
  out.scalar<std::uint64_t>(network_hash(network));
  out.text(backend.name());
  out.scalar<std::uint8_t>(options.double_weights ? 1 : 0);
  out.scalar<std::uint64_t>(options.seed);
  backend.save_state(out);
  out.section("end");

  const std::string& payload = out.bytes();
  std::string header(kMagic);
  const auto append = [&](const auto v) { header.append(reinterpret_cast<const char*>(&v), sizeof v); };
  append(kCheckpointVersion);
  append(static_cast<std::uint64_t>(payload.size()));
  append(checksum(payload));

  const std::string temporary = path + ".partial";
  {
    std::ofstream file(temporary, std::ios::binary | std::ios::trunc);
    if (!file) throw Error("checkpoint '" + path + "': cannot write '" + temporary + "': " + std::strerror(errno));
    file.write(header.data(), static_cast<std::streamsize>(header.size()));
    file.write(payload.data(), static_cast<std::streamsize>(payload.size()));
    file.flush();
    if (!file) {
      const std::string why = std::strerror(errno);
      std::remove(temporary.c_str());
      throw Error("checkpoint '" + path + "': writing " + std::to_string(header.size() + payload.size()) +
                  " bytes failed: " + why);
    }
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    std::remove(temporary.c_str());
    throw Error("checkpoint '" + path + "': cannot replace it: " + why);
  }
  logger().debug("checkpoint '{}': {} bytes at step {}", path, header.size() + payload.size(), backend.steps());
}

void load_checkpoint(const std::string& path, const model::Network& network, const SimulatorOptions& options,
                     Backend& backend) {
  const std::string object = "checkpoint '" + path + "'";
  std::ifstream file(path, std::ios::binary);
  if (!file) throw ValidationError(object, "file", std::string("cannot open it: ") + std::strerror(errno));
  std::ostringstream content;
  content << file.rdbuf();
  if (file.bad()) throw ValidationError(object, "file", "cannot read it");
  const std::string bytes = std::move(content).str();

  if (bytes.size() < kMagic.size() || std::string_view(bytes).substr(0, kMagic.size()) != kMagic) {
    throw ValidationError(object, "header", "not a spikeforge checkpoint (it does not start with \"spikeforge checkpoint\")");
  }
  if (bytes.size() < kHeaderBytes) {
    throw ValidationError(object, "header", "truncated: " + std::to_string(bytes.size()) + " bytes, the header alone has " +
                                                std::to_string(kHeaderBytes));
  }
  const auto version = read_scalar<std::uint32_t>(bytes, kMagic.size());
  if (version != kCheckpointVersion) {
    throw ValidationError(object, "version", std::to_string(version) + ": this build reads format version " +
                                                 std::to_string(kCheckpointVersion));
  }
  const auto length = read_scalar<std::uint64_t>(bytes, kMagic.size() + 4);
  const auto sum = read_scalar<std::uint64_t>(bytes, kMagic.size() + 12);
  if (bytes.size() - kHeaderBytes != length) {
    throw ValidationError(object, "payload",
                          (bytes.size() - kHeaderBytes < length ? "truncated: " : "trailing bytes: ") +
                              std::to_string(bytes.size() - kHeaderBytes) + " bytes after the header, which announces " +
                              std::to_string(length));
  }
  const std::string_view payload = std::string_view(bytes).substr(kHeaderBytes);
  if (checksum(payload) != sum) {
    throw ValidationError(object, "payload", "damaged: its checksum is " + hex(checksum(payload)) +
                                                 ", the header records " + hex(sum));
  }

  core::StateReader in(payload, object);
  in.section("network");
  const auto hash = in.scalar<std::uint64_t>();
  if (hash != network_hash(network)) {
    in.fail("saved from another network description (hash " + hex(hash) + ", this network's is " +
            hex(network_hash(network)) + "): load it into a simulator built from the network it was saved from");
  }
  const std::string saved_on = in.text();
  if (saved_on != backend.name()) {
    in.fail("saved on backend '" + saved_on + "', this simulator runs '" + std::string(backend.name()) + "'");
  }
  const bool double_weights = in.scalar<std::uint8_t>() != 0;
  if (double_weights != options.double_weights) {
    in.fail(std::string("saved with double_weights = ") + (double_weights ? "true" : "false") +
            ", this simulator has double_weights = " + (options.double_weights ? "true" : "false"));
  }
  const auto seed = in.scalar<std::uint64_t>();
  if (seed != options.seed) {
    in.fail("saved with run seed " + std::to_string(seed) + ", this simulator has seed " +
            std::to_string(options.seed) + " (Poisson sources would continue differently)");
  }
  backend.load_state(in);
  in.section("end");
  if (!in.at_end()) in.fail("trailing bytes after the end section");
}

}  // namespace spikeforge
