// The byte format of a checkpoint's payload (docs/checkpoints.md): named sections of
// little-endian scalars, strings and length-prefixed arrays. The reader checks every length
// against the bytes that remain and every section name against the one expected, so a truncated
// or damaged payload is a ValidationError naming the section, never a read past the end.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <spikeforge/core/error.hpp>

namespace spikeforge::core {

static_assert(std::endian::native == std::endian::little, "checkpoints are written in little-endian byte order");

class StateWriter {
public:
  /// Starts a section: its name is written, and the reader expects the same name there.
  void section(std::string_view name) { text(name); }
  template <class T>
  void scalar(T value) {
    static_assert(std::is_trivially_copyable_v<T>);
    raw(&value, sizeof(T));
  }
  void text(std::string_view s) {
    scalar<std::uint64_t>(s.size());
    raw(s.data(), s.size());
  }
  template <class T>
  void array(std::span<const T> values) {
    static_assert(std::is_trivially_copyable_v<T>);
    scalar<std::uint64_t>(values.size());
    raw(values.data(), values.size() * sizeof(T));
  }
  template <class T>
  void array(const std::vector<T>& values) {
    array(std::span<const T>(values));
  }
  const std::string& bytes() const noexcept { return bytes_; }
  std::string& bytes() noexcept { return bytes_; }

private:
  void raw(const void* data, std::size_t n) { bytes_.append(static_cast<const char*>(data), n); }
  std::string bytes_;
};

class StateReader {
public:
  /// Reads `bytes` (which must outlive the reader); errors start with `origin` (e.g.
  /// "checkpoint 'run.state'").
  StateReader(std::string_view bytes, std::string origin) : bytes_(bytes), origin_(std::move(origin)) {}

  /// Reads a section name and throws unless it is `name`.
  void section(std::string_view name) {
    const std::string found = text_unchecked(name);
    if (found != name) {
      fail("expected section '" + std::string(name) + "' after section '" + section_ + "', found '" +
           printable(found) + "'");
    }
    section_ = name;
  }
  template <class T>
  T scalar() {
    static_assert(std::is_trivially_copyable_v<T>);
    T value;
    take(&value, sizeof(T), 1);
    return value;
  }
  std::string text() { return text_unchecked(section_); }
  /// An array of any length (bounded by the bytes that remain).
  template <class T>
  std::vector<T> array() {
    static_assert(std::is_trivially_copyable_v<T>);
    const std::uint64_t n = length(sizeof(T));
    std::vector<T> values(static_cast<std::size_t>(n));
    take(values.data(), sizeof(T), values.size());
    return values;
  }
  /// An array that must hold exactly `expected` values (`what` names them in the error).
  template <class T>
  std::vector<T> array(std::size_t expected, std::string_view what) {
    std::vector<T> values = array<T>();
    if (values.size() != expected) {
      fail(std::string(what) + ": " + std::to_string(values.size()) + " values, this network has " +
           std::to_string(expected));
    }
    return values;
  }
  bool at_end() const noexcept { return position_ == bytes_.size(); }
  std::size_t position() const noexcept { return position_; }
  /// Throws ValidationError "<origin>: section '<section>': <message>".
  [[noreturn]] void fail(const std::string& message) const {
    throw ValidationError(origin_, "section '" + section_ + "'", message);
  }

private:
  std::uint64_t length(std::size_t element) {
    const std::uint64_t n = scalar<std::uint64_t>();
    if (element > 0 && n > (bytes_.size() - position_) / element) {
      fail("truncated: an array of " + std::to_string(n) + " values needs " + std::to_string(n * element) +
           " bytes, " + std::to_string(bytes_.size() - position_) + " remain");
    }
    return n;
  }
  std::string text_unchecked(std::string_view) {
    const std::uint64_t n = length(1);
    std::string s(static_cast<std::size_t>(n), '\0');
    take(s.data(), 1, s.size());
    return s;
  }
  void take(void* out, std::size_t element, std::size_t n) {
    const std::size_t size = element * n;
    if (size > bytes_.size() - position_) {
      fail("truncated: " + std::to_string(size) + " bytes needed at offset " + std::to_string(position_) + ", " +
           std::to_string(bytes_.size() - position_) + " remain");
    }
    if (size > 0) std::memcpy(out, bytes_.data() + position_, size);
    position_ += size;
  }
  static std::string printable(const std::string& s) {
    std::string out;
    for (char c : s.substr(0, 40)) out += (c >= 32 && c < 127) ? c : '?';
    return s.size() > 40 ? out + "..." : out;
  }

  std::string_view bytes_;
  std::string origin_;
  std::string section_ = "header";
  std::size_t position_ = 0;
};

}  // namespace spikeforge::core
