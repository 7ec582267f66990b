#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "bitten/schema/envelope.hpp"
#include "bitten/schema/registry.hpp"

using namespace bitten;
namespace fs = std::filesystem;

namespace {
fs::path proto_dir() {
  const char* root = std::getenv("BITTEN_SOURCE_ROOT");
  return fs::path(root ? root : ".") / "proto";
}
std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
}  // namespace

// Every golden example decodes into its typed struct and encodes back to the same JSON.
TEST(RoundTrip, EveryGoldenExample) {
  int checked = 0;
  for (const auto& entry : fs::directory_iterator(proto_dir() / "examples")) {
    if (entry.path().extension() != ".json") continue;
    auto env = schema::decode_envelope(slurp(entry.path()));
    ASSERT_TRUE(env) << entry.path() << ": " << env.error().message;
    const auto& reg = schema::message_registry();
    auto it = reg.find(env->type);
    ASSERT_NE(it, reg.end()) << entry.path() << ": no codec for type " << env->type;
    auto back = it->second(env->data);
    ASSERT_TRUE(back) << entry.path() << ": " << back.error().message;
    EXPECT_EQ(*back, env->data) << entry.path();
    ++checked;
  }
  EXPECT_GE(checked, static_cast<int>(schema::message_registry().size()));
}

// Every registered type has a schema file and at least one example.
TEST(RoundTrip, EveryTypeHasSchemaAndExample) {
  for (const auto& [type, _] : schema::message_registry()) {
    EXPECT_TRUE(fs::exists(proto_dir() / (type + ".v1.schema.json"))) << type;
    EXPECT_TRUE(fs::exists(proto_dir() / "examples" / (type + ".json"))) << type;
  }
}

// A missing or mistyped field is an error with a reason, never a crash.
TEST(RoundTrip, MissingAndMistypedFieldsAreRefused) {
  // Fields a type documents as optional (absent means "not yet": a candidate signal has no score).
  const std::map<std::string, std::set<std::string>> optional = {{"signal", {"score"}}};
  for (const auto& [type, rt] : schema::message_registry()) {
    auto env = schema::decode_envelope(slurp(proto_dir() / "examples" / (type + ".json")));
    ASSERT_TRUE(env);
    for (auto& [key, value] : env->data.items()) {
      const bool is_optional = optional.count(type) && optional.at(type).count(key);
      auto without = env->data;
      without.erase(key);
      auto r = rt(without);
      if (is_optional) {
        EXPECT_TRUE(r) << type << "." << key << " is optional";
      } else {
        ASSERT_FALSE(r) << type << "." << key << " accepted a missing field";
        EXPECT_FALSE(r.error().code.empty());
      }
      auto wrong = env->data;
      wrong[key] = value.is_string() ? nlohmann::json(12345) : nlohmann::json("text");
      auto w = rt(wrong);
      EXPECT_FALSE(w) << type << "." << key << " accepted a wrong type";
    }
    EXPECT_FALSE(rt(nlohmann::json::array()));
  }
}
