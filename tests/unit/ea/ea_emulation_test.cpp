// EA-side emulation: the EA's substring parser, dispatch and fire rules, and its reply messages.
#include <gtest/gtest.h>

#include "bitten/ea/decoder.hpp"
#include "bitten/ea/ea_command_parser.hpp"
#include "bitten/ea/ea_encoder.hpp"
#include "bitten/ea/ea_fire_rules.hpp"
#include "golden.hpp"

namespace bitten::ea {
namespace {

using test::golden;

TEST(EaParser, ExtractJsonValueRules) {
  const std::string j = R"({"a":"x y","b": 	12.5 ,"c":[1,2],"d":true}, "e":"unterminated)";
  EXPECT_EQ(ea_extract_json_value(j, "a"), "x y");
  EXPECT_EQ(ea_extract_json_value(j, "b"), "12.5 ");  // bare token runs to , } ] (trailing space kept)
  EXPECT_EQ(ea_extract_json_value(j, "c"), "[1");
  EXPECT_EQ(ea_extract_json_value(j, "d"), "true");
  EXPECT_EQ(ea_extract_json_value(j, "e"), "unterminated");
  EXPECT_EQ(ea_extract_json_value(j, "missing"), "");
  EXPECT_EQ(ea_extract_json_value(R"({"k":""})", "k"), "");
  EXPECT_EQ(ea_extract_json_value(R"({"k" : "v"})", "k"), "");  // space before ':' defeats the search
  EXPECT_EQ(ea_extract_json_value(R"({"k":)", "k"), "");
  EXPECT_EQ(ea_extract_json_value(R"({"k":"a\"b"})", "k"), "a\\");  // no escape handling
}

TEST(EaParser, MqlNumberConversions) {
  EXPECT_DOUBLE_EQ(mql_string_to_double("0.20"), 0.2);
  EXPECT_DOUBLE_EQ(mql_string_to_double(" 1.17455 "), 1.17455);
  EXPECT_DOUBLE_EQ(mql_string_to_double("1e-5"), 1e-5);
  EXPECT_DOUBLE_EQ(mql_string_to_double("-3.5xyz"), -3.5);
  EXPECT_DOUBLE_EQ(mql_string_to_double("abc"), 0);
  EXPECT_DOUBLE_EQ(mql_string_to_double(""), 0);
  EXPECT_DOUBLE_EQ(mql_string_to_double("NaN"), 0);
  EXPECT_EQ(mql_string_to_integer("21604324"), 21604324);
  EXPECT_EQ(mql_string_to_integer(" -7,"), -7);
  EXPECT_EQ(mql_string_to_integer("x"), 0);
}

TEST(EaParser, NestedKeysWinByFirstOccurrence) {
  const EaCommand c = ea_parse_command(golden("fire_command_nested_first_occurrence.json"), "USER_UUID_123");
  ASSERT_EQ(c.kind, EaCommandKind::Fire);
  EXPECT_EQ(c.fire.symbol, "GBPUSD");  // from the nested "meta" object, which comes first
  EXPECT_DOUBLE_EQ(c.fire.lot, 5);
  EXPECT_EQ(c.fire.fire_id, "ELITE_RAPID_EURUSD_1757950692");
  EXPECT_DOUBLE_EQ(c.fire.sl, 1.17455);
}

TEST(EaParser, PythonSpacedJsonParsesButHybridIsMissed) {
  const EaCommand c = ea_parse_command(golden("fire_command_python_spaced.json"), "USER_UUID_123");
  ASSERT_EQ(c.kind, EaCommandKind::Fire);
  EXPECT_EQ(c.fire.symbol, "EURUSD");
  EXPECT_EQ(c.fire.direction, "BUY");
  EXPECT_DOUBLE_EQ(c.fire.tp, 1.1783);
  EXPECT_DOUBLE_EQ(c.fire.lot, 0.2);
  EXPECT_FALSE(c.fire.hybrid);  // `"hybrid": {"enabled": true` does not match the exact text
  const EaCommand exact = ea_parse_command(golden("fire_command_hybrid_exact.json"), "USER_UUID_123");
  EXPECT_TRUE(exact.fire.hybrid);
}

TEST(EaParser, TargetUuidMismatchIsIgnoredSilently) {
  const std::string cmd = golden("fire_command.json");
  EXPECT_EQ(ea_parse_command(cmd, "SOMEONE_ELSE_456").kind, EaCommandKind::Ignored);
  EXPECT_EQ(ea_parse_command(cmd, "USER_UUID_123").kind, EaCommandKind::Fire);
  // No target_uuid at all: every EA accepts it.
  EXPECT_EQ(ea_parse_command(R"({"type":"close_all"})", "ANY_UUID_0001").kind, EaCommandKind::CloseAll);
  EXPECT_EQ(ea_parse_command("", "USER_UUID_123").kind, EaCommandKind::Ignored);
}

TEST(EaParser, UnknownTypeAndTypelessCommands) {
  const EaCommand u = ea_parse_command(R"({"type":"modify_sl","target_uuid":"USER_UUID_123"})", "USER_UUID_123");
  EXPECT_EQ(u.kind, EaCommandKind::Unknown);
  EXPECT_EQ(u.type, "modify_sl");
  // command_bus.py messages have no type at all.
  const EaCommand none = ea_parse_command(R"({"fire_id":"x","cmd":"MODIFY_SL"})", "USER_UUID_123");
  EXPECT_EQ(none.kind, EaCommandKind::Unknown);
  EXPECT_EQ(none.type, "");
  // The reply is exactly the golden unknown confirmation.
  EaAccount acct{"NODE_1234567_998877", "USER_UUID_123", 1234567, "USD", 1000.0, 998.40, 950.0, 2100.0};
  const Confirmation reply = ea_make_unknown_confirmation(acct, u.type, "2025.09.15 19:41:25");
  EXPECT_EQ(ea_encode_confirmation(reply), golden("confirmation_unknown.json"));
}

TEST(EaParser, ReceiveBufferTruncatesAt4096AndStopsAtNul) {
  std::string cmd = R"({"type":"ping","target_uuid":"USER_UUID_123","ping_id":"p1","pad":")";
  cmd += std::string(5000, 'x');
  cmd += "\"}";
  EXPECT_EQ(ea_receive_buffer(cmd).size(), kEaReceiveBufferBytes);
  const EaCommand c = ea_parse_command(cmd, "USER_UUID_123");
  EXPECT_EQ(c.kind, EaCommandKind::Ping);
  EXPECT_EQ(c.text.size(), kEaReceiveBufferBytes);
  // A key beyond byte 4096 is invisible to the EA.
  std::string late = R"({"type":"fire","target_uuid":"USER_UUID_123","pad":")" + std::string(4100, 'x') +
                     R"(","symbol":"EURUSD"})";
  EXPECT_EQ(ea_parse_command(late, "USER_UUID_123").fire.symbol, "");
  const std::string with_nul = std::string(R"({"type":"ping","ping_id":"a)") + '\0' + "b\"}";
  EXPECT_EQ(ea_parse_command(with_nul, "X").ping_id, "a");
}

TEST(EaFireRules, DirectionHandling) {
  EXPECT_TRUE(ea_direction_is_buy("BUY", 0, 1.1, 1.2));
  EXPECT_TRUE(ea_direction_is_buy("buy", 0, 1.1, 1.2));
  EXPECT_FALSE(ea_direction_is_buy("Buy", 0, 1.1, 1.2));  // anything else is SELL
  EXPECT_FALSE(ea_direction_is_buy("SELL", 0, 1.1, 1.2));
  EXPECT_FALSE(ea_direction_is_buy("LONG", 0, 1.1, 1.2));
  EXPECT_TRUE(ea_direction_is_buy("", 0, 1.1, 1.2));        // no direction, entry 0 -> BUY
  EXPECT_TRUE(ea_direction_is_buy("", 1.19, 1.1, 1.2));     // closer to ask
  EXPECT_FALSE(ea_direction_is_buy("", 1.11, 1.1, 1.2));    // closer to bid
  EXPECT_FALSE(ea_direction_is_buy("", 1.15, 1.1, 1.2));    // tie -> SELL
  // "side" is read when "direction" is missing.
  const EaCommand c = ea_parse_command(R"({"type":"fire","symbol":"EURUSD","side":"buy","lot":0.1})", "U");
  EXPECT_EQ(c.fire.direction, "buy");
}

TEST(EaFireRules, StopSanitisation) {
  // BUY at 1.10: SL must be below, TP above.
  EaStops b = ea_sanitise_stops(true, 1.10, 1.09, 1.12);
  EXPECT_DOUBLE_EQ(b.sl, 1.09);
  EXPECT_DOUBLE_EQ(b.tp, 1.12);
  b = ea_sanitise_stops(true, 1.10, 1.11, 1.09);  // both on the wrong side -> silently 0
  EXPECT_DOUBLE_EQ(b.sl, 0);
  EXPECT_DOUBLE_EQ(b.tp, 0);
  b = ea_sanitise_stops(true, 1.10, 1.10, 1.10);  // equal is not strictly below/above
  EXPECT_DOUBLE_EQ(b.sl, 0);
  EXPECT_DOUBLE_EQ(b.tp, 0);
  // SELL mirrored.
  EaStops s = ea_sanitise_stops(false, 1.10, 1.11, 1.08);
  EXPECT_DOUBLE_EQ(s.sl, 1.11);
  EXPECT_DOUBLE_EQ(s.tp, 1.08);
  s = ea_sanitise_stops(false, 1.10, 1.09, 1.12);
  EXPECT_DOUBLE_EQ(s.sl, 0);
  EXPECT_DOUBLE_EQ(s.tp, 0);
  s = ea_sanitise_stops(false, 1.10, -1, -1);
  EXPECT_DOUBLE_EQ(s.sl, 0);
  EXPECT_DOUBLE_EQ(s.tp, 0);
}

TEST(EaFireRules, LotCommentAndPlan) {
  EXPECT_DOUBLE_EQ(ea_order_volume(0), 0.01);
  EXPECT_DOUBLE_EQ(ea_order_volume(-2), 0.01);
  EXPECT_DOUBLE_EQ(ea_order_volume(0.237), 0.237);  // no normalisation
  EXPECT_EQ(ea_order_comment(""), "BITTEN_DEALER");
  EXPECT_EQ(ea_order_comment("F1"), "F1");

  const EaCommand c = ea_parse_command(golden("fire_command.json"), "USER_UUID_123");
  EaFirePlan plan = ea_plan_fire(c.fire, true, 1.17602, 1.17605);
  ASSERT_TRUE(plan.ok);
  EXPECT_TRUE(plan.order.is_buy);
  EXPECT_DOUBLE_EQ(plan.order.price, 1.17605);
  EXPECT_DOUBLE_EQ(plan.order.volume, 0.20);
  EXPECT_DOUBLE_EQ(plan.order.sl, 1.17455);
  EXPECT_DOUBLE_EQ(plan.order.tp, 1.17830);
  EXPECT_EQ(plan.order.comment, "ELITE_RAPID_EURUSD_1757950692");
  // Price has moved past the TP: the EA opens without a target.
  plan = ea_plan_fire(c.fire, true, 1.17900, 1.17903);
  ASSERT_TRUE(plan.ok);
  EXPECT_DOUBLE_EQ(plan.order.tp, 0);
  EXPECT_DOUBLE_EQ(plan.order.sl, 1.17455);

  plan = ea_plan_fire(c.fire, false, 1.1, 1.2);
  EXPECT_FALSE(plan.ok);
  EXPECT_EQ(plan.failure_message, "Symbol not available: EURUSD");
  plan = ea_plan_fire(c.fire, true, 0, 0);
  EXPECT_FALSE(plan.ok);
  EXPECT_EQ(plan.failure_message, "No quotes available for EURUSD");
}

TEST(EaFireRules, ReplyTextsAndMessages) {
  EXPECT_EQ(ea_fire_failure_message(10016, 10016),
            "Trade execution failed - Error: 10016 Result: 10016 (Invalid SL/TP - Core brain should adjust)");
  EXPECT_EQ(ea_fire_failure_message(4756, 10019), "Trade execution failed - Error: 4756 Result: 10019");
  EXPECT_EQ(ea_close_all_message(2, 0, 0.3), "Closed 2 positions, 0 failed, Total volume: 0.30");

  EaAccount acct{"NODE_1234567_998877", "USER_UUID_123", 1234567, "USD", 1000.0, 998.40, 950.0, 2100.0};
  const Confirmation ok = ea_make_confirmation(acct, "fire", true, 21604324, 1.17605, 0.2,
                                               kEaFireSuccessMessage, "ELITE_RAPID_EURUSD_1757950692",
                                               "2025.09.15 19:41:20");
  EXPECT_EQ(ea_encode_confirmation(ok), golden("confirmation_success.json"));
  const Confirmation failed = ea_make_confirmation(acct, "fire", false, 0, 0, 0.2, ea_fire_failure_message(10016, 10016),
                                                   "ELITE_RAPID_GBPUSD_1757950701", "2025.09.15 19:41:22");
  EXPECT_EQ(ea_encode_confirmation(failed), golden("confirmation_failed.json"));

  EaAccount after{"NODE_1234567_998877", "USER_UUID_123", 1234567, "USD", 1001.20, 1001.20, 1001.20, 0.0};
  const CloseConfirmation closed = ea_make_close_confirmation(after, "close_ticket", true, 21604324, 0, 0.2,
                                                              kEaCloseSuccessMessage, "2025.09.15 19:55:02");
  EXPECT_EQ(ea_encode_close_confirmation(closed), golden("close_confirmation.json"));

  const EaCommand ping = ea_parse_command(golden("ping_command.json"), "USER_UUID_123");
  const Pong pong = ea_make_pong(acct, ping.ping_id, "2025.09.15 19:41:20");
  EXPECT_EQ(ea_encode_pong(pong), golden("pong.json"));
  // And the server decodes what the emulated EA sends.
  auto decoded = decode_message(ea_encode_pong(pong));
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(std::get<Pong>(*decoded).ping_id, "ping_1757965280");
}

}  // namespace
}  // namespace bitten::ea
