#include <gtest/gtest.h>

#include "bitten/runtime/config.hpp"

using namespace bitten::runtime;

TEST(Config, ReadsTypedValuesAndDefaults) {
  auto c = ConfigReader::from_text(R"({"port":5556,"name":"x","ratio":1.5,"on":true,"sub":{"k":2}})");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->get<int>("port", 0), 5556);
  EXPECT_EQ(c->get<std::string>("name", ""), "x");
  EXPECT_DOUBLE_EQ(c->get<double>("ratio", 0), 1.5);
  EXPECT_TRUE(c->get<bool>("on", false));
  EXPECT_EQ(c->get<int>("absent", 7), 7);
  EXPECT_EQ(c->section("sub").get<int>("k", 0), 2);
  EXPECT_TRUE(c->finish());
}

TEST(Config, UnknownKeysAndWrongTypesAreAllReportedTogether) {
  auto c = ConfigReader::from_text(R"({"port":"5556","typo_key":1,"sub":{"k":2,"extra":3},"ratio":true})");
  ASSERT_TRUE(c);
  (void)c->get<int>("port", 0);
  (void)c->get<double>("ratio", 0);
  (void)c->require<std::string>("needed");
  (void)c->section("sub").get<int>("k", 0);
  auto st = c->finish();
  ASSERT_FALSE(st);
  const auto& m = st.error().message;
  EXPECT_EQ(st.error().code, "bad_config");
  EXPECT_NE(m.find("5 configuration problem(s)"), std::string::npos) << m;
  EXPECT_NE(m.find("port: expected an integer"), std::string::npos) << m;
  EXPECT_NE(m.find("ratio: expected a number"), std::string::npos) << m;
  EXPECT_NE(m.find("needed: required key is missing"), std::string::npos) << m;
  EXPECT_NE(m.find("typo_key: unknown key"), std::string::npos) << m;
  EXPECT_NE(m.find("sub.extra: unknown key"), std::string::npos) << m;
}

TEST(Config, MalformedFilesAreClearErrors) {
  EXPECT_FALSE(ConfigReader::from_text("{not json"));
  EXPECT_FALSE(ConfigReader::from_file("/nonexistent/bitten.json"));
  auto arr = ConfigReader::from_text("[1,2]");
  ASSERT_TRUE(arr);
  EXPECT_FALSE(arr->finish());
}

TEST(Config, ValidationProblemsFromTheCallerAreIncluded) {
  auto c = ConfigReader::from_text(R"({"hwm":-1})");
  int hwm = c->get<int>("hwm", 1000);
  if (hwm <= 0) c->fail("hwm", "must be positive");
  auto st = c->finish();
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message.find("hwm: must be positive"), std::string::npos);
}
