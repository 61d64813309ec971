#include <spikeforge/hw/transport.hpp>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <deque>

#include <fcntl.h>
#include <poll.h>
#include <termios.h>
#include <unistd.h>

#include <spikeforge/core/error.hpp>
#include <spikeforge/hw/cobs.hpp>
#include <spikeforge/hw/golden_core.hpp>

namespace spikeforge::hw {

namespace {

std::string op_name(std::uint8_t op) {
  static const char* names[] = {"?",        "HELLO", "WRITE_WEIGHTS", "READ_WEIGHTS", "WRITE_PARAMS", "WRITE_STATE",
                                "WRITE_LEARN", "WRITE_STDP", "INPUT", "STEP", "READ_STATE", "CLEAR"};
  return op < 12 ? names[op] : "opcode " + std::to_string(op);
}

class GoldenLink final : public CoreLink {
public:
  explicit GoldenLink(CoreGeometry geo) : core_(geo) {}

  std::vector<Payload> transact(std::span<const std::uint8_t> request, std::size_t answers) override {
    // Through the framing, so the interpreter sees exactly the bytes a core would.
    const auto frame = encode_frame(request);
    bytes_out_ += frame.size();
    std::vector<Payload> out;
    for (auto& e : decoder_in_.push(frame)) {
      auto replies = e.error == FrameError::none ? core_.handle(e.payload)
                                                 : std::vector<Payload>{GoldenCore::frame_error(static_cast<Nak>(e.error))};
      for (auto& r : replies) {
        const auto back = encode_frame(r);
        for (auto& f : decoder_out_.push(back)) out.push_back(std::move(f.payload));
      }
    }
    if (out.size() != answers) {
      throw Error("golden core: " + op_name(request.empty() ? 0 : request[0]) + " gave " + std::to_string(out.size()) +
                  " answers, expected " + std::to_string(answers));
    }
    return out;
  }
  std::string describe() const override { return "golden core (in process)"; }

private:
  GoldenCore core_;
  FrameDecoder decoder_in_, decoder_out_;
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

  std::vector<Payload> transact(std::span<const std::uint8_t> request, std::size_t answers) override {
    write_all(encode_frame(request));
    std::vector<Payload> out;
    while (out.size() < answers) {
      while (!pending_.empty() && out.size() < answers) {
        out.push_back(std::move(pending_.front()));
        pending_.pop_front();
      }
      if (out.size() == answers) break;
      std::uint8_t buf[4096];
      pollfd pfd{fd_, POLLIN, 0};
      const int ready = ::poll(&pfd, 1, timeout_ms_);
      if (ready < 0) {
        if (errno == EINTR) continue;
        fail("poll");
      }
      if (ready == 0) {
        decoder_.reset();
        throw Error("serial link " + device_ + ": no answer to " + op_name(request.empty() ? 0 : request[0]) +
                    " within " + std::to_string(timeout_ms_) + " ms (got " + std::to_string(out.size()) + " of " +
                    std::to_string(answers) + " frames)");
      }
      const ssize_t got = ::read(fd_, buf, sizeof buf);
      if (got < 0) {
        if (errno == EINTR || errno == EAGAIN) continue;
        fail("read");
      }
      if (got == 0) continue;
      for (auto& e : decoder_.push(std::span<const std::uint8_t>(buf, static_cast<std::size_t>(got)))) {
        if (e.error != FrameError::none) {
          throw Error("serial link " + device_ + ": answer to " + op_name(request.empty() ? 0 : request[0]) +
                      " arrived damaged (frame error " + std::to_string(static_cast<int>(e.error)) + ")");
        }
        pending_.push_back(std::move(e.payload));
      }
    }
    return out;
  }
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
  FrameDecoder decoder_;
  std::deque<Payload> pending_;
};

}  // namespace

std::unique_ptr<CoreLink> make_golden_link(CoreGeometry geometry) { return std::make_unique<GoldenLink>(geometry); }

std::unique_ptr<CoreLink> make_serial_link(const std::string& device, int baud, int timeout_ms) {
  return std::make_unique<SerialLink>(device, baud, timeout_ms);
}

std::vector<CoreLink::Payload> CoreClient::checked(std::span<const std::uint8_t> request, std::size_t answers) {
  auto out = link_->transact(request, answers);
  for (const auto& p : out) {
    if (auto nak = parse_nak(p)) {
      throw Error("core (" + link_->describe() + "): " + op_name(request.empty() ? 0 : request[0]) +
                  " refused with NAK code " + std::to_string(static_cast<int>(nak->code)));
    }
  }
  return out;
}

CoreInfo CoreClient::hello() { return parse_info(checked(req_hello(), 1).front()); }

void CoreClient::command(std::span<const std::uint8_t> request) {
  const auto ack = parse_ack(checked(request, 1).front());
  if (ack != request[0]) throw Error("core: ACK for opcode " + std::to_string(ack) + ", expected " + op_name(request[0]));
}

std::vector<StepReport> CoreClient::step(unsigned count) {
  std::vector<StepReport> out;
  for (auto& p : checked(req_step(count), count)) out.push_back(parse_spikes(p));
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
