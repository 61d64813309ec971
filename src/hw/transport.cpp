#include <spikeforge/hw/transport.hpp>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <algorithm>
#include <utility>

#include <fcntl.h>
#include <poll.h>
#include <termios.h>
#include <unistd.h>

#include <spikeforge/core/error.hpp>
#include <spikeforge/hw/cobs.hpp>
#include <spikeforge/hw/golden_core.hpp>

namespace spikeforge::hw {

namespace {

class GoldenLink final : public CoreLink {
public:
  explicit GoldenLink(CoreGeometry geo) : core_(geo) {}

  void write(std::span<const std::uint8_t> bytes) override {
    // Through the framing, so the interpreter sees exactly the bytes a core would.
    bytes_out_ += bytes.size();
    for (auto& e : decoder_.push(bytes)) {
      auto replies = e.error == FrameError::none ? core_.handle_frame(e.payload)
                                                 : std::vector<Payload>{GoldenCore::frame_error(static_cast<Nak>(e.error))};
      for (auto& r : replies) {
        const auto back = encode_frame(r);
        pending_.insert(pending_.end(), back.begin(), back.end());
      }
    }
  }
  std::vector<std::uint8_t> read() override {
    return std::exchange(pending_, {});
  }
  std::string describe() const override { return "golden core (in process)"; }
  std::string timeout() const override { return "no wait (in process)"; }

private:
  GoldenCore core_;
  FrameDecoder decoder_;
  std::vector<std::uint8_t> pending_;
};

speed_t baud_constant(int baud) {
  switch (baud) {
    case 9600: return B9600;
    case 19200: return B19200;
    case 38400: return B38400;
    case 57600: return B57600;
    case 115200: return B115200;
    case 230400: return B230400;
    case 460800: return B460800;
    case 500000: return B500000;
    case 921600: return B921600;
    case 1000000: return B1000000;
    case 1500000: return B1500000;
    case 2000000: return B2000000;
    case 3000000: return B3000000;
    case 4000000: return B4000000;
    default:
      throw ValidationError("serial link", "baud",
                            std::to_string(baud) + ": one of 9600, 19200, 38400, 57600, 115200, 230400, 460800, "
                                                   "500000, 921600, 1000000, 1500000, 2000000, 3000000, 4000000");
  }
}

class SerialLink final : public CoreLink {
public:
  SerialLink(std::string device, int baud, int timeout_ms) : device_(std::move(device)), baud_(baud), timeout_ms_(timeout_ms) {
    const speed_t speed = baud_constant(baud);
    fd_ = ::open(device_.c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (fd_ < 0) throw Error("serial link: cannot open " + device_ + ": " + std::strerror(errno));
    termios tio{};
    if (::tcgetattr(fd_, &tio) != 0) fail("tcgetattr");
    ::cfmakeraw(&tio);
    tio.c_cflag |= CLOCAL | CREAD;
    tio.c_cflag &= ~static_cast<tcflag_t>(CSTOPB | CRTSCTS | PARENB);
    tio.c_iflag &= ~static_cast<tcflag_t>(IXON | IXOFF | IXANY);
    tio.c_cc[VMIN] = 0;
    tio.c_cc[VTIME] = 0;
    ::cfsetispeed(&tio, speed);
    ::cfsetospeed(&tio, speed);
    if (::tcsetattr(fd_, TCSANOW, &tio) != 0) fail("tcsetattr");
    ::tcflush(fd_, TCIOFLUSH);
    // An empty frame resynchronises a core that saw half a frame before we opened the port.
    const std::uint8_t zero = 0;
    write_all(std::span<const std::uint8_t>(&zero, 1));
  }
  ~SerialLink() override {
    if (fd_ >= 0) ::close(fd_);
  }

  void write(std::span<const std::uint8_t> bytes) override { write_all(bytes); }

  std::vector<std::uint8_t> read() override {
    std::uint8_t buf[4096];
    for (;;) {
      pollfd pfd{fd_, POLLIN, 0};
      const int ready = ::poll(&pfd, 1, timeout_ms_);
      if (ready < 0) {
        if (errno == EINTR) continue;
        fail("poll");
      }
      if (ready == 0) return {};
      const ssize_t got = ::read(fd_, buf, sizeof buf);
      if (got < 0) {
        if (errno == EINTR || errno == EAGAIN) continue;
        fail("read");
      }
      if (got == 0) continue;
      return {buf, buf + got};
    }
  }
  std::string timeout() const override { return std::to_string(timeout_ms_) + " ms"; }
  std::string describe() const override { return "serial " + device_ + " at " + std::to_string(baud_) + " baud"; }

private:
  [[noreturn]] void fail(const char* what) {
    throw Error(std::string("serial link ") + device_ + ": " + what + ": " + std::strerror(errno));
  }
  void write_all(std::span<const std::uint8_t> bytes) {
    std::size_t done = 0;
    while (done < bytes.size()) {
      const ssize_t n = ::write(fd_, bytes.data() + done, bytes.size() - done);
      if (n < 0) {
        if (errno == EINTR) continue;
        if (errno == EAGAIN) {
          pollfd pfd{fd_, POLLOUT, 0};
          ::poll(&pfd, 1, timeout_ms_);
          continue;
        }
        fail("write");
      }
      done += static_cast<std::size_t>(n);
    }
    bytes_out_ += bytes.size();
  }

  std::string device_;
  int baud_;
  int timeout_ms_;
  int fd_ = -1;
};

}  // namespace

std::unique_ptr<CoreLink> make_golden_link(CoreGeometry geometry) { return std::make_unique<GoldenLink>(geometry); }

std::unique_ptr<CoreLink> make_serial_link(const std::string& device, int baud, int timeout_ms) {
  return std::make_unique<SerialLink>(device, baud, timeout_ms);
}

CoreClient::CoreClient(std::unique_ptr<CoreLink> link, unsigned attempts) : link_(std::move(link)), attempts_(attempts) {
  if (attempts_ < 1) throw ValidationError("core client", "attempts", std::to_string(attempts) + ": at least 1");
}

std::string CoreClient::what(std::span<const std::uint8_t> request) const {
  return op_name(request.empty() ? 0 : request[0]) + " (tag " + std::to_string(tag_) + ")";
}

std::vector<CoreLink::Payload> CoreClient::exchange(std::span<const std::uint8_t> request, std::size_t answers) {
  const bool is_step = !request.empty() && request[0] == static_cast<std::uint8_t>(Op::step);
  std::string problem;
  for (unsigned attempt = 1; attempt <= attempts_; ++attempt) {
    tag_ = static_cast<std::uint8_t>(tag_ == 255 ? 1 : tag_ + 1);  // 0 is the link-error tag
    if (attempt > 1) {
      // An empty frame first: the core drops whatever partial frame it holds.
      const std::uint8_t zero = 0;
      link_->write(std::span<const std::uint8_t>(&zero, 1));
      ++resent_;
    }
    link_->write(encode_frame(tagged(tag_, request)));
    std::vector<CoreLink::Payload> out;
    std::size_t damaged = 0, link_naks = 0, stale = 0;
    bool silent = false;
    while (out.size() < answers) {
      const auto bytes = link_->read();
      if (bytes.empty()) {
        silent = true;
        decoder_.reset();  // a frame cut short stays cut short
        break;
      }
      for (auto& e : decoder_.push(bytes)) {
        if (e.error != FrameError::none || e.payload.size() < 2) {
          ++damaged;
          ++dropped_;
          continue;
        }
        const std::uint8_t tag = e.payload[0];
        CoreLink::Payload body(e.payload.begin() + 1, e.payload.end());
        if (tag == link_error_tag && parse_nak(body)) {
          ++link_naks;  // the core dropped a frame it received: possibly this request
          ++dropped_;
          continue;
        }
        if (tag != tag_ || out.size() == answers) {
          ++stale;  // the answer to an earlier request or attempt
          ++dropped_;
          continue;
        }
        const bool nak = parse_nak(body).has_value();
        out.push_back(std::move(body));
        if (nak) return out;  // a refused request has no other answer
      }
      // A damaged answer may be this request's: ask again at once (answers to the old tag are
      // dropped when they arrive). A link-error NAK during STEP: wait, its answers may follow.
      if (out.size() < answers && (damaged > 0 || (link_naks > 0 && !is_step))) break;
    }
    if (out.size() == answers) return out;
    const std::string counts = " (" + std::to_string(out.size()) + " of " + std::to_string(answers) + " answers, " +
                               std::to_string(damaged) + " damaged frames, " + std::to_string(link_naks) +
                               " link-error NAKs, " + std::to_string(stale) + " frames with another tag)";
    problem = silent ? "no answer to " + what(request) + " within " + link_->timeout() + counts
                     : what(request) + ": answer arrived damaged" + counts;
    // STEP runs again only when nothing suggests the core received it.
    if (is_step && !(silent && out.empty() && damaged == 0)) {
      throw Error("core (" + link_->describe() + "): " + problem +
                  "; the core may have run these steps, so STEP is not sent again");
    }
  }
  throw Error("core (" + link_->describe() + "): " + problem + "; gave up after " + std::to_string(attempts_) +
              (attempts_ == 1 ? " attempt" : " attempts"));
}

std::vector<CoreLink::Payload> CoreClient::checked(std::span<const std::uint8_t> request, std::size_t answers) {
  auto out = exchange(request, answers);
  for (const auto& p : out) {
    if (auto nak = parse_nak(p)) {
      throw Error("core (" + link_->describe() + "): " + what(request) + " refused with NAK " +
                  nak_name(static_cast<std::uint8_t>(nak->code)) +
                  (nak->op == request[0] ? std::string() : " for " + op_name(nak->op)));
    }
  }
  return out;
}

CoreInfo CoreClient::hello() { return parse_info(checked(req_hello(), 1).front()); }

void CoreClient::command(std::span<const std::uint8_t> request) {
  const auto ack = parse_ack(checked(request, 1).front());
  if (ack != request[0]) {
    throw Error("core (" + link_->describe() + "): " + what(request) + " acknowledged as " + op_name(ack));
  }
}

std::vector<StepReport> CoreClient::step(unsigned count) {
  if (count > 0xFFFF) {
    throw ValidationError("STEP", "count", std::to_string(count) + ": at most 65535 steps per request");
  }
  const auto request = req_step(count);
  std::vector<StepReport> out;
  // STEP 0 goes to the core, which refuses it (NAK 6): wait for that one answer.
  for (auto& p : checked(request, std::max(count, 1u))) {
    out.push_back(parse_spikes(p));
    if (out.size() > 1 && out.back().step != out.front().step + (out.size() - 1)) {
      throw Error("core (" + link_->describe() + "): " + what(request) + ": SPIKES for step " +
                  std::to_string(out.back().step) + " arrived as answer " + std::to_string(out.size()) +
                  " after step " + std::to_string(out.front().step));
    }
  }
  return out;
}

std::vector<std::int8_t> CoreClient::read_weights(unsigned src, unsigned dst0, unsigned count) {
  return parse_weights(checked(req_read_weights(src, dst0, count), 1).front());
}

std::vector<std::uint16_t> CoreClient::read_state(StateKind kind, unsigned first, unsigned count) {
  return parse_state(checked(req_read_state(kind, first, count), 1).front());
}

std::vector<std::int8_t> CoreClient::read_all_weights(const CoreGeometry& geo) {
  std::vector<std::int8_t> w;
  w.reserve(static_cast<std::size_t>(geo.sources()) * static_cast<std::size_t>(geo.n));
  for (int s = 0; s < geo.sources(); ++s) {
    const auto row = read_weights(static_cast<unsigned>(s), 0, static_cast<unsigned>(geo.n));
    w.insert(w.end(), row.begin(), row.end());
  }
  return w;
}

std::vector<std::uint16_t> CoreClient::read_state_range(StateKind kind, unsigned first, unsigned count) {
  std::vector<std::uint16_t> out;
  for (unsigned at = 0; at < count; at += 254) {
    const auto part = read_state(kind, first + at, std::min(254u, count - at));
    out.insert(out.end(), part.begin(), part.end());
  }
  return out;
}

}  // namespace spikeforge::hw
