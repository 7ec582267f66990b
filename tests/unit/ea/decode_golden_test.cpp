// Every golden EA message decodes field by field, and the EA-side encoder reproduces its bytes.
#include <gtest/gtest.h>

#include "bitten/ea/decoder.hpp"
#include "bitten/ea/ea_encoder.hpp"
#include "golden.hpp"

namespace bitten::ea {
namespace {

using test::golden;

template <class T>
T decode_as(const std::string& file, ParsePath expected_path = ParsePath::Strict) {
  Decoder decoder;
  auto r = decoder.decode(golden(file));
  EXPECT_TRUE(r.ok()) << file << ": " << (r.ok() ? "" : r.error().code + " " + r.error().message);
  EXPECT_EQ(decoder.last_path(), expected_path) << file;
  if (!r.ok() || !std::holds_alternative<T>(*r)) {
    ADD_FAILURE() << file << " decoded to another type";
    return T{};
  }
  return std::get<T>(*r);
}

constexpr int64_t kTs161 = 1757965276;  // 2025.09.15 19:41:16 read as UTC

TEST(EaDecodeGolden, Tick) {
  const Tick t = decode_as<Tick>("tick.json");
  EXPECT_EQ(t.node_id, "NODE_1234567_998877");
  EXPECT_EQ(t.user_uuid, "USER_UUID_123");
  EXPECT_EQ(t.symbol, "EURUSD");
  EXPECT_DOUBLE_EQ(t.bid, 1.17602);
  EXPECT_DOUBLE_EQ(t.ask, 1.17603);
  EXPECT_DOUBLE_EQ(t.spread, 1.0);
  EXPECT_EQ(t.volume, 0);
  EXPECT_EQ(t.timestamp, "2025.09.15 19:41:16");
  EXPECT_EQ(t.broker_epoch, kTs161);
  EXPECT_EQ(ea_encode_tick(t, 5), golden("tick.json"));
}

TEST(EaDecodeGolden, TickThreeDigits) {
  const Tick t = decode_as<Tick>("tick_usdjpy.json");
  EXPECT_EQ(t.symbol, "USDJPY");
  EXPECT_DOUBLE_EQ(t.bid, 147.352);
  EXPECT_DOUBLE_EQ(t.ask, 147.365);
  EXPECT_DOUBLE_EQ(t.spread, 13.0);
  EXPECT_NEAR(ea_spread_points(t.bid, t.ask, 3), 13.0, 1e-6);
  EXPECT_EQ(t.broker_epoch, kTs161 + 1);
  EXPECT_EQ(ea_encode_tick(t, 3), golden("tick_usdjpy.json"));
}

TEST(EaDecodeGolden, TypedTickFastPath) {
  auto t = decode_tick(golden("tick.json"));
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->symbol, "EURUSD");
  auto other = decode_tick(golden("pong.json"));
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().code, "unexpected_type");
}

TEST(EaDecodeGolden, Ohlc) {
  const Ohlc o = decode_as<Ohlc>("ohlc.json");
  EXPECT_EQ(o.node_id, "NODE_1234567_998877");
  EXPECT_EQ(o.user_uuid, "USER_UUID_123");
  EXPECT_EQ(o.symbol, "EURUSD");
  EXPECT_EQ(o.timeframe, "M1");
  EXPECT_EQ(o.time, 1757965200);
  EXPECT_DOUBLE_EQ(o.open, 1.17590);
  EXPECT_DOUBLE_EQ(o.high, 1.17610);
  EXPECT_DOUBLE_EQ(o.low, 1.17585);
  EXPECT_DOUBLE_EQ(o.close, 1.17602);
  EXPECT_EQ(o.timestamp, "2025.09.15 19:41:16");
  EXPECT_EQ(o.broker_epoch, kTs161);
  EXPECT_EQ(ea_encode_ohlc(o, 5), golden("ohlc.json"));
}

TEST(EaDecodeGolden, Hello) {
  const Hello h = decode_as<Hello>("hello.json");
  EXPECT_EQ(h.target_uuid, "USER_UUID_123");
  EXPECT_EQ(h.node_id, "NODE_1234567_998877");
  EXPECT_EQ(h.account_login, "1234567");
  EXPECT_EQ(h.broker, "Broker-Demo");
  EXPECT_EQ(h.company, "Broker Ltd");
  EXPECT_EQ(h.terminal, "MetaTrader 5");
  EXPECT_EQ(h.currency, "USD");
  EXPECT_DOUBLE_EQ(h.balance, 1000.0);
  EXPECT_DOUBLE_EQ(h.equity, 1000.0);
  EXPECT_EQ(h.leverage, 500);
  EXPECT_DOUBLE_EQ(h.margin, 0.0);
  EXPECT_DOUBLE_EQ(h.free_margin, 1000.0);
  EXPECT_DOUBLE_EQ(h.margin_level, 0.0);
  EXPECT_EQ(h.symbols, 22);
  EXPECT_EQ(h.version, "2.05");
  EXPECT_EQ(h.timestamp, "2025.09.15 19:41:16");
  EXPECT_EQ(h.broker_epoch, kTs161);
  EXPECT_EQ(ea_encode_hello(h), golden("hello.json"));
}

TEST(EaDecodeGolden, DealerHeartbeatV205) {
  const DealerHeartbeat h = decode_as<DealerHeartbeat>("heartbeat_dealer.json");
  EXPECT_EQ(h.target_uuid, "USER_UUID_123");
  EXPECT_EQ(h.node_id, "NODE_1234567_998877");
  EXPECT_EQ(h.currency, "USD");
  EXPECT_DOUBLE_EQ(h.balance, 1000.0);
  EXPECT_DOUBLE_EQ(h.equity, 998.40);
  EXPECT_EQ(h.leverage, 500);
  EXPECT_DOUBLE_EQ(h.margin, 40.0);
  EXPECT_DOUBLE_EQ(h.free_margin, 958.40);
  EXPECT_DOUBLE_EQ(h.margin_level, 2496.0);
  EXPECT_EQ(h.ticks_processed, 1532);
  EXPECT_EQ(h.timestamp, "2025.09.15 19:41:46");
  EXPECT_EQ(h.broker_epoch, kTs161 + 30);
  EXPECT_FALSE(h.user_id || h.account_login || h.broker || h.ts || h.open_positions || h.positions);
  EXPECT_EQ(ea_encode_dealer_heartbeat(h), golden("heartbeat_dealer.json"));
}

TEST(EaDecodeGolden, DealerHeartbeatV206HPositions) {
  const DealerHeartbeat h = decode_as<DealerHeartbeat>("heartbeat_v206h_positions.json");
  EXPECT_EQ(h.ticks_processed, 1532);
  ASSERT_TRUE(h.user_id && h.account_login && h.broker && h.ts && h.open_positions && h.positions);
  EXPECT_EQ(*h.user_id, "7176191872");
  EXPECT_EQ(*h.account_login, "1234567");
  EXPECT_EQ(*h.broker, "Broker-Demo");
  EXPECT_EQ(*h.ts, 1757965306);
  EXPECT_EQ(*h.open_positions, 2);
  ASSERT_EQ(h.positions->size(), 2u);
  const Position& p = (*h.positions)[0];
  EXPECT_EQ(p.ticket, 21604324);
  EXPECT_EQ(p.fire_id, "ELITE_RAPID_EURUSD_1757950692");
  EXPECT_EQ(p.symbol, "EURUSD");
  EXPECT_EQ(p.direction, "BUY");
  EXPECT_DOUBLE_EQ(p.open_price, 1.17605);
  EXPECT_DOUBLE_EQ(p.current_price, 1.17590);
  EXPECT_DOUBLE_EQ(p.volume, 0.20);
  EXPECT_DOUBLE_EQ(p.pnl, -3.00);
  const Position& q = (*h.positions)[1];
  EXPECT_EQ(q.ticket, 21604330);
  EXPECT_EQ(q.symbol, "USDJPY");
  EXPECT_EQ(q.direction, "SELL");
  EXPECT_DOUBLE_EQ(q.open_price, 147.365);
  EXPECT_DOUBLE_EQ(q.pnl, 0.88);
  // The golden file follows our documented v2.06H field order.
  EXPECT_EQ(ea_encode_dealer_heartbeat(h), golden("heartbeat_v206h_positions.json"));
}

TEST(EaDecodeGolden, Handshake) {
  const Handshake h = decode_as<Handshake>("handshake.json");
  EXPECT_EQ(h.deployment_mode, "universal_dealer");
  EXPECT_EQ(h.node_id, "NODE_1234567_998877");
  EXPECT_EQ(h.user_uuid, "USER_UUID_123");
  EXPECT_EQ(h.account, 1234567);
  EXPECT_EQ(h.broker, "Broker Ltd");
  EXPECT_EQ(h.server, "Broker-Demo");
  EXPECT_EQ(h.chart_symbol, "EURUSD");
  EXPECT_EQ(h.monitored_symbols, 22);
  EXPECT_EQ(h.symbol_list, "EURUSD,GBPUSD,USDJPY,XAUUSD");
  EXPECT_EQ(h.currency, "USD");
  EXPECT_DOUBLE_EQ(h.balance, 1000.0);
  EXPECT_DOUBLE_EQ(h.equity, 1000.0);
  EXPECT_EQ(h.leverage, 500);
  EXPECT_EQ(h.version, "2.05");
  EXPECT_EQ(h.socket_type, "DEALER");
  EXPECT_EQ(h.broker_epoch, kTs161);
  EXPECT_EQ(ea_encode_handshake(h), golden("handshake.json"));
}

TEST(EaDecodeGolden, TelemetryHeartbeat) {
  const TelemetryHeartbeat h = decode_as<TelemetryHeartbeat>("heartbeat_telemetry.json");
  EXPECT_EQ(h.node_id, "NODE_1234567_998877");
  EXPECT_EQ(h.user_uuid, "USER_UUID_123");
  EXPECT_EQ(h.account, 1234567);
  EXPECT_EQ(h.currency, "USD");
  EXPECT_DOUBLE_EQ(h.balance, 1000.0);
  EXPECT_DOUBLE_EQ(h.equity, 998.40);
  EXPECT_EQ(h.leverage, 500);
  EXPECT_DOUBLE_EQ(h.free_margin, 958.40);
  EXPECT_DOUBLE_EQ(h.margin_level, 2496.0);
  EXPECT_EQ(h.symbols_monitored, 22);
  EXPECT_EQ(h.ticks_processed, 1532);
  EXPECT_EQ(h.socket_type, "DEALER");
  EXPECT_EQ(h.broker_epoch, kTs161 + 30);
  EXPECT_EQ(ea_encode_telemetry_heartbeat(h), golden("heartbeat_telemetry.json"));
}

TEST(EaDecodeGolden, Disconnect) {
  const Disconnect d = decode_as<Disconnect>("disconnect.json");
  EXPECT_EQ(d.deployment_mode, "universal_dealer");
  EXPECT_EQ(d.node_id, "NODE_1234567_998877");
  EXPECT_EQ(d.user_uuid, "USER_UUID_123");
  EXPECT_EQ(d.symbols_monitored, 22);
  EXPECT_EQ(d.ticks_processed, 1532);
  EXPECT_EQ(d.socket_type, "DEALER");
  EXPECT_EQ(d.timestamp, "2025.09.15 20:02:03");
  EXPECT_EQ(ea_encode_disconnect(d), golden("disconnect.json"));
}

TEST(EaDecodeGolden, ConfirmationSuccess) {
  const Confirmation c = decode_as<Confirmation>("confirmation_success.json");
  EXPECT_EQ(c.command_type, "fire");
  EXPECT_EQ(c.fire_id, "ELITE_RAPID_EURUSD_1757950692");
  EXPECT_EQ(c.node_id, "NODE_1234567_998877");
  EXPECT_EQ(c.user_uuid, "USER_UUID_123");
  EXPECT_EQ(c.status, "success");
  EXPECT_EQ(c.ticket, 21604324);
  EXPECT_DOUBLE_EQ(c.price, 1.17605);
  EXPECT_DOUBLE_EQ(c.lot, 0.20);
  EXPECT_EQ(c.message, "Trade executed successfully via DEALER");
  EXPECT_EQ(c.account, 1234567);
  EXPECT_EQ(c.currency, "USD");
  EXPECT_DOUBLE_EQ(c.balance, 1000.0);
  EXPECT_DOUBLE_EQ(c.equity, 998.40);
  EXPECT_DOUBLE_EQ(c.free_margin, 950.0);
  EXPECT_DOUBLE_EQ(c.margin_level, 2100.0);
  EXPECT_EQ(c.timestamp, "2025.09.15 19:41:20");
  EXPECT_EQ(c.broker_epoch, kTs161 + 4);
  EXPECT_EQ(ea_encode_confirmation(c), golden("confirmation_success.json"));
  Decoder decoder;
  auto typed = decoder.decode_confirmation(golden("confirmation_success.json"));
  ASSERT_TRUE(typed.ok());
  EXPECT_EQ(typed->ticket, 21604324);
}

TEST(EaDecodeGolden, ConfirmationFailed) {
  const Confirmation c = decode_as<Confirmation>("confirmation_failed.json");
  EXPECT_EQ(c.status, "failed");
  EXPECT_EQ(c.ticket, 0);
  EXPECT_DOUBLE_EQ(c.price, 0.0);
  EXPECT_DOUBLE_EQ(c.lot, 0.20);
  EXPECT_EQ(c.message, "Trade execution failed - Error: 10016 Result: 10016 (Invalid SL/TP - Core brain should adjust)");
  EXPECT_EQ(ea_encode_confirmation(c), golden("confirmation_failed.json"));
}

TEST(EaDecodeGolden, ConfirmationUnknown) {
  const Confirmation c = decode_as<Confirmation>("confirmation_unknown.json");
  EXPECT_EQ(c.command_type, "unknown");
  EXPECT_EQ(c.fire_id, "");
  EXPECT_EQ(c.status, "failed");
  EXPECT_EQ(c.ticket, 0);
  EXPECT_DOUBLE_EQ(c.lot, 0.0);
  EXPECT_EQ(c.message, "Unknown command type: modify_sl");
  EXPECT_EQ(ea_encode_confirmation(c), golden("confirmation_unknown.json"));
}

TEST(EaDecodeGolden, CloseConfirmationTicket) {
  const CloseConfirmation c = decode_as<CloseConfirmation>("close_confirmation.json");
  EXPECT_EQ(c.command_type, "close_ticket");
  EXPECT_EQ(c.node_id, "NODE_1234567_998877");
  EXPECT_EQ(c.user_uuid, "USER_UUID_123");
  EXPECT_EQ(c.status, "success");
  EXPECT_EQ(c.ticket, 21604324);
  EXPECT_DOUBLE_EQ(c.close_price, 0.0);
  EXPECT_DOUBLE_EQ(c.lot, 0.20);
  EXPECT_EQ(c.message, "Position closed successfully");
  EXPECT_EQ(c.account, 1234567);
  EXPECT_EQ(c.currency, "USD");
  EXPECT_DOUBLE_EQ(c.balance, 1001.20);
  EXPECT_DOUBLE_EQ(c.equity, 1001.20);
  EXPECT_DOUBLE_EQ(c.free_margin, 1001.20);
  EXPECT_DOUBLE_EQ(c.margin_level, 0.0);
  EXPECT_EQ(c.timestamp, "2025.09.15 19:55:02");
  EXPECT_EQ(ea_encode_close_confirmation(c), golden("close_confirmation.json"));
}

TEST(EaDecodeGolden, CloseConfirmationAll) {
  const CloseConfirmation c = decode_as<CloseConfirmation>("close_confirmation_all.json");
  EXPECT_EQ(c.command_type, "close_all");
  EXPECT_EQ(c.ticket, 0);
  EXPECT_DOUBLE_EQ(c.lot, 0.30);
  EXPECT_EQ(c.message, "Closed 2 positions, 0 failed, Total volume: 0.30");
  EXPECT_EQ(ea_encode_close_confirmation(c), golden("close_confirmation_all.json"));
}

TEST(EaDecodeGolden, Pong) {
  const Pong p = decode_as<Pong>("pong.json");
  EXPECT_EQ(p.ping_id, "ping_1757965280");
  EXPECT_EQ(p.node_id, "NODE_1234567_998877");
  EXPECT_EQ(p.user_uuid, "USER_UUID_123");
  EXPECT_EQ(p.timestamp, "2025.09.15 19:41:20");
  EXPECT_EQ(p.broker_epoch, kTs161 + 4);
  EXPECT_EQ(ea_encode_pong(p), golden("pong.json"));
}

// The EA pastes strings raw: these files are not JSON, the tolerant scanner recovers them.
TEST(EaDecodeGolden, UnescapedQuotesInBrokerAndCompany) {
  const Hello h = decode_as<Hello>("broker_with_quote.txt", ParsePath::Tolerant);
  EXPECT_EQ(h.broker, "Quote\"Markets-Live");
  EXPECT_EQ(h.company, "Quote \"Prime\" Markets, Ltd");
  EXPECT_EQ(h.terminal, "MetaTrader 5");
  EXPECT_EQ(h.leverage, 500);
  EXPECT_EQ(h.timestamp, "2025.09.15 19:41:16");
  // The EA-side encoder reproduces the broken bytes exactly (the quirk), and sanitises on request.
  EXPECT_EQ(ea_encode_hello(h), golden("broker_with_quote.txt"));
  Decoder decoder;
  auto strict = decoder.decode(ea_encode_hello(h, EaFormat{.raw_strings = false}));
  ASSERT_TRUE(strict.ok());
  EXPECT_EQ(decoder.last_path(), ParsePath::Strict);
  EXPECT_EQ(std::get<Hello>(*strict).company, "Quote 'Prime' Markets, Ltd");
}

TEST(EaDecodeGolden, LiteralBackslashes) {
  const Handshake h = decode_as<Handshake>("broker_with_backslash.txt", ParsePath::Tolerant);
  EXPECT_EQ(h.broker, "Back\\Slash FX\\");
  EXPECT_EQ(h.server, "BackSlash\\nLive-2");  // backslash + 'n', not a newline
  EXPECT_EQ(h.chart_symbol, "EURUSD");
  EXPECT_EQ(ea_encode_handshake(h), golden("broker_with_backslash.txt"));
}

TEST(EaDecodeGolden, QuoteAndBraceInsideMessage) {
  const Confirmation c = decode_as<Confirmation>("confirmation_message_quote.txt", ParsePath::Tolerant);
  EXPECT_EQ(c.message, "Symbol not available: EURUSD\"}");
  EXPECT_EQ(c.account, 1234567);
  EXPECT_EQ(c.timestamp, "2025.09.15 19:41:20");
  EXPECT_EQ(ea_encode_confirmation(c), golden("confirmation_message_quote.txt"));
}

TEST(EaDecodeGolden, WireTypeNames) {
  EXPECT_EQ(wire_type(EaMessage{Tick{}}), "TICK");
  EXPECT_EQ(wire_type(EaMessage{TelemetryHeartbeat{}}), "heartbeat");
  EXPECT_EQ(wire_type(EaMessage{DealerHeartbeat{}}), "HEARTBEAT");
  EXPECT_EQ(wire_type(EaMessage{Pong{}}), "pong");
}

}  // namespace
}  // namespace bitten::ea
