// Server command encoders: exact bytes, refusals, and a round trip through the EA's own parser.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "bitten/ea/commands.hpp"
#include "bitten/ea/ea_command_parser.hpp"
#include "bitten/ea/errors.hpp"
#include "golden.hpp"

namespace bitten::ea {
namespace {

using test::golden;

FireCommand doc_fire() {
  FireCommand c;
  c.target_uuid = "USER_UUID_123";
  c.fire_id = "ELITE_RAPID_EURUSD_1757950692";
  c.symbol = "EURUSD";
  c.direction = Direction::Buy;
  c.entry = 0;
  c.sl = 1.17455;
  c.tp = 1.17830;
  c.lot = 0.2;
  return c;
}

TEST(EaCommands, FireExactBytes) {
  auto bytes = encode_fire(doc_fire(), 5);
  ASSERT_TRUE(bytes.ok()) << bytes.error().code;
  EXPECT_EQ(*bytes, golden("fire_command.json"));
}

TEST(EaCommands, FireSellThreeDigits) {
  FireCommand c;
  c.target_uuid = "USER_UUID_123";
  c.fire_id = "ELITE_RAPID_USDJPY_1757950700";
  c.symbol = "USDJPY";
  c.direction = Direction::Sell;
  c.sl = 147.6;
  c.tp = 147.1;
  c.lot = 0.1;
  auto bytes = encode_fire(c, 3);
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(*bytes, golden("fire_command_sell_usdjpy.json"));
}

TEST(EaCommands, CloseAllCloseTicketPingExactBytes) {
  auto all = encode_close_all("USER_UUID_123");
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(*all, golden("close_all_command.json"));
  auto ticket = encode_close_ticket("USER_UUID_123", 21604324);
  ASSERT_TRUE(ticket.ok());
  EXPECT_EQ(*ticket, golden("close_ticket_command.json"));
  auto ping = encode_ping("USER_UUID_123", "ping_1757965280");
  ASSERT_TRUE(ping.ok());
  EXPECT_EQ(*ping, golden("ping_command.json"));
}

void expect_refused(const Result<std::string>& r, std::string_view code) {
  ASSERT_FALSE(r.ok()) << "accepted: " << *r;
  EXPECT_EQ(r.error().code, code);
  EXPECT_TRUE(is_known_error_code(r.error().code));
  EXPECT_FALSE(r.error().message.empty());
}

TEST(EaCommands, FireIdValidation) {
  for (const char* bad : {"", "has space", "quote\"x", "back\\slash", "comma,x", "brace}x", "bracket]x",
                          "tab\tx", "nul\x01x", "\xc3\xa9t\xc3\xa9"}) {
    FireCommand c = doc_fire();
    c.fire_id = bad;
    expect_refused(encode_fire(c, 5), codes::kBadFireId);
  }
  FireCommand c = doc_fire();
  c.fire_id = std::string(31, 'A');
  EXPECT_TRUE(encode_fire(c, 5).ok());
  c.fire_id = std::string(32, 'A');
  expect_refused(encode_fire(c, 5), codes::kBadFireId);
  c.fire_id = "sig-1:a{b[c";  // harmless for the EA's reader
  EXPECT_TRUE(encode_fire(c, 5).ok());
}

TEST(EaCommands, UuidSymbolPingValidation) {
  FireCommand c = doc_fire();
  c.target_uuid = "";  // an empty target would be accepted by EVERY EA
  expect_refused(encode_fire(c, 5), codes::kBadUuid);
  c = doc_fire();
  c.symbol = "EUR USD";
  expect_refused(encode_fire(c, 5), codes::kBadSymbol);
  expect_refused(encode_close_all("a\"b"), codes::kBadUuid);
  expect_refused(encode_close_all(std::string(65, 'u')), codes::kBadUuid);
  expect_refused(encode_close_ticket("USER_UUID_123", 0), codes::kBadTicket);
  expect_refused(encode_close_ticket("USER_UUID_123", -5), codes::kBadTicket);
  expect_refused(encode_ping("USER_UUID_123", ""), codes::kBadPingId);
  expect_refused(encode_ping("USER_UUID_123", "p,1"), codes::kBadPingId);
}

TEST(EaCommands, NumberValidation) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  FireCommand c = doc_fire();
  c.sl = nan;
  expect_refused(encode_fire(c, 5), "bad_price:sl");
  c = doc_fire();
  c.tp = inf;
  expect_refused(encode_fire(c, 5), "bad_price:tp");
  c = doc_fire();
  c.entry = -1;
  expect_refused(encode_fire(c, 5), "bad_price:entry");
  for (double lot : {0.0, -0.1, 0.004, nan, inf, 5000.0}) {
    c = doc_fire();
    c.lot = lot;
    expect_refused(encode_fire(c, 5), codes::kBadLot);
  }
  c = doc_fire();
  c.lot = 0.005;  // rounds to 0.01: allowed
  auto ok = encode_fire(c, 5);
  ASSERT_TRUE(ok.ok());
  EXPECT_NE(ok->find("\"lot\":0.01}"), std::string::npos);
  expect_refused(encode_fire(doc_fire(), -1), codes::kBadDigits);
  expect_refused(encode_fire(doc_fire(), 11), codes::kBadDigits);
}

TEST(EaCommands, SlTpZeroMeansNone) {
  FireCommand c = doc_fire();
  c.sl = 0;
  c.tp = 0;
  auto bytes = encode_fire(c, 5);
  ASSERT_TRUE(bytes.ok());
  EXPECT_NE(bytes->find(",\"entry\":0,\"sl\":0,\"tp\":0,\"lot\":0.20}"), std::string::npos) << *bytes;
}

TEST(EaCommands, EveryCommandFitsTheEaBuffer) {
  FireCommand c = doc_fire();
  c.target_uuid = std::string(64, 'U');
  c.symbol = std::string(64, 'S');
  c.fire_id = std::string(31, 'F');
  c.sl = 1e15;
  c.tp = 1e15;
  c.entry = 1e15;
  auto bytes = encode_fire(c, 10);
  ASSERT_TRUE(bytes.ok());
  EXPECT_LE(bytes->size(), kMaxCommandBytes);
}

// Round trip: what we encode is read back field by field by the EA's substring parser.
TEST(EaCommands, FireRoundTripThroughEaParser) {
  auto bytes = encode_fire(doc_fire(), 5);
  ASSERT_TRUE(bytes.ok());
  const EaCommand cmd = ea_parse_command(*bytes, "USER_UUID_123");
  ASSERT_EQ(cmd.kind, EaCommandKind::Fire);
  EXPECT_EQ(cmd.type, "fire");
  EXPECT_EQ(cmd.target_uuid, "USER_UUID_123");
  EXPECT_EQ(cmd.fire.fire_id, "ELITE_RAPID_EURUSD_1757950692");
  EXPECT_EQ(cmd.fire.symbol, "EURUSD");
  EXPECT_EQ(cmd.fire.direction, "BUY");
  EXPECT_DOUBLE_EQ(cmd.fire.entry, 0);
  EXPECT_DOUBLE_EQ(cmd.fire.sl, 1.17455);
  EXPECT_DOUBLE_EQ(cmd.fire.tp, 1.17830);
  EXPECT_DOUBLE_EQ(cmd.fire.lot, 0.20);
  EXPECT_FALSE(cmd.fire.hybrid);
}

TEST(EaCommands, OtherCommandsRoundTripThroughEaParser) {
  const EaCommand all = ea_parse_command(*encode_close_all("USER_UUID_123"), "USER_UUID_123");
  EXPECT_EQ(all.kind, EaCommandKind::CloseAll);
  const EaCommand ticket = ea_parse_command(*encode_close_ticket("USER_UUID_123", 21604324), "USER_UUID_123");
  EXPECT_EQ(ticket.kind, EaCommandKind::CloseTicket);
  EXPECT_EQ(ticket.ticket, 21604324);
  const EaCommand ping = ea_parse_command(*encode_ping("USER_UUID_123", "ping_1757965280"), "USER_UUID_123");
  EXPECT_EQ(ping.kind, EaCommandKind::Ping);
  EXPECT_EQ(ping.ping_id, "ping_1757965280");
}

// Any safe fire_id survives the EA's parser unchanged (a property over many generated ids).
TEST(EaCommands, SafeFireIdsSurviveEaParser) {
  std::string alphabet;
  for (char ch = 0x21; ch < 0x7f; ++ch)
    if (is_safe_token(std::string_view(&ch, 1))) alphabet += ch;
  uint64_t state = 12345;
  for (int i = 0; i < 2000; ++i) {
    FireCommand c = doc_fire();
    c.fire_id.clear();
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    const size_t length = 1 + (state >> 33) % 31;
    for (size_t k = 0; k < length; ++k) {
      state = state * 6364136223846793005ULL + 1442695040888963407ULL;
      c.fire_id += alphabet[(state >> 33) % alphabet.size()];
    }
    auto bytes = encode_fire(c, 5);
    ASSERT_TRUE(bytes.ok()) << c.fire_id;
    const EaCommand cmd = ea_parse_command(*bytes, "USER_UUID_123");
    ASSERT_EQ(cmd.kind, EaCommandKind::Fire) << *bytes;
    EXPECT_EQ(cmd.fire.fire_id, c.fire_id) << *bytes;
    EXPECT_EQ(cmd.fire.symbol, "EURUSD") << *bytes;
    EXPECT_DOUBLE_EQ(cmd.fire.lot, 0.20) << *bytes;
  }
}

}  // namespace
}  // namespace bitten::ea
