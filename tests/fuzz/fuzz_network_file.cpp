// Fuzz target: the network-file loader (model::from_json, then model::validate).
// Input: the text of a network file. Bad input must end in spikeforge::Error (ValidationError
// naming the JSON path or the object and field); any other exception, a crash or a sanitizer
// report is a defect. A file that loads and validates must round-trip: to_json(from_json(text))
// read back and written again gives the same text.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "spikeforge/core/error.hpp"
#include "spikeforge/model/json_io.hpp"
#include "spikeforge/model/validate.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace model = spikeforge::model;
  const std::string text(reinterpret_cast<const char*>(data), size);
  model::Network network;
  try {
    network = model::from_json(text);
    model::validate(network);
  } catch (const spikeforge::Error&) {
    return 0;  // rejected with the library's error: the expected outcome for bad input
  }
  const std::string once = model::to_json(network);
  const std::string twice = model::to_json(model::from_json(once));
  if (once != twice) {
    std::fprintf(stderr, "fuzz_network_file: a valid network does not round-trip through to_json\n");
    std::abort();
  }
  return 0;
}
