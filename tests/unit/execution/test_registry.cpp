// The EA registry: who holds a UUID, and when a second peer claiming it is a duplicate.
#include <gtest/gtest.h>

#include "bitten/execution/ea_registry.hpp"

using namespace bitten::execution;

namespace {
constexpr int64_t kS = 1'000'000'000LL;
}

TEST(execution_EaRegistry, FirstReportRegistersThenRefreshes) {
  EaRegistry r(90 * kS);
  EXPECT_EQ(r.observe("U1", "U1", "NODE_A", false, 100 * kS), Claim::New);
  EXPECT_EQ(r.observe("U1", "U1", "NODE_A", false, 130 * kS), Claim::Refreshed);
  ASSERT_NE(r.find("U1"), nullptr);
  EXPECT_EQ(r.find("U1")->last_seen_ns, 130 * kS);
  EXPECT_TRUE(r.is_live(*r.find("U1"), 200 * kS));
  EXPECT_FALSE(r.is_live(*r.find("U1"), 221 * kS));
}

TEST(execution_EaRegistry, SameNodeOnNewIdentityIsAReconnect) {
  EaRegistry r(90 * kS);
  r.observe("U1", "id-old", "NODE_A", false, 100 * kS);
  EXPECT_EQ(r.observe("U1", "id-new", "NODE_A", false, 110 * kS), Claim::Reconnected);
  EXPECT_EQ(r.find("U1")->identity, "id-new");
}

TEST(execution_EaRegistry, OtherNodeClaimingALiveUuidIsADuplicateAndKeepsTheHolder) {
  EaRegistry r(90 * kS);
  r.observe("U1", "U1", "NODE_A", false, 100 * kS);
  EXPECT_EQ(r.observe("U1", "U1", "NODE_ROGUE", false, 120 * kS), Claim::Duplicate);
  EXPECT_EQ(r.find("U1")->node_id, "NODE_A");
  EXPECT_EQ(r.find("U1")->rival_node_id, "NODE_ROGUE");
  EXPECT_EQ(r.find("U1")->last_seen_ns, 100 * kS);  // the rival does not keep the holder alive
}

TEST(execution_EaRegistry, OtherIdentityWithoutNodeIdsIsADuplicate) {
  EaRegistry r(90 * kS);
  r.observe("U1", "a", "", false, 100 * kS);
  EXPECT_EQ(r.observe("U1", "b", "", false, 101 * kS), Claim::Duplicate);
}

TEST(execution_EaRegistry, AfterTheHolderWentSilentANewNodeTakesOver) {
  EaRegistry r(90 * kS);
  r.observe("U1", "U1", "NODE_A", false, 100 * kS);
  EXPECT_EQ(r.observe("U1", "U1", "NODE_B", false, 191 * kS), Claim::New);  // a reinstall, not a rogue
  EXPECT_EQ(r.find("U1")->node_id, "NODE_B");
}

TEST(execution_EaRegistry, ARivalTakesOverOnlyAfterTheHolderStaysSilentForTheHandoverTime) {
  EaRegistry r(90 * kS, 40 * kS);
  r.observe("U1", "U1", "NODE_A", false, 100 * kS);
  EXPECT_EQ(r.observe("U1", "U1", "NODE_B", false, 110 * kS), Claim::Duplicate);
  EXPECT_EQ(r.observe("U1", "U1", "NODE_B", false, 139 * kS), Claim::Duplicate);  // A silent 39 s
  EXPECT_EQ(r.observe("U1", "U1", "NODE_B", false, 140 * kS), Claim::TakenOver);
  EXPECT_EQ(r.find("U1")->node_id, "NODE_B");
  EXPECT_TRUE(r.find("U1")->rival_node_id.empty());
  EXPECT_EQ(r.observe("U1", "U1", "NODE_B", false, 150 * kS), Claim::Refreshed);
}

TEST(execution_EaRegistry, WithATtlShorterThanTheHandoverTheRivalTakesOverAtTheTtl) {
  EaRegistry r(3 * kS, 40 * kS);
  r.observe("U1", "U1", "NODE_A", false, 100 * kS);
  EXPECT_EQ(r.observe("U1", "U1", "NODE_B", false, 101 * kS), Claim::Duplicate);
  // Past the TTL the claim is still a handover (the caller lifts its block), not a plain New.
  EXPECT_EQ(r.observe("U1", "U1", "NODE_B", false, 104 * kS), Claim::TakenOver);
  EXPECT_EQ(r.find("U1")->node_id, "NODE_B");
}

TEST(execution_EaRegistry, TheHolderSpeakingAfterTheRivalConfirmsTheDuplicate) {
  EaRegistry r(90 * kS, 40 * kS);
  r.observe("U1", "U1", "NODE_A", false, 100 * kS);
  EXPECT_EQ(r.observe("U1", "U1", "NODE_B", false, 110 * kS), Claim::Duplicate);
  EXPECT_EQ(r.observe("U1", "U1", "NODE_A", false, 120 * kS), Claim::Refreshed);
  EXPECT_TRUE(r.find("U1")->duplicate_confirmed);
  EXPECT_EQ(r.observe("U1", "U1", "NODE_B", false, 170 * kS), Claim::Duplicate);
  EXPECT_EQ(r.find("U1")->node_id, "NODE_A");
}

TEST(execution_EaRegistry, ANewRivalRestartsTheHandoverClock) {
  EaRegistry r(90 * kS, 40 * kS);
  r.observe("U1", "U1", "NODE_A", false, 100 * kS);
  EXPECT_EQ(r.observe("U1", "U1", "NODE_B", false, 110 * kS), Claim::Duplicate);
  EXPECT_EQ(r.observe("U1", "U1", "NODE_C", false, 139 * kS), Claim::Duplicate);
  // NODE_B's claim is no longer the current one: C must wait its own time.
  EXPECT_EQ(r.observe("U1", "U1", "NODE_B", false, 145 * kS), Claim::Duplicate);
  EXPECT_EQ(r.find("U1")->node_id, "NODE_A");
}

TEST(execution_EaRegistry, OfflineIsReportedOnce) {
  EaRegistry r(90 * kS);
  r.observe("U1", "U1", "N", false, 100 * kS);
  EXPECT_TRUE(r.newly_offline(150 * kS).empty());
  EXPECT_EQ(r.newly_offline(191 * kS).size(), 1u);
  EXPECT_TRUE(r.newly_offline(192 * kS).empty());
  r.observe("U1", "U1", "N", false, 200 * kS);
  EXPECT_EQ(r.live_count(200 * kS), 1u);
}
