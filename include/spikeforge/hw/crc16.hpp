// CRC-16/CCITT-FALSE, the checksum that protects every frame on the host <-> core link.
// Byte-wise and table-free so it reads exactly like the RTL in hdl/rtl/link/sf_crc16.v.
#pragma once

#include <cstdint>
#include <span>

namespace spikeforge::hw {

/// Polynomial 0x1021, initial value 0xFFFF, no reflection, no final xor.
inline constexpr std::uint16_t crc16_ccitt_init = 0xFFFF;
inline constexpr std::uint16_t crc16_ccitt_poly = 0x1021;

/// Advances a running CRC by one byte (MSB first, as the RTL does).
constexpr std::uint16_t crc16_ccitt_update(std::uint16_t crc, std::uint8_t byte) noexcept {
  crc = static_cast<std::uint16_t>(crc ^ (static_cast<std::uint16_t>(byte) << 8));
  for (int bit = 0; bit < 8; ++bit) {
    const bool msb = (crc & 0x8000U) != 0;
    crc = static_cast<std::uint16_t>(crc << 1);
    if (msb) crc = static_cast<std::uint16_t>(crc ^ crc16_ccitt_poly);
  }
  return crc;
}

/// CRC of a whole buffer. Appending the result big-endian makes the CRC of the
/// extended buffer zero, which is how both ends check a received frame.
constexpr std::uint16_t crc16_ccitt(std::span<const std::uint8_t> data) noexcept {
  std::uint16_t crc = crc16_ccitt_init;
  for (const std::uint8_t byte : data) crc = crc16_ccitt_update(crc, byte);
  return crc;
}

}  // namespace spikeforge::hw
