#include <gtest/gtest.h>

#include <charconv>
#include <fstream>
#include <sstream>
#include <string>

#include <spikeforge/model/plasticity_rules.hpp>

namespace {

std::string shortest(double x) {
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, x);
  return std::string(buf, r.ptr);
}

// docs/plasticity.md lists every rule's parameters from the rule table; this keeps them equal.
TEST(RuleDocs, EveryRuleParameterIsDocumented) {
  std::ifstream f(std::string(SPIKEFORGE_SOURCE_DIR) + "/docs/plasticity.md");
  ASSERT_TRUE(f) << "docs/plasticity.md";
  std::ostringstream ss;
  ss << f.rdbuf();
  const std::string doc = ss.str();
  for (const auto& r : spikeforge::model::plasticity_rules()) {
    const std::string heading = "### `" + std::string(r.name) + "`";
    const auto start = doc.find(heading);
    ASSERT_NE(start, std::string::npos) << "section " << heading << " in docs/plasticity.md";
    const auto end = doc.find("\n##", start + heading.size());
    const std::string section = doc.substr(start, end == std::string::npos ? std::string::npos : end - start);
    for (const auto& p : r.parameters) {
      const std::string row = "| `" + std::string(p.name) + "` | " + (p.unit.empty() ? "1" : std::string(p.unit)) +
                              " | " + shortest(p.default_value) + " |";
      EXPECT_NE(section.find(row), std::string::npos) << r.name << ": documented row starting " << row;
    }
  }
}

}  // namespace
