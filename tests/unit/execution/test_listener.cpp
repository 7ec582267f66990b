// ConfirmListener on a real SQLite file: fills, failures, late confirmations after TIMEOUT, the
// timeout sweep, close confirmations matched by ticket, pongs and bad input.
#include <gtest/gtest.h>

#include "bitten/ea/ea_encoder.hpp"
#include "bitten/ea/ea_fire_rules.hpp"
#include "bitten/execution/confirm_listener.hpp"
#include "exec_fixture.hpp"

namespace bitten::execution {
namespace {

using namespace testing;
using store::FireState;

class execution_Listener : public ::testing::Test {
 protected:
  void SetUp() override {
    w.add_user("u1", "COMMANDER");
    w.add_ea("EA_U1", "u1");
  }
  ea::EaAccount account(const std::string& uuid = "EA_U1") {
    return {"NODE_" + uuid, uuid, 1234567, "USD", 10000, 10000, 9000, 2000};
  }
  std::string confirmation(const std::string& fire_id, bool ok, int64_t ticket = 21604324, double price = 1.10012,
                           const std::string& uuid = "EA_U1") {
    auto c = ea::ea_make_confirmation(account(uuid), "fire", ok, ok ? ticket : 0, ok ? price : 0, 0.2,
                                      ok ? ea::kEaFireSuccessMessage : ea::ea_fire_failure_message(4756, 10016),
                                      fire_id, "2025.09.15 19:41:20");
    return ea::ea_encode_confirmation(c);
  }
  std::string close_confirmation(const std::string& type, int64_t ticket, const std::string& uuid = "EA_U1") {
    auto c = ea::ea_make_close_confirmation(account(uuid), type, true, ticket, 0, 0.2, ea::kEaCloseSuccessMessage,
                                            "2025.09.15 20:00:00");
    return ea::ea_encode_close_confirmation(c);
  }
  std::string sent_fire(const std::string& signal, int64_t now = kNow) {
    auto f = w.queue_fire("u1", signal, now);
    EXPECT_TRUE(store::FireRepo(w.db).mark_sent(f.fire_id, now).ok());
    return f.fire_id;
  }
  const Event* last(const std::string& topic) {
    for (auto it = out.rbegin(); it != out.rend(); ++it)
      if (it->topic == topic) return &*it;
    return nullptr;
  }

  World w;
  runtime::Health health{"confirm_listener", SystemClock::instance()};
  ListenerOptions opt;
  Events out;
};

TEST_F(execution_Listener, SuccessFillsWithTicketAndPriceAndOpensThePosition) {
  ConfirmListener l(w.db, symbols(), opt, health);
  auto id = sent_fire("S1");
  l.on_payload(confirmation(id, true), kNow + kSec, out);
  auto f = w.fire(id);
  EXPECT_EQ(f.state, FireState::FILLED);
  EXPECT_EQ(f.ticket, 21604324);
  EXPECT_DOUBLE_EQ(*f.fill_price, 1.10012);
  auto e = last("fire.u1");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->type, "fire_event");
  EXPECT_EQ(e->data["state"], "FILLED");
  EXPECT_EQ(e->data["prev_state"], "SENT");
  EXPECT_EQ(e->data["ticket"], 21604324);
  EXPECT_EQ(store::FireRepo(w.db).open_positions("u1")->size(), 1u);
  // A repeated confirmation changes nothing and publishes nothing.
  out.clear();
  l.on_payload(confirmation(id, true), kNow + 2 * kSec, out);
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(health.get("duplicate_confirmations"), 1u);
}

TEST_F(execution_Listener, FailureCarriesTheEaMessage) {
  ConfirmListener l(w.db, symbols(), opt, health);
  auto id = sent_fire("S1");
  l.on_payload(confirmation(id, false), kNow + kSec, out);
  auto f = w.fire(id);
  EXPECT_EQ(f.state, FireState::FAILED);
  EXPECT_NE(f.reason.find("Error: 4756"), std::string::npos) << f.reason;
  EXPECT_EQ(last("fire.u1")->data["state"], "FAILED");
}

TEST_F(execution_Listener, SweepTimesOutSilentFiresAndALateFillCorrectsIt) {
  ConfirmListener l(w.db, symbols(), opt, health);
  auto id = sent_fire("S1");
  l.sweep(kNow + opt.confirm_timeout_ns - kSec, out);
  EXPECT_EQ(w.fire(id).state, FireState::SENT);
  l.sweep(kNow + opt.confirm_timeout_ns + kSec, out);
  EXPECT_EQ(w.fire(id).state, FireState::TIMEOUT);
  EXPECT_EQ(last("fire.u1")->data["state"], "TIMEOUT");
  l.on_payload(confirmation(id, true), kNow + 5 * 60 * kSec, out);
  EXPECT_EQ(w.fire(id).state, FireState::FILLED);
  EXPECT_EQ(last("fire.u1")->data["prev_state"], "TIMEOUT");
  EXPECT_EQ(health.get("late_confirmations"), 1u);
}

TEST_F(execution_Listener, QueuedFireTheRouterNeverTookTimesOut) {
  ConfirmListener l(w.db, symbols(), opt, health);
  auto f = w.queue_fire("u1", "S1");
  l.sweep(kNow + opt.queued_timeout_ns + kSec, out);
  EXPECT_EQ(w.fire(f.fire_id).state, FireState::TIMEOUT);
  EXPECT_EQ(health.get("timeouts_queued"), 1u);
}

TEST_F(execution_Listener, UnknownFireIdsAndContradictionsAreCounted) {
  ConfirmListener l(w.db, symbols(), opt, health);
  l.on_payload(confirmation("F_NOPE", true), kNow, out);
  EXPECT_EQ(health.get("unknown_fire_id"), 1u);
  auto f = w.queue_fire("u1", "S1");
  ASSERT_TRUE(store::FireRepo(w.db).mark_undeliverable(f.fire_id, "ea_offline", kNow).ok());
  l.on_payload(confirmation(f.fire_id, true), kNow, out);
  EXPECT_EQ(health.get("contradicting_confirmations"), 1u);
  EXPECT_NE(last("alert.contradicting_confirmation"), nullptr);
  // An "unknown command" answer, a stray type, garbage.
  l.on_payload(ea::ea_encode_confirmation(ea::ea_make_unknown_confirmation(account(), "modify_sl", "2025.09.15 19:41:20")),
               kNow, out);
  EXPECT_EQ(health.get("unknown_command_confirmations"), 1u);
  l.on_payload("{\"type\":\"confirmation\"", kNow, out);
  l.on_frames({"a", "b"}, kNow, out);
  EXPECT_EQ(health.get("drop_bad_frames"), 1u);
}

TEST_F(execution_Listener, CloseConfirmationMatchesTheTicketAndUsesTheLastQuote) {
  ConfirmListener l(w.db, symbols(), opt, health);
  auto a = sent_fire("S1");
  l.on_payload(confirmation(a, true, 111, 1.10010), kNow, out);
  l.on_quote("EURUSD", 1.10110, 1.10120, kNow + 10 * kSec);
  l.on_payload(close_confirmation("close_ticket", 999), kNow + 20 * kSec, out);
  EXPECT_EQ(health.get("close_unmatched"), 1u);
  EXPECT_EQ(w.fire(a).state, FireState::FILLED);
  // Another EA's ticket with the same number does not close ours.
  l.on_payload(close_confirmation("close_ticket", 111, "EA_OTHER"), kNow + 20 * kSec, out);
  EXPECT_EQ(w.fire(a).state, FireState::FILLED);
  l.on_payload(close_confirmation("close_ticket", 111), kNow + 20 * kSec, out);
  auto f = w.fire(a);
  EXPECT_EQ(f.state, FireState::CLOSED);
  ASSERT_TRUE(f.close_price.has_value());
  EXPECT_DOUBLE_EQ(*f.close_price, 1.10110);  // a BUY closes at the bid
  EXPECT_EQ(last("fire.u1")->data["state"], "CLOSED");
  EXPECT_TRUE(store::FireRepo(w.db).open_positions("u1")->empty());
}

TEST_F(execution_Listener, CloseAllClosesEveryOpenPositionOfThatEa) {
  ConfirmListener l(w.db, symbols(), opt, health);
  auto a = sent_fire("S1");
  l.on_payload(confirmation(a, true, 111), kNow, out);
  auto b = sent_fire("S2");
  l.on_payload(confirmation(b, true, 222), kNow, out);
  l.on_payload(close_confirmation("close_all", 0), kNow + 60 * kSec, out);  // no fresh quote: price unknown
  EXPECT_EQ(w.fire(a).state, FireState::CLOSED);
  EXPECT_EQ(w.fire(b).state, FireState::CLOSED);
  EXPECT_FALSE(w.fire(a).close_price.has_value());
  EXPECT_EQ(health.get("close_price_unknown"), 2u);
}

TEST_F(execution_Listener, PongPublishesTheRoundTrip) {
  ConfirmListener l(w.db, symbols(), opt, health);
  const int64_t sent_ms = kNow / 1'000'000;
  l.on_payload(ea::ea_encode_pong(ea::ea_make_pong(account(), "ping_" + std::to_string(sent_ms), "2025.09.15 19:41:20")),
               kNow + 42 * 1'000'000, out);
  auto e = last("ea.pong");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->data["latency_ms"], 42);
  EXPECT_EQ(ping_id_time_ms("ping_1757965280"), 1757965280000);
  EXPECT_EQ(ping_id_time_ms("P_ABC"), -1);
}

// A fill that arrives while another connection holds the write lock beyond the busy timeout is not
// lost: it is kept, counted, and applied by the next sweep once the lock is gone (before any timeout).
TEST_F(execution_Listener, AFillRefusedByABusyDatabaseIsKeptAndAppliedOnTheNextSweep) {
  auto id = sent_fire("S1");
  ASSERT_TRUE(w.db.set_busy_timeout(20).ok());
  ConfirmListener l(w.db, symbols(), opt, health);
  auto locker = open_db(w.db_path);
  locker.sql().exec("BEGIN EXCLUSIVE");
  l.on_payload(confirmation(id, true), kNow + kSec, out);
  EXPECT_EQ(health.get("db_errors"), 1u);
  EXPECT_EQ(health.get("confirmations_deferred"), 1u);
  EXPECT_EQ(l.pending_confirmations(), 1u);
  l.sweep(kNow + 2 * kSec, out);  // still locked: kept, in order
  EXPECT_EQ(l.pending_confirmations(), 1u);
  locker.sql().exec("COMMIT");
  // Long after the confirmation timeout: the deferred fill is applied before the sweep's TIMEOUT.
  l.sweep(kNow + opt.confirm_timeout_ns + 10 * kSec, out);
  EXPECT_EQ(l.pending_confirmations(), 0u);
  EXPECT_EQ(health.get("confirmations_retried"), 1u);
  auto f = w.fire(id);
  EXPECT_EQ(f.state, FireState::FILLED);
  EXPECT_EQ(f.ticket, 21604324);
  auto e = last("fire.u1");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->data["state"], "FILLED");
}

}  // namespace
}  // namespace bitten::execution
