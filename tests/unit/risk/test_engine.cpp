// One test per rule: a case that triggers it and a near miss that does not.
#include <gtest/gtest.h>

#include "bitten/risk/reasons.hpp"
#include "risk_fixture.hpp"

namespace bitten::risk {
namespace {

using namespace testing;
namespace r = reason;

TEST_F(risk_Engine, BaseCaseIsApprovedAndSized) {
  auto d = run();
  ASSERT_TRUE(d.approved) << d.reason << " " << d.detail;
  const auto& o = *d.order;
  // 2% of 10,000 = 200 USD over 21 pips (ask 1.10010 to SL 1.09800) at 10 USD/pip/lot = 0.952 -> 0.95.
  EXPECT_NEAR(o.stop_pips, 21.0, 1e-6);
  EXPECT_DOUBLE_EQ(o.pip_value_per_lot, 10.0);
  EXPECT_DOUBLE_EQ(o.lot, 0.95);
  EXPECT_NEAR(o.risk_amount, 199.5, 1e-6);
  EXPECT_LE(o.risk_amount, 200.0);
  EXPECT_EQ(o.entry, 0);
  EXPECT_EQ(o.ea_uuid, "USER_UUID_123");
  EXPECT_EQ(o.slots_max, 3);
  EXPECT_NEAR(o.spread_pips, 1.0, 1e-6);
}

TEST_F(risk_Engine, GlobalHalt) {
  snap.global_halt = true;
  expect_refused(r::kGlobalHalt);
  snap.global_halt = false;
  expect_approved();
}

TEST_F(risk_Engine, UserHaltAndUnknownUser) {
  snap.user->halted = true;
  expect_refused(r::kUserHalted);
  snap.user->halted = false;
  expect_approved();
  snap.user.reset();
  expect_refused(r::kUserNotFound);
}

TEST_F(risk_Engine, TierUnknownAndReadOnly) {
  snap.user->tier = "NIBBLER";
  expect_refused(r::kTierUnknown);
  snap.user->tier = "PRESS";
  expect_refused(r::kTierReadOnly);
  snap.user->tier = "GLADIATOR";
  expect_approved();
}

TEST_F(risk_Engine, ManualPermission) {
  TierLimits bot = *cfg.tier("COMMANDER");
  bot.name = "AUTOBOT";
  bot.can_manual = false;
  cfg.tiers["AUTOBOT"] = bot;
  snap.user->tier = "AUTOBOT";
  expect_refused(r::kManualNotAllowed);
  snap.user->tier = "COMMANDER";
  expect_approved();
}

TEST_F(risk_Engine, AutoPermissionAndMode) {
  req.mode = FireMode::Auto;
  snap.user_mode = "AUTO";
  snap.user->tier = "REAPER";
  expect_refused(r::kAutoNotAllowed);
  snap.user->tier = "GLADIATOR";
  expect_refused(r::kAutoNotAllowed);
  snap.user->tier = "COMMANDER";
  expect_approved();
  snap.user_mode = "SELECT";
  expect_refused(r::kAutoModeOff);
  for (const char* t : {"FANG", "FANG+"}) {
    snap.user->tier = t;
    snap.user_mode = "AUTO";
    expect_approved();
  }
}

TEST_F(risk_Engine, MissionMustExistAndBelongToTheUser) {
  snap.mission->user_id = "u2";
  expect_refused(r::kMissionNotFound);
  snap.mission.reset();
  expect_refused(r::kMissionNotFound);
}

TEST_F(risk_Engine, MissionExpiry) {
  req.now_ns = snap.mission->expires_ns;
  expect_refused(r::kMissionExpired);
  req.now_ns = snap.mission->expires_ns - 1;
  book.quotes["EURUSD"].time_ns = req.now_ns;
  snap.ea->last_seen_ns = req.now_ns;
  expect_approved();
}

TEST_F(risk_Engine, MissionExpiryAlsoBoundedByMissionAge) {
  snap.mission->expires_ns = kNow + 3600 * kSec;  // a relay bug cannot extend the 15 min
  snap.mission->created_ns = kNow - 900 * kSec;
  expect_refused(r::kMissionExpired);
  snap.mission->created_ns = kNow - 899 * kSec;
  expect_approved();
}

// A replayed signal's event time can be days away from the wall clock the mission runs on.
TEST_F(risk_Engine, MissionExpiryIgnoresTheSignalsEventTime) {
  snap.signal->detected_ns = kNow - 7 * 86400 * kSec;
  expect_approved();
}

// ... but not the market's: a mission whose signal the market (the latest tick's own time) has
// left a mission's lifetime behind is expired, e.g. a signal from a replay's fast warm-up.
TEST_F(risk_Engine, MissionExpiredWhenTheMarketIsAMissionLifetimePastTheSignal) {
  snap.signal->detected_ns = kNow - 7 * 86400 * kSec;
  book.quotes["EURUSD"].event_ns = snap.signal->detected_ns + 899 * kSec;
  expect_approved();
  book.quotes["EURUSD"].event_ns = snap.signal->detected_ns + 900 * kSec;
  expect_refused(r::kMissionExpired);
}

TEST_F(risk_Engine, SignalClassPermission) {
  snap.user->tier = "GLADIATOR";
  snap.signal->signal_class = "SNIPER";
  expect_refused(r::kSignalClassNotAllowed);
  snap.user->tier = "REAPER";
  expect_approved();
}

TEST_F(risk_Engine, AutoFireUsesTheUsersOwnMinimumWhenSet) {
  req.mode = FireMode::Auto;
  snap.user_mode = "AUTO";
  snap.auto_min_probability = 0.80;
  snap.signal->probability = 0.79;
  expect_refused(r::kAutoProbabilityTooLow);
  snap.signal->probability = 0.80;
  expect_approved();
  snap.auto_min_probability = 0.55;  // a user may also accept more than the fleet default
  snap.signal->probability = 0.56;
  expect_approved();
}

TEST_F(risk_Engine, AutoFireMinimumProbability) {
  req.mode = FireMode::Auto;
  snap.user_mode = "AUTO";
  snap.signal->probability = 0.6499;
  expect_refused(r::kAutoProbabilityTooLow);
  snap.signal->probability = 0.65;
  expect_approved();
  req.mode = FireMode::Manual;  // manual fire ignores the auto threshold
  snap.signal->probability = 0.1;
  expect_approved();
}

TEST_F(risk_Engine, AutoFireAtColdStart) {
  req.mode = FireMode::Auto;
  snap.user_mode = "AUTO";
  snap.signal->probability.reset();
  snap.signal->confidence = 95;
  expect_refused(r::kAutoProbabilityTooLow);  // shipped config: no auto-fire without a model
  cfg.auto_allow_cold_start = true;
  snap.signal->confidence = 79;
  expect_refused(r::kAutoProbabilityTooLow);
  snap.signal->confidence = 80;
  expect_approved();
}

TEST_F(risk_Engine, OneFirePerMission) {
  snap.mission_live_fire = "F_1";
  expect_refused(r::kMissionAlreadyFired);
  snap.mission_live_fire.reset();
  expect_approved();
}

TEST_F(risk_Engine, EaLinkedUnblockedAndOnline) {
  snap.ea->blocked = true;
  expect_refused(r::kEaBlocked);
  snap.ea->blocked = false;
  snap.ea->last_seen_ns = kNow - 91 * kSec;
  expect_refused(r::kEaOffline);
  snap.ea->last_seen_ns = kNow - 90 * kSec;
  expect_approved();
  snap.ea.reset();
  expect_refused(r::kEaNotLinked);
}

TEST_F(risk_Engine, SlotsCountOpenAndInFlight) {
  snap.open_positions = {{"F1", "GBPUSD", "BUY"}, {"F2", "USDJPY", "SELL"}};
  expect_approved();  // 2 of 3
  snap.in_flight = {{"F3", "EURUSD", "BUY"}};
  expect_refused(r::kSlotsFull);
  snap.user->tier = "FANG+";  // 5 slots
  expect_approved();
}

TEST_F(risk_Engine, NoHedgingAgainstOurselves) {
  snap.open_positions = {{"F1", "EURUSD", "SELL"}};
  expect_refused(r::kOppositePosition);
  snap.open_positions = {{"F1", "EURUSD", "BUY"}, {"F2", "GBPUSD", "SELL"}};
  expect_approved();
  snap.open_positions.clear();
  snap.in_flight = {{"F3", "EURUSD", "SELL"}};
  expect_refused(r::kOppositePosition);
}

TEST_F(risk_Engine, MaxTradesPerDay) {
  snap.trades_today = 20;
  expect_refused(r::kMaxTradesPerDay);
  snap.trades_today = 19;
  expect_approved();
}

TEST_F(risk_Engine, DailyLossFromStartOfDayEquity) {
  snap.ea->equity = 9000;  // down 10% of 10,000 (COMMANDER limit 10%)
  expect_refused(r::kDailyLossLimit);
  snap.ea->equity = 9001;
  expect_approved();
  snap.ea->equity = 10000;
  snap.realized_pnl_today = -1000;
  expect_refused(r::kDailyLossLimit);
  snap.realized_pnl_today = -999;
  expect_approved();
}

TEST_F(risk_Engine, YesterdaysStartOfDayEquityIsNotUsed) {
  snap.ea->sod_day = 19'999;
  snap.ea->sod_equity = 20000;  // stale: would look like a 50% loss
  snap.ea->equity = 10000;
  expect_approved();
}

TEST_F(risk_Engine, UnknownSymbol) {
  snap.signal->symbol = "USDSEK";
  expect_refused(r::kUnknownSymbol);
}

TEST_F(risk_Engine, QuoteMissingOrStale) {
  book.quotes.erase("EURUSD");
  expect_refused(r::kQuoteUnavailable);
  book.quotes["EURUSD"] = {1.10000, 1.10010, kNow - 31 * kSec};
  expect_refused(r::kQuoteUnavailable);
  book.quotes["EURUSD"].time_ns = kNow - 30 * kSec;
  expect_approved();
}

TEST_F(risk_Engine, SpreadPerSymbol) {
  book.quotes["EURUSD"] = {1.10000, 1.10021, kNow};  // 2.1 pips > 2.0
  expect_refused(r::kSpreadTooWide);
  book.quotes["EURUSD"] = {1.10000, 1.10020, kNow};  // 2.0 pips
  snap.signal->atr_pips = 0;
  expect_approved();
}

TEST_F(risk_Engine, SpreadInAtrTerms) {
  snap.signal->atr_pips = 5;  // 0.35 x 5 = 1.75 pips
  book.quotes["EURUSD"] = {1.10000, 1.10018, kNow};
  expect_refused(r::kSpreadTooWide);
  book.quotes["EURUSD"] = {1.10000, 1.10017, kNow};
  expect_approved();
}

TEST_F(risk_Engine, PriceAlreadyThroughStopOrTarget) {
  book.quotes["EURUSD"] = {1.09790, 1.09800, kNow};
  expect_refused(r::kStopBreached);
  book.quotes["EURUSD"] = {1.10400, 1.10410, kNow};
  expect_refused(r::kTargetPassed);
  snap.signal->direction = "SELL";  // mirrored: SL above, TP below
  snap.signal->sl = 1.1100;
  snap.signal->tp = 1.1000;
  expect_approved();
  book.quotes["EURUSD"] = {1.11000, 1.11010, kNow};
  expect_refused(r::kStopBreached);
}

TEST_F(risk_Engine, SizeIsCappedByTierMaxLot) {
  snap.ea->balance = 100000;  // 9.52 lots by risk
  auto d = run();
  ASSERT_TRUE(d.approved);
  EXPECT_DOUBLE_EQ(d.order->lot, 2.0);
  snap.user->tier = "GLADIATOR";  // 1%: 4.76 lots -> cap 0.5
  d = run();
  ASSERT_TRUE(d.approved);
  EXPECT_DOUBLE_EQ(d.order->lot, 0.5);
}

TEST_F(risk_Engine, SizeBelowMinimumIsRefusedNotInflated) {
  snap.ea->balance = 10;  // 0.2 USD over 21 pips = 0.00095 lots
  expect_refused(r::kLotBelowMinimum);
  snap.ea->balance = 110;  // 2.2 USD -> 0.0105 lots -> 0.01
  auto d = run();
  ASSERT_TRUE(d.approved) << d.reason;
  EXPECT_DOUBLE_EQ(d.order->lot, 0.01);
  snap.ea->balance = 0;
  expect_refused(r::kNoBalance);
}

TEST_F(risk_Engine, SizeIsNormalisedDownToTheStep) {
  snap.ea->balance = 12345;  // 246.9 / 210 = 1.1757 -> 1.17
  auto d = run();
  ASSERT_TRUE(d.approved);
  EXPECT_DOUBLE_EQ(d.order->lot, 1.17);
}

TEST_F(risk_Engine, CrossPipValueGoesThroughLiveQuotes) {
  snap.signal->symbol = "EURJPY";
  snap.signal->sl = 162.80;
  snap.signal->tp = 163.40;
  book.quotes["EURJPY"] = {163.000, 163.010, kNow};
  auto d = run();
  ASSERT_TRUE(d.approved) << d.reason << " " << d.detail;
  // 1 pip on 1 lot = 1000 JPY = 1000 / 150.005 USD.
  EXPECT_NEAR(d.order->pip_value_per_lot, 1000.0 / 150.005, 1e-9);
  EXPECT_NEAR(d.order->stop_pips, 21.0, 1e-6);
  EXPECT_DOUBLE_EQ(d.order->lot, 1.42);  // 200 / (21 x 6.6665) = 1.4286 -> 1.42
  book.quotes.erase("USDJPY");
  expect_refused(r::kQuoteUnavailable);
}

TEST_F(risk_Engine, GoldUsesItsOwnPipSize) {
  snap.signal->symbol = "XAUUSD";
  snap.signal->sl = 2380.0;
  snap.signal->tp = 2440.0;
  book.quotes["XAUUSD"] = {2399.80, 2400.00, kNow};  // 2 pips of 0.1
  snap.signal->atr_pips = 0;
  auto d = run();
  ASSERT_TRUE(d.approved) << d.reason << " " << d.detail;
  EXPECT_NEAR(d.order->stop_pips, 200.0, 1e-6);
  EXPECT_DOUBLE_EQ(d.order->pip_value_per_lot, 10.0);  // 0.1 x 100 oz
  EXPECT_DOUBLE_EQ(d.order->lot, 0.1);                 // 200 / (200 x 10)
}

TEST_F(risk_Engine, AccountInAnotherCurrency) {
  snap.ea->currency = "GBP";
  book.quotes["GBPUSD"] = {1.25000, 1.25000, kNow};
  auto d = run();
  ASSERT_TRUE(d.approved) << d.reason;
  EXPECT_NEAR(d.order->pip_value_per_lot, 8.0, 1e-9);  // 10 USD / 1.25
}

}  // namespace
}  // namespace bitten::risk
