// The simulated broker: fills with slippage, rejections, SL/TP from quotes, equity and margin.
#include <gtest/gtest.h>

#include "broker.hpp"
#include "test_paths.hpp"

using namespace bitten;
using namespace bitten::ea_sim;

namespace {
const SymbolTable& symbols() {
  static SymbolTable t = *SymbolTable::load_file(test::source_root() + "/config/symbols.json");
  return t;
}
constexpr int64_t kS = 1'000'000'000;

OrderRequest buy(const std::string& sym, double vol, double sl = 0, double tp = 0) {
  return OrderRequest{sym, true, vol, sl, tp, "F1", 7176191872};
}
}  // namespace

TEST(Broker, FillsBuyAtAskAndSellAtBidWithAdverseSlippage) {
  BrokerConfig c;
  c.slippage_points = 2;
  SimBroker b(symbols(), c);
  b.on_quote("EURUSD", 1.10000, 1.10010, 10 * kS);
  auto r = b.market_order(buy("EURUSD", 0.10));
  ASSERT_TRUE(r.ok) << r.reason;
  EXPECT_DOUBLE_EQ(r.price, 1.10012);
  auto s = b.market_order(OrderRequest{"EURUSD", false, 0.10, 0, 0, "F2", 7176191872});
  ASSERT_TRUE(s.ok);
  EXPECT_DOUBLE_EQ(s.price, 1.09998);
  EXPECT_GT(s.ticket, r.ticket);
  EXPECT_GE(r.ticket, 10'000'000);
  EXPECT_LT(s.ticket, 100'000'000);  // 8 digits
}

TEST(Broker, RandomSlippageIsSeededAndBounded) {
  BrokerConfig c;
  c.random_slippage_points = 3;
  c.seed = 42;
  SimBroker a(symbols(), c), b(symbols(), c);
  for (auto* x : {&a, &b}) x->on_quote("EURUSD", 1.10000, 1.10010, kS);
  for (int i = 0; i < 20; ++i) {
    auto ra = a.market_order(buy("EURUSD", 0.01)), rb = b.market_order(buy("EURUSD", 0.01));
    EXPECT_EQ(ra.price, rb.price);
    EXPECT_GE(ra.price, 1.10010 - 1e-9);
    EXPECT_LE(ra.price, 1.10013 + 1e-9);
  }
}

TEST(Broker, RejectsInvalidVolume) {
  SimBroker b(symbols(), {});
  b.on_quote("EURUSD", 1.1, 1.1001, kS);
  for (double v : {0.001, 0.015, 101.0}) {
    auto r = b.market_order(buy("EURUSD", v));
    EXPECT_FALSE(r.ok) << v;
    EXPECT_EQ(r.retcode, kRetcodeInvalidVolume) << v;
  }
  EXPECT_TRUE(b.market_order(buy("EURUSD", 0.07)).ok);
}

TEST(Broker, RejectsWhenMarginExceedsFreeMargin) {
  BrokerConfig c;
  c.balance = 1000;
  c.leverage = 100;
  SimBroker b(symbols(), c);
  b.on_quote("EURUSD", 1.10000, 1.10010, kS);
  // 1 lot EURUSD = 110,000 USD / 100 = 1,100 USD margin > 1,000 free.
  auto r = b.market_order(buy("EURUSD", 1.0));
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.retcode, kRetcodeNoMoney);
  auto ok = b.market_order(buy("EURUSD", 0.5));
  ASSERT_TRUE(ok.ok);
  EXPECT_NEAR(b.account().margin, 0.5 * 100000 * 1.10005 / 100, 1e-6);
  EXPECT_FALSE(b.market_order(buy("EURUSD", 0.5)).ok);  // the first position took the room
}

TEST(Broker, MarketClosedWithoutAQuoteOrAfterAGap) {
  SimBroker b(symbols(), {});
  EXPECT_EQ(b.market_order(buy("EURUSD", 0.1)).retcode, kRetcodeMarketClosed);
  b.on_quote("EURUSD", 1.1, 1.1001, 100 * kS);
  b.set_time(100 * kS + 301 * kS);  // weekend gap: no quote for > 300 s
  EXPECT_EQ(b.market_order(buy("EURUSD", 0.1)).retcode, kRetcodeMarketClosed);
}

TEST(Broker, RandomRejectRateIsSeeded) {
  BrokerConfig c;
  c.reject_rate = 0.5;
  c.seed = 7;
  SimBroker b(symbols(), c);
  b.on_quote("EURUSD", 1.1, 1.1001, kS);
  int rejected = 0;
  for (int i = 0; i < 200; ++i) {
    auto r = b.market_order(buy("EURUSD", 0.01));
    if (!r.ok) {
      EXPECT_EQ(r.retcode, kRetcodeReject);
      ++rejected;
    }
  }
  EXPECT_GT(rejected, 60);
  EXPECT_LT(rejected, 140);
}

TEST(Broker, BuyStopLossClosesOnTheBid) {
  SimBroker b(symbols(), {});
  b.on_quote("EURUSD", 1.10000, 1.10010, kS);
  auto r = b.market_order(buy("EURUSD", 0.10, 1.09950, 1.10100));
  ASSERT_TRUE(r.ok);
  b.on_quote("EURUSD", 1.09955, 1.09945 + 0.0002, 2 * kS);  // ask would be far below? bid still above SL
  EXPECT_EQ(b.positions().size(), 1u);
  b.on_quote("EURUSD", 1.09950, 1.09960, 3 * kS);  // bid reaches SL
  ASSERT_EQ(b.history().size(), 1u);
  const ClosedTrade& t = b.history().front();
  EXPECT_EQ(t.reason, CloseReason::StopLoss);
  EXPECT_DOUBLE_EQ(t.close_price, 1.09950);
  // 6 pips lost (1.10010 -> 1.09950) on 0.1 lot of EURUSD = 6 * 1 USD.
  EXPECT_NEAR(t.profit, -6.0, 1e-6);
  EXPECT_NEAR(b.account().balance, 10'000 - 6.0, 1e-6);
}

TEST(Broker, SellTakeProfitClosesOnTheAsk) {
  SimBroker b(symbols(), {});
  b.on_quote("USDJPY", 150.000, 150.010, kS);
  auto r = b.market_order(OrderRequest{"USDJPY", false, 1.0, 150.500, 149.800, "S1", 7176191872});
  ASSERT_TRUE(r.ok);
  EXPECT_DOUBLE_EQ(r.price, 150.000);
  b.on_quote("USDJPY", 149.790, 149.805, 2 * kS);  // bid below TP but the ask is not
  EXPECT_EQ(b.positions().size(), 1u);
  b.on_quote("USDJPY", 149.790, 149.800, 3 * kS);
  ASSERT_EQ(b.history().size(), 1u);
  EXPECT_EQ(b.history()[0].reason, CloseReason::TakeProfit);
  EXPECT_DOUBLE_EQ(b.history()[0].close_price, 149.800);
  // 20 pips on 1 lot USDJPY: 20 * 1000 JPY / 149.795 USDJPY.
  EXPECT_NEAR(b.history()[0].profit, 20 * 1000 / 149.795, 1e-6);
}

TEST(Broker, EquityIsMarkedToMarketWithPipValues) {
  SimBroker b(symbols(), {});
  b.on_quote("XAUUSD", 2000.00, 2000.30, kS);
  ASSERT_TRUE(b.market_order(buy("XAUUSD", 0.10)).ok);
  b.on_quote("XAUUSD", 2005.30, 2005.60, 2 * kS);
  // +5.00 USD per ounce on 10 oz (0.1 lot of 100 oz) = +50 USD.
  EXPECT_NEAR(b.account().equity, 10'000 + 50.0, 1e-6);
  EXPECT_NEAR(b.positions()[0].profit, 50.0, 1e-6);
  EXPECT_NEAR(b.account().free_margin, b.account().equity - b.account().margin, 1e-9);
  EXPECT_NEAR(b.account().margin_level, b.account().equity / b.account().margin * 100, 1e-9);
  auto closed = b.close_position(b.positions()[0].ticket, CloseReason::CloseTicket);
  ASSERT_TRUE(closed);
  EXPECT_NEAR(b.account().balance, 10'050.0, 1e-6);
  EXPECT_DOUBLE_EQ(b.account().margin_level, 0.0);
}
