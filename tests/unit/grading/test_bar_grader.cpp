#include "bitten/grading/bar_grader.hpp"

#include <gtest/gtest.h>

#include <vector>

using namespace bitten::grading;

namespace {

constexpr int64_t kMin = 60'000'000'000;

TradeSpec buy_spec() {
  TradeSpec s;
  s.direction = Direction::Buy;
  s.entry = 1.1000;
  s.sl = 1.0990;
  s.tp = 1.1020;
  s.pip_size = 0.0001;
  s.start_ns = 10 * kMin;
  s.horizon_ns = 60 * kMin;
  return s;
}

TradeSpec sell_spec() {
  TradeSpec s = buy_spec();
  s.direction = Direction::Sell;
  s.sl = 1.1010;
  s.tp = 1.0980;
  return s;
}

// A bar whose ask side is the bid side plus a constant spread.
QuoteBar bar(int64_t minute, double o, double h, double l, double c, double spread = 0.0002) {
  QuoteBar b;
  b.open_ns = minute * kMin;
  b.period_ns = kMin;
  b.bid_open = o, b.bid_high = h, b.bid_low = l, b.bid_close = c;
  b.ask_open = o + spread, b.ask_high = h + spread, b.ask_low = l + spread, b.ask_close = c + spread;
  return b;
}

GradeResult grade(const TradeSpec& s, const std::vector<QuoteBar>& bars) {
  auto r = grade_bars(s, bars);
  EXPECT_TRUE(r.ok());
  return r.ok() ? *r : GradeResult{};
}

}  // namespace

TEST(BarGrader, BuyTpInsideBarWinsAtLevelAtBarEnd) {
  auto r = grade(buy_spec(), {bar(10, 1.1000, 1.1010, 1.0995, 1.1005), bar(11, 1.1005, 1.1025, 1.1001, 1.1010)});
  EXPECT_EQ(r.outcome, Outcome::Win);
  EXPECT_EQ(r.outcome_ns, 12 * kMin);
  EXPECT_DOUBLE_EQ(r.exit_price, 1.1020);
  EXPECT_NEAR(r.result_r, 2, 1e-9);
  EXPECT_NEAR(r.mae_pips, 5, 1e-9);
  EXPECT_NEAR(r.mfe_pips, 20, 1e-9);
}

TEST(BarGrader, BothLevelsInOneBarIsALoss) {
  auto r = grade(buy_spec(), {bar(10, 1.1000, 1.1030, 1.0985, 1.1025)});
  EXPECT_EQ(r.outcome, Outcome::Loss);
  EXPECT_DOUBLE_EQ(r.exit_price, 1.0990);
  EXPECT_NEAR(r.result_r, -1, 1e-9);
  EXPECT_NEAR(r.mfe_pips, 0, 1e-9);  // the bar's high is not credited: it may have come after the SL
  EXPECT_EQ(r.label(), 0);
}

TEST(BarGrader, GapAtOpenThroughSl) {
  auto r = grade(buy_spec(), {bar(10, 1.0980, 1.1030, 1.0975, 1.1025)});
  EXPECT_EQ(r.outcome, Outcome::Loss);
  EXPECT_TRUE(r.gapped);
  EXPECT_DOUBLE_EQ(r.exit_price, 1.0980);
  EXPECT_EQ(r.outcome_ns, 10 * kMin);
  EXPECT_NEAR(r.result_r, -2, 1e-9);
}

TEST(BarGrader, GapAtOpenThroughTpWinsEvenIfRangeReachesSl) {
  // The open (first quote) is already beyond the TP, so the later low through the SL does not matter.
  auto r = grade(buy_spec(), {bar(10, 1.1030, 1.1035, 1.0980, 1.0985)});
  EXPECT_EQ(r.outcome, Outcome::Win);
  EXPECT_TRUE(r.gapped);
  EXPECT_DOUBLE_EQ(r.exit_price, 1.1030);
  EXPECT_NEAR(r.result_r, 3, 1e-9);
}

TEST(BarGrader, SellUsesTheAskSide) {
  // Bid low touches the TP (1.0980) but the ask low (bid + 2 pips) does not: no win.
  auto s = sell_spec();
  auto pending = grade(s, {bar(10, 1.1000, 1.1005, 1.0980, 1.0990)});
  EXPECT_EQ(pending.outcome, Outcome::Pending);
  EXPECT_NEAR(pending.mfe_pips, 18, 1e-9);  // ask low 1.0982 vs entry 1.1000
  EXPECT_NEAR(pending.mae_pips, 7, 1e-9);   // ask high 1.1007
  // Ask high reaches the SL (bid high 1.1008 + 2 pips) : loss.
  auto loss = grade(s, {bar(10, 1.1000, 1.1008, 1.0995, 1.1000)});
  EXPECT_EQ(loss.outcome, Outcome::Loss);
  EXPECT_DOUBLE_EQ(loss.exit_price, 1.1010);
}

TEST(BarGrader, BarsBeforeStartIgnoredAndTimeout) {
  auto s = buy_spec();
  auto r = grade(s, {bar(9, 1.1000, 1.1030, 1.0980, 1.1000), bar(10, 1.1000, 1.1010, 1.0995, 1.1005),
                     bar(70, 1.1004, 1.1006, 1.1001, 1.1003), bar(71, 1.1003, 1.1030, 1.1000, 1.1020)});
  EXPECT_EQ(r.outcome, Outcome::Timeout);
  EXPECT_EQ(r.outcome_ns, s.deadline_ns());
  EXPECT_DOUBLE_EQ(r.exit_price, 1.1003);
  EXPECT_EQ(r.quotes_seen, 2);
  EXPECT_FALSE(r.label().has_value());
}

TEST(BarGrader, OnTimeTimesOut) {
  auto s = buy_spec();
  auto g = BarGrader::create(s);
  ASSERT_TRUE(g.ok());
  EXPECT_FALSE(g->on_time(s.deadline_ns()).has_value());
  auto r = g->on_time(s.deadline_ns() + 1);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->outcome, Outcome::Timeout);
}

TEST(BarGrader, RefusesInvalidSpec) {
  auto s = buy_spec();
  s.tp = 1.0980;
  EXPECT_FALSE(BarGrader::create(s).ok());
}
