#include "bitten/grading/grader.hpp"

#include <gtest/gtest.h>

#include <vector>

using namespace bitten::grading;

namespace {

constexpr int64_t kSec = 1'000'000'000;

// EURUSD-like BUY: entry 1.1000, SL 1.0990 (10 pips), TP 1.1020 (20 pips), 1 h horizon from t=100 s.
TradeSpec buy_spec() {
  TradeSpec s;
  s.direction = Direction::Buy;
  s.entry = 1.1000;
  s.sl = 1.0990;
  s.tp = 1.1020;
  s.pip_size = 0.0001;
  s.start_ns = 100 * kSec;
  s.horizon_ns = 3600 * kSec;
  return s;
}

TradeSpec sell_spec() {
  TradeSpec s = buy_spec();
  s.direction = Direction::Sell;
  s.sl = 1.1010;
  s.tp = 1.0980;
  return s;
}

Quote q(int64_t sec, double bid, double ask) { return Quote{sec * kSec, bid, ask}; }

GradeResult grade(const TradeSpec& s, const std::vector<Quote>& quotes) {
  auto r = grade_quotes(s, quotes);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? *r : GradeResult{};
}

}  // namespace

TEST(Grader, BuyWinsWhenBidReachesTp) {
  auto r = grade(buy_spec(), {q(101, 1.1005, 1.1007), q(102, 1.1020, 1.1022), q(103, 1.0900, 1.0902)});
  EXPECT_EQ(r.outcome, Outcome::Win);
  EXPECT_EQ(r.outcome_ns, 102 * kSec);
  EXPECT_EQ(r.time_to_outcome_ns, 2 * kSec);
  EXPECT_DOUBLE_EQ(r.exit_price, 1.1020);
  EXPECT_FALSE(r.gapped);
  EXPECT_NEAR(r.result_pips, 20, 1e-9);
  EXPECT_NEAR(r.result_r, 2, 1e-9);
  EXPECT_EQ(r.label(), 1);
}

TEST(Grader, BuyIgnoresAskTouchingTp) {
  // The ask reaches the TP but a BUY is closed at the bid, which never gets there.
  auto r = grade(buy_spec(), {q(101, 1.1015, 1.1021), q(102, 1.1018, 1.1025)});
  EXPECT_EQ(r.outcome, Outcome::Pending);
  EXPECT_NEAR(r.mfe_pips, 18, 1e-9);
}

TEST(Grader, BuyLosesWhenBidReachesSl) {
  auto r = grade(buy_spec(), {q(101, 1.0995, 1.0997), q(102, 1.0990, 1.0992)});
  EXPECT_EQ(r.outcome, Outcome::Loss);
  EXPECT_DOUBLE_EQ(r.exit_price, 1.0990);
  EXPECT_NEAR(r.result_r, -1, 1e-9);
  EXPECT_NEAR(r.mae_pips, 10, 1e-9);
  EXPECT_NEAR(r.mae_r, 1, 1e-9);
  EXPECT_EQ(r.label(), 0);
}

TEST(Grader, BuySlIsOnBidNotAsk) {
  // Ask at the SL while bid is below it: loss; ask below the SL while bid is above it: nothing.
  auto pending = grade(buy_spec(), {q(101, 1.0991, 1.0989)});  // crossed quote on purpose: bid decides
  EXPECT_EQ(pending.outcome, Outcome::Pending);
  auto loss = grade(buy_spec(), {q(101, 1.0989, 1.0995)});
  EXPECT_EQ(loss.outcome, Outcome::Loss);
}

TEST(Grader, SellWinsWhenAskReachesTp) {
  // The bid reaches the TP first, but a SELL is closed at the ask.
  auto r = grade(sell_spec(), {q(101, 1.0980, 1.0982), q(102, 1.0978, 1.0980)});
  EXPECT_EQ(r.outcome, Outcome::Win);
  EXPECT_EQ(r.outcome_ns, 102 * kSec);
  EXPECT_DOUBLE_EQ(r.exit_price, 1.0980);
  EXPECT_NEAR(r.result_r, 2, 1e-9);
}

TEST(Grader, SellLosesWhenAskReachesSlEvenIfBidDoesNot) {
  auto r = grade(sell_spec(), {q(101, 1.1005, 1.1010)});
  EXPECT_EQ(r.outcome, Outcome::Loss);
  EXPECT_DOUBLE_EQ(r.exit_price, 1.1010);
  EXPECT_NEAR(r.result_r, -1, 1e-9);
}

TEST(Grader, SlWinsSameTickTie) {
  // Two quotes share a timestamp: one at the TP, one at the SL. Their order is unknowable: LOSS.
  auto r = grade(buy_spec(), {q(101, 1.1020, 1.1022), q(101, 1.0990, 1.0992), q(102, 1.1030, 1.1032)});
  EXPECT_EQ(r.outcome, Outcome::Loss);
  EXPECT_EQ(r.outcome_ns, 101 * kSec);
  // Same in the other order.
  auto r2 = grade(buy_spec(), {q(101, 1.0990, 1.0992), q(101, 1.1020, 1.1022)});
  EXPECT_EQ(r2.outcome, Outcome::Loss);
}

TEST(Grader, TpBecomesFinalWhenTimeMovesOn) {
  auto g = Grader::create(buy_spec());
  ASSERT_TRUE(g.ok());
  EXPECT_FALSE(g->on_quote(q(101, 1.1021, 1.1023)).has_value());
  EXPECT_TRUE(g->win_pending());
  EXPECT_FALSE(g->on_quote(q(101, 1.1019, 1.1021)).has_value());  // same time, neither level
  auto r = g->on_quote(q(102, 1.0980, 1.0982));                   // later time: the TP hit is final
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->outcome, Outcome::Win);
  EXPECT_EQ(r->outcome_ns, 101 * kSec);
  EXPECT_DOUBLE_EQ(r->exit_price, 1.1021);
  EXPECT_TRUE(r->gapped);
  // Later quotes do not change a decided result.
  auto again = g->on_quote(q(103, 1.0900, 1.0902));
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->outcome, Outcome::Win);
  EXPECT_EQ(again->quotes_seen, r->quotes_seen);
}

TEST(Grader, TpFinalisedByOnTimeAndFlush) {
  auto g = Grader::create(buy_spec());
  ASSERT_TRUE(g.ok());
  (void)g->on_quote(q(101, 1.1020, 1.1022));
  EXPECT_FALSE(g->on_time(101 * kSec).has_value());
  auto r = g->on_time(101 * kSec + 1);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->outcome, Outcome::Win);

  auto g2 = Grader::create(buy_spec());
  ASSERT_TRUE(g2.ok());
  (void)g2->on_quote(q(101, 1.1020, 1.1022));
  auto r2 = g2->flush();
  ASSERT_TRUE(r2.has_value());
  EXPECT_EQ(r2->outcome, Outcome::Win);
}

TEST(Grader, GapThroughSlFillsAtTheGapPrice) {
  auto r = grade(buy_spec(), {q(101, 1.0998, 1.1000), q(102, 1.0975, 1.0977)});
  EXPECT_EQ(r.outcome, Outcome::Loss);
  EXPECT_TRUE(r.gapped);
  EXPECT_DOUBLE_EQ(r.exit_price, 1.0975);
  EXPECT_NEAR(r.result_pips, -25, 1e-9);
  EXPECT_NEAR(r.result_r, -2.5, 1e-9);
  EXPECT_NEAR(r.mae_r, 2.5, 1e-9);
}

TEST(Grader, GapThroughTpAndBeyond) {
  // SELL: the ask jumps from above entry to far below the TP in one quote.
  auto r = grade(sell_spec(), {q(101, 1.1003, 1.1005), q(102, 1.0960, 1.0962)});
  EXPECT_EQ(r.outcome, Outcome::Win);
  EXPECT_TRUE(r.gapped);
  EXPECT_NEAR(r.result_pips, 38, 1e-9);
  EXPECT_NEAR(r.mfe_pips, 38, 1e-9);
  EXPECT_NEAR(r.mae_pips, 5, 1e-9);
}

TEST(Grader, GapThroughBothLevelsBetweenQuotes) {
  // BUY: a quote beyond the TP is immediately followed (same timestamp) by one through the SL:
  // the market crossed both levels inside one instant, SL wins.
  auto r = grade(buy_spec(), {q(101, 1.1050, 1.1052), q(101, 1.0950, 1.0952)});
  EXPECT_EQ(r.outcome, Outcome::Loss);
  EXPECT_TRUE(r.gapped);
  EXPECT_DOUBLE_EQ(r.exit_price, 1.0950);
}

TEST(Grader, TimeoutAfterHorizon) {
  const auto s = buy_spec();
  const int64_t deadline_s = 100 + 3600;
  auto r = grade(s, {q(101, 1.1005, 1.1007), q(deadline_s, 1.1010, 1.1012), q(deadline_s + 1, 1.1030, 1.1032)});
  EXPECT_EQ(r.outcome, Outcome::Timeout);
  EXPECT_EQ(r.outcome_ns, s.deadline_ns());
  EXPECT_EQ(r.time_to_outcome_ns, s.horizon_ns);
  EXPECT_DOUBLE_EQ(r.exit_price, 1.1010);  // last exit-side price inside the horizon
  EXPECT_NEAR(r.result_r, 1.0, 1e-9);
  EXPECT_FALSE(r.label().has_value());
  EXPECT_EQ(r.quotes_seen, 2);
}

TEST(Grader, QuoteExactlyAtDeadlineIsGraded) {
  const int64_t deadline_s = 100 + 3600;
  auto r = grade(buy_spec(), {q(deadline_s, 1.0990, 1.0992)});
  EXPECT_EQ(r.outcome, Outcome::Loss);
}

TEST(Grader, OnTimeTimesOutWithoutQuotes) {
  const auto s = buy_spec();
  auto g = Grader::create(s);
  ASSERT_TRUE(g.ok());
  EXPECT_FALSE(g->on_time(s.deadline_ns()).has_value());
  auto r = g->on_time(s.deadline_ns() + 1);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->outcome, Outcome::Timeout);
  EXPECT_DOUBLE_EQ(r->exit_price, s.entry);
  EXPECT_EQ(r->quotes_seen, 0);
}

TEST(Grader, QuotesBeforeStartAreIgnored) {
  auto r = grade(buy_spec(), {q(50, 1.0900, 1.0902), q(99, 1.1100, 1.1102), q(100, 1.1001, 1.1003)});
  EXPECT_EQ(r.outcome, Outcome::Pending);
  EXPECT_EQ(r.quotes_seen, 1);
  EXPECT_NEAR(r.mfe_pips, 1, 1e-9);
  EXPECT_NEAR(r.mae_pips, 0, 1e-9);
}

TEST(Grader, ExcursionsInPipsAndR) {
  auto r = grade(buy_spec(), {q(101, 1.0995, 1.0997), q(102, 1.1012, 1.1014), q(103, 1.0993, 1.0995),
                              q(104, 1.1020, 1.1022)});
  EXPECT_EQ(r.outcome, Outcome::Win);
  EXPECT_NEAR(r.mfe_pips, 20, 1e-9);
  EXPECT_NEAR(r.mae_pips, 7, 1e-9);
  EXPECT_NEAR(r.mfe_r, 2.0, 1e-9);
  EXPECT_NEAR(r.mae_r, 0.7, 1e-9);
}

TEST(Grader, GradesFromARealFillPrice) {
  // The signal said entry 1.1000; the trade filled 2 pips worse at 1.1002 two seconds later.
  const auto spec = buy_spec().from_fill(1.1002, 102 * kSec);
  EXPECT_DOUBLE_EQ(spec.sl, 1.0990);
  EXPECT_DOUBLE_EQ(spec.tp, 1.1020);
  auto r = grade(spec, {q(101, 1.0990, 1.0992), q(103, 1.1020, 1.1022)});  // the SL touch predates the fill
  EXPECT_EQ(r.outcome, Outcome::Win);
  EXPECT_NEAR(r.result_pips, 18, 1e-9);
  EXPECT_NEAR(r.result_r, 18.0 / 12.0, 1e-9);
  EXPECT_EQ(r.time_to_outcome_ns, 1 * kSec);
}

TEST(Grader, RefusesInvalidSpecs) {
  auto s = buy_spec();
  s.sl = 1.1030;  // above TP
  EXPECT_FALSE(Grader::create(s).ok());
  s = buy_spec();
  s.entry = 1.0985;  // below SL: no risk
  EXPECT_FALSE(Grader::create(s).ok());
  s = sell_spec();
  s.tp = 1.1050;
  EXPECT_FALSE(Grader::create(s).ok());
  s = buy_spec();
  s.horizon_ns = 0;
  EXPECT_FALSE(Grader::create(s).ok());
  s = buy_spec();
  s.pip_size = 0;
  auto r = grade_quotes(s, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "bad_trade");
}

TEST(Grader, PendingWhenDataEndsEarly) {
  auto r = grade(buy_spec(), {q(101, 1.1005, 1.1007)});
  EXPECT_EQ(r.outcome, Outcome::Pending);
  EXPECT_FALSE(r.decided());
  EXPECT_EQ(r.outcome_ns, 0);
}

TEST(Grader, NamesAndParsing) {
  EXPECT_EQ(to_string(Outcome::Win), "WIN");
  EXPECT_EQ(to_string(Outcome::Loss), "LOSS");
  EXPECT_EQ(to_string(Outcome::Timeout), "TIMEOUT");
  EXPECT_EQ(to_string(Outcome::Pending), "PENDING");
  EXPECT_EQ(to_string(Direction::Sell), "SELL");
  ASSERT_TRUE(parse_direction("buy").ok());
  EXPECT_EQ(*parse_direction("SELL"), Direction::Sell);
  EXPECT_FALSE(parse_direction("LONG").ok());
}
