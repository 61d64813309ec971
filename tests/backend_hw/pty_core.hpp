// A Verilated core behind a pseudo-terminal: a thread pumps bytes between the pty master and the
// core's byte stream, so the slave path behaves like a board's serial device.
#pragma once

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <termios.h>
#include <unistd.h>

#include <spikeforge/core/error.hpp>

#include "core_sim.hpp"

namespace spikeforge::test {

/// A Verilated core on the master side of a pty, pumped by its own thread.
class PtyCore {
public:
  explicit PtyCore(const hw::CoreGeometry& geo) : core_(hw::make_core_sim(geo)) {
    char name[256] = {};
    if (::openpty(&master_, &slave_, name, nullptr, nullptr) != 0) throw Error("openpty failed");
    path_ = name;
    termios tio{};
    ::tcgetattr(master_, &tio);
    ::cfmakeraw(&tio);
    ::tcsetattr(master_, TCSANOW, &tio);
    thread_ = std::thread([this] { pump(); });
  }
  ~PtyCore() {
    stop_ = true;
    thread_.join();
    ::close(master_);
    ::close(slave_);
  }
  const std::string& path() const { return path_; }
  std::uint64_t bytes_from_host() const { return from_host_; }

private:
  void pump() {
    std::vector<std::uint8_t> out;
    std::uint8_t buf[4096];
    while (!stop_) {
      pollfd pfd{master_, POLLIN, 0};
      // Wait for the host only when the core has nothing left to do.
      const int ready = ::poll(&pfd, 1, core_->input_empty() && idle_ ? 2 : 0);
      if (ready > 0 && (pfd.revents & POLLIN)) {
        const ssize_t n = ::read(master_, buf, sizeof buf);
        if (n > 0) {
          core_->push_bytes(std::span<const std::uint8_t>(buf, static_cast<std::size_t>(n)));
          from_host_ += static_cast<std::uint64_t>(n);
        }
      }
      out.clear();
      // Hand each finished frame (0x00 delimiter) to the host at once, as a UART would.
      core_->run(20000, [&](std::uint8_t b) {
        out.push_back(b);
        return b == 0;
      });
      idle_ = out.empty();
      std::size_t done = 0;
      while (done < out.size() && !stop_) {
        const ssize_t n = ::write(master_, out.data() + done, out.size() - done);
        if (n > 0) done += static_cast<std::size_t>(n);
      }
    }
  }

  std::unique_ptr<hw::CoreSim> core_;
  int master_ = -1, slave_ = -1;
  std::string path_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  bool idle_ = true;
  std::atomic<std::uint64_t> from_host_{0};
};

}  // namespace spikeforge::test
