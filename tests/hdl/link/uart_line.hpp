// Pin-level UART helpers for the link tests: a per-clock waveform generator for the host's
// transmit line and a reference receiver that samples the core's transmit line at bit centres.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <vector>

namespace spikeforge::test {

/// Host -> core line as a queue of levels, one per clock.
class UartLineDriver {
public:
  explicit UartLineDriver(unsigned div) : div_(div) {}

  /// Appends one 8N1 byte. Data bits carry their value only within `window` clocks of the
  /// bit centre (div / 2) and the inverse elsewhere, which pins down the receiver's sample point.
  void send(std::uint8_t byte, unsigned idle_clocks = 0, int window = -1) {
    for (unsigned i = 0; i < idle_clocks; ++i) levels_.push_back(true);
    for (unsigned i = 0; i < div_; ++i) levels_.push_back(false);
    for (int bit = 0; bit < 8; ++bit) {
      const bool v = ((byte >> bit) & 1) != 0;
      for (unsigned i = 0; i < div_; ++i) {
        const int dist = static_cast<int>(i) - static_cast<int>(div_ / 2);
        const bool inside = window < 0 || (dist >= -window && dist <= window);
        levels_.push_back(inside ? v : !v);
      }
    }
    for (unsigned i = 0; i < div_; ++i) levels_.push_back(true);
  }

  /// Appends one byte whose bit period is div * (1 + skew): a host clock that is off.
  void send_skewed(std::uint8_t byte, double skew) {
    const double period = div_ * (1.0 + skew);
    const std::size_t total = static_cast<std::size_t>(period * 10.0);
    for (std::size_t i = 0; i < total; ++i) {
      const int bit = static_cast<int>(static_cast<double>(i) / period);
      bool v = true;
      if (bit == 0) v = false;
      else if (bit <= 8) v = ((byte >> (bit - 1)) & 1) != 0;
      levels_.push_back(v);
    }
  }

  void send_all(const std::vector<std::uint8_t>& bytes, unsigned idle_clocks = 0) {
    for (const auto b : bytes) send(b, idle_clocks);
  }

  bool idle() const { return levels_.empty(); }

  /// Level for the coming clock edge.
  bool next() {
    if (levels_.empty()) return true;
    const bool v = levels_.front();
    levels_.pop_front();
    return v;
  }

private:
  unsigned div_;
  std::deque<bool> levels_;
};

/// Core -> host line: a reference 8N1 receiver that samples each bit at its centre and
/// records framing errors instead of hiding them.
class UartLineReceiver {
public:
  explicit UartLineReceiver(unsigned div) : div_(div) {}

  void sample(bool level) {
    ++clock_;
    if (!busy_) {
      if (!level) {
        busy_ = true;
        start_ = clock_;
        shift_ = 0;
      }
      return;
    }
    const std::uint64_t t = clock_ - start_;
    if (t < div_ / 2 + 9 * div_ && (t - div_ / 2) % div_ == 0 && t >= div_ / 2) {
      const std::uint64_t bit = (t - div_ / 2) / div_;  // 0 = start, 1..8 data
      if (bit == 0 && level) framing_errors_++;
      if (bit >= 1) shift_ |= static_cast<unsigned>(level) << (bit - 1);
    } else if (t == div_ / 2 + 9 * div_) {
      if (!level) framing_errors_++;
      bytes_.push_back(static_cast<std::uint8_t>(shift_));
      busy_ = false;
    }
  }

  std::vector<std::uint8_t>& bytes() { return bytes_; }
  unsigned framing_errors() const { return framing_errors_; }
  bool busy() const { return busy_; }

private:
  unsigned div_;
  std::uint64_t clock_ = 0;
  std::uint64_t start_ = 0;
  bool busy_ = false;
  unsigned shift_ = 0;
  unsigned framing_errors_ = 0;
  std::vector<std::uint8_t> bytes_;
};

}  // namespace spikeforge::test
