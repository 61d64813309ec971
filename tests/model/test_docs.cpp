#include <gtest/gtest.h>

#include <spikeforge/model/json_io.hpp>
#include <spikeforge/model/neuron_models.hpp>
#include <spikeforge/model/validate.hpp>

#include <charconv>
#include <fstream>
#include <sstream>
#include <string>

using namespace spikeforge::model;

namespace {

std::string read_doc(const std::string& name) {
  const std::string path = std::string(SPIKEFORGE_SOURCE_DIR) + "/docs/" + name;
  std::ifstream f(path);
  if (!f) throw std::runtime_error("cannot open " + path);
  std::ostringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::string shortest(double x) {
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, x);
  return std::string(buf, r.ptr);
}

}  // namespace

// docs/models.md is written from the model table; this keeps the two from drifting apart.
TEST(ModelDocs, EveryModelParameterAndStateVariableIsDocumented) {
  const std::string doc = read_doc("models.md");
  for (const auto& m : neuron_models()) {
    const std::string heading = "## `" + std::string(m.name) + "`";
    const auto start = doc.find(heading);
    ASSERT_NE(start, std::string::npos) << "section " << heading << " in docs/models.md";
    const auto end = doc.find("\n## ", start + heading.size());
    const std::string section = doc.substr(start, end == std::string::npos ? std::string::npos : end - start);
    for (const auto& p : m.parameters) {
      const std::string row = "| `" + std::string(p.name) + "` | " + (p.unit.empty() ? "1" : std::string(p.unit)) +
                              " | " + shortest(p.default_value) + " |";
      EXPECT_NE(section.find(row), std::string::npos) << m.name << ": documented row starting " << row;
    }
    for (const auto& s : m.state) {
      const std::string row = "| `" + std::string(s.name) + "` | " + std::string(s.unit) + " |";
      EXPECT_NE(section.find(row), std::string::npos) << m.name << ": documented row starting " << row;
    }
    EXPECT_NE(section.find("Weights: " + std::string(m.weight_unit) + ";"), std::string::npos)
        << m.name << ": weight unit " << m.weight_unit;
  }
}

TEST(NetworkFileDocs, TheExampleLoadsAndIsValid) {
  const std::string doc = read_doc("network-file.md");
  const auto start = doc.find("```json\n");
  ASSERT_NE(start, std::string::npos) << "example block in docs/network-file.md";
  const auto end = doc.find("```", start + 8);
  const Network n = from_json(doc.substr(start + 8, end - start - 8));
  EXPECT_NO_THROW(validate(n));
  EXPECT_EQ(n.populations.at(0).size, 3200u);
  EXPECT_EQ(n.projections.at(1).connector.seed, 7u);
  EXPECT_EQ(from_json(to_json(n)), n);
}
