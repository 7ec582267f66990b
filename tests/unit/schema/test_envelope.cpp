#include <gtest/gtest.h>

#include "bitten/schema/envelope.hpp"
#include "bitten/schema/tick.hpp"

using namespace bitten;
using namespace bitten::schema;

TEST(Envelope, WriterStampsSourceAndSequence) {
  EnvelopeWriter w("telemetry_bridge");
  auto a = w.make("tick", 10, {{"x", 1}});
  auto b = w.make("tick", 11, {{"x", 2}});
  EXPECT_EQ(a.seq, 1u);
  EXPECT_EQ(b.seq, 2u);
  auto back = decode_envelope(encode(b));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->src, "telemetry_bridge");
  EXPECT_EQ(back->seq, 2u);
  EXPECT_EQ(back->ts, 11);
  EXPECT_EQ(back->data["x"], 2);
}

TEST(Envelope, SequenceCountsPerMessageType) {
  // A subscriber of ticks only must not see the publisher's other types as lost ticks.
  EnvelopeWriter w("telemetry_bridge");
  EXPECT_EQ(w.make("tick", 1, {}).seq, 1u);
  EXPECT_EQ(w.make("ea_status", 2, {}).seq, 1u);
  EXPECT_EQ(w.make("tick", 3, {}).seq, 2u);
  EXPECT_EQ(w.make("bar", 4, {}).seq, 1u);
  EXPECT_EQ(w.next_seq("tick"), 3u);
  EXPECT_EQ(w.make("ea_status", 5, {}).seq, 2u);
  SeqTracker ticks;
  EXPECT_EQ(ticks.observe(1), 0u);
  EXPECT_EQ(ticks.observe(2), 0u);
  EXPECT_EQ(ticks.observe(4), 1u);  // 3 was taken by next_seq: one tick lost
  EXPECT_EQ(ticks.total_missed(), 1u);
}

TEST(Envelope, RejectsBadEnvelopesWithReasons) {
  EXPECT_EQ(decode_envelope("nope").error().code, "not_json");
  EXPECT_EQ(decode_envelope("[1,2]").error().code, "bad_envelope");
  EXPECT_EQ(decode_envelope(R"({"type":"tick","v":1,"src":"x","seq":1,"ts":1})").error().code, "bad_envelope");
  EXPECT_EQ(decode_envelope(R"({"type":"tick","v":2,"src":"x","seq":1,"ts":1,"data":{}})").error().code,
            "unsupported_version");
  EXPECT_EQ(decode_envelope(R"({"type":"tick","v":1,"src":"x","seq":-1,"ts":1,"data":{}})").error().code,
            "bad_envelope");
  // Unknown fields are ignored.
  EXPECT_TRUE(decode_envelope(R"({"type":"tick","v":1,"src":"x","seq":1,"ts":1,"data":{},"extra":true})"));
}

TEST(Envelope, SeqTrackerCountsGapsAndRestarts) {
  SeqTracker t;
  EXPECT_EQ(t.observe(1), 0u);
  EXPECT_EQ(t.observe(2), 0u);
  EXPECT_EQ(t.observe(5), 2u);
  EXPECT_EQ(t.observe(1), 0u);  // publisher restarted
  EXPECT_EQ(t.observe(2), 0u);
  EXPECT_EQ(t.total_missed(), 2u);
}

TEST(Envelope, FastTickEncoderMatchesTheDomEncoderByteForByte) {
  EnvelopeWriter w("telemetry_bridge");
  for (double bid : {1.17602, 150.123, 2300.5, 2300.0, 1.0, 0.0001, 0.00001, 0.0, 123456789.25}) {
    TickMsg m{"EURUSD", bid, bid + 0.00003, 3.0, 1757965276000000000, "USER_UUID_123", "2025.09.15 19:41:16"};
    auto env = w.make("tick", 1757965276123456789, to_json(m));
    std::string fast;
    append_tick_envelope(fast, "telemetry_bridge", env.seq, env.ts, m, 5);
    EXPECT_EQ(fast, encode(env));
  }
}
