#include <gtest/gtest.h>

#include "bitten/runtime/health.hpp"

using namespace bitten;

TEST(Health, SnapshotCarriesCountersGaugesAndUptime) {
  FakeClock clock(1'000'000'000);
  runtime::Health h("telemetry_bridge", clock);
  uint64_t& in = h.counter("ticks_in");
  in += 5;
  h.add("drop_bid_gt_ask");
  h.gauge("eas_online", 3);
  clock.advance(2'500'000'000);
  auto s = h.snapshot(1000);
  EXPECT_EQ(s.daemon, "telemetry_bridge");
  EXPECT_EQ(s.counters.at("ticks_in"), 5u);
  EXPECT_EQ(s.counters.at("drop_bid_gt_ask"), 1u);
  EXPECT_DOUBLE_EQ(s.gauges.at("eas_online"), 3);
  EXPECT_DOUBLE_EQ(s.uptime_s, 2.5);
  EXPECT_EQ(s.started_ns, 1'000'000'000);
  EXPECT_EQ(h.get("absent"), 0u);
}
