#include <gtest/gtest.h>

#include <set>

#include "bitten/core/ids.hpp"

using namespace bitten;

TEST(Ids, UniqueShortAndAscii) {
  IdGenerator a(12345), b(54321);
  std::set<std::string> seen;
  const int64_t now = 1'757'950'692'000'000'000;
  for (int i = 0; i < 20000; ++i) {
    auto x = a.next("F", now), y = b.next("F", now);
    EXPECT_TRUE(seen.insert(x).second);
    EXPECT_TRUE(seen.insert(y).second);
    EXPECT_LE(x.size(), 31u);  // fits the MT5 order comment
    for (char c : x) EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '_');
  }
}

TEST(Ids, Base36AndUuid) {
  EXPECT_EQ(to_base36(0), "0");
  EXPECT_EQ(to_base36(35), "Z");
  EXPECT_EQ(to_base36(36), "10");
  auto u = random_uuid();
  EXPECT_EQ(u.size(), 36u);
  EXPECT_EQ(u[14], '4');
  EXPECT_NE(u, random_uuid());
}
