#include <gtest/gtest.h>

#include <tuple>

#include "bitten/store/day.hpp"
#include "bitten/store/fire_repo.hpp"
#include "bitten/store/fire_state.hpp"
#include "bitten/store/write_transaction.hpp"
#include "fixtures.hpp"

namespace bitten::store {
namespace {

using namespace testing;
using S = FireState;

TEST(store_FireStateMachine, LegalAndIllegalEdges) {
  EXPECT_TRUE(is_legal_transition(S::REQUESTED, S::QUEUED));
  EXPECT_TRUE(is_legal_transition(S::REQUESTED, S::REJECTED));
  EXPECT_TRUE(is_legal_transition(S::QUEUED, S::SENT));
  EXPECT_TRUE(is_legal_transition(S::QUEUED, S::UNDELIVERABLE));
  EXPECT_TRUE(is_legal_transition(S::QUEUED, S::FILLED));  // confirmation overtook SENT
  EXPECT_TRUE(is_legal_transition(S::SENT, S::FILLED));
  EXPECT_TRUE(is_legal_transition(S::SENT, S::FAILED));
  EXPECT_TRUE(is_legal_transition(S::SENT, S::TIMEOUT));
  EXPECT_TRUE(is_legal_transition(S::TIMEOUT, S::FILLED));  // late fill corrects
  EXPECT_TRUE(is_legal_transition(S::FILLED, S::CLOSED));
  EXPECT_FALSE(is_legal_transition(S::SENT, S::QUEUED));
  EXPECT_FALSE(is_legal_transition(S::FILLED, S::SENT));
  EXPECT_FALSE(is_legal_transition(S::FILLED, S::TIMEOUT));
  EXPECT_FALSE(is_legal_transition(S::UNDELIVERABLE, S::FILLED));
  EXPECT_FALSE(is_legal_transition(S::REJECTED, S::QUEUED));
  EXPECT_FALSE(is_legal_transition(S::CLOSED, S::FILLED));
  EXPECT_FALSE(is_legal_transition(S::TIMEOUT, S::CLOSED));
  for (auto s : {S::REJECTED, S::UNDELIVERABLE, S::FAILED, S::CLOSED}) EXPECT_TRUE(is_terminal(s));
  EXPECT_FALSE(is_terminal(S::TIMEOUT));
  EXPECT_TRUE(is_in_flight(S::QUEUED));
  EXPECT_TRUE(is_in_flight(S::SENT));
  EXPECT_FALSE(is_in_flight(S::FILLED));
}

TEST(store_FireStateMachine, NamesRoundTrip) {
  for (int i = 0; i <= static_cast<int>(S::CLOSED); ++i) {
    auto s = static_cast<S>(i);
    EXPECT_EQ(parse_fire_state(to_string(s)), s);
  }
  EXPECT_FALSE(parse_fire_state("BOGUS").has_value());
}

class store_Fires : public ::testing::Test {
 protected:
  void SetUp() override {
    add_user(db, "u1");
    add_user(db, "u2");
  }
  TempDir dir;
  Database db = open_db(dir.file("fires.db"));
  FireRepo fires{db};
};

TEST_F(store_Fires, QueuesWhenASlotIsFree) {
  auto m = add_mission(db, "u1", "S1");
  auto r = fires.take_slot_and_queue_fire(queue_req("F1", "u1", m, "S1", 1));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->outcome, QueueOutcome::Queued);
  EXPECT_EQ(r->fire.state, S::QUEUED);
  EXPECT_EQ(r->slots_used, 0);
  auto got = fires.get("F1");
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->state, S::QUEUED);
  EXPECT_EQ((*got)->queued_ns, 10);
}

TEST_F(store_Fires, SlotsFullIsRecordedAsRejected) {
  auto m1 = add_mission(db, "u1", "S1");
  auto m2 = add_mission(db, "u1", "S2");
  ASSERT_EQ(fires.take_slot_and_queue_fire(queue_req("F1", "u1", m1, "S1", 1))->outcome, QueueOutcome::Queued);
  auto r = fires.take_slot_and_queue_fire(queue_req("F2", "u1", m2, "S2", 1));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->outcome, QueueOutcome::Rejected);
  EXPECT_EQ(r->fire.reason, reason::kSlotsFull);
  EXPECT_EQ(r->slots_used, 1);
  auto row = fires.get("F2");
  ASSERT_TRUE(row.ok() && row->has_value());
  EXPECT_EQ((*row)->state, S::REJECTED);
  EXPECT_EQ((*row)->reason, "slots_full");
  // Near miss: with two slots the same request is queued.
  auto r2 = fires.take_slot_and_queue_fire(queue_req("F3", "u1", m2, "S2", 2));
  EXPECT_EQ(r2->outcome, QueueOutcome::Queued);
}

TEST_F(store_Fires, SlotsAreFreedByTerminalStatesAndHeldByOpenPositions) {
  auto m1 = add_mission(db, "u1", "S1");
  auto m2 = add_mission(db, "u1", "S2");
  ASSERT_EQ(fires.take_slot_and_queue_fire(queue_req("F1", "u1", m1, "S1", 1))->outcome, QueueOutcome::Queued);
  ASSERT_TRUE(fires.mark_sent("F1", 20).ok());
  ASSERT_TRUE(fires.mark_filled("F1", 555, 1.1001, 30).ok());
  EXPECT_EQ(*fires.slots_used("u1"), 1);  // open position holds the slot
  EXPECT_EQ(fires.take_slot_and_queue_fire(queue_req("F2", "u1", m2, "S2", 1))->outcome, QueueOutcome::Rejected);
  TransitionData close;
  close.close_price = 1.104;
  close.pnl = 30;
  close.close_result = "WIN";
  ASSERT_TRUE(fires.mark_closed("F1", close, 40).ok());
  EXPECT_EQ(*fires.slots_used("u1"), 0);
  EXPECT_EQ(fires.take_slot_and_queue_fire(queue_req("F3", "u1", m2, "S2", 1))->outcome, QueueOutcome::Queued);
}

TEST_F(store_Fires, RepeatedIdempotencyKeyReturnsTheOriginalFire) {
  auto m1 = add_mission(db, "u1", "S1");
  auto req = queue_req("F1", "u1", m1, "S1", 3);
  req.fire.idempotency_key = "click-1";
  ASSERT_EQ(fires.take_slot_and_queue_fire(req)->outcome, QueueOutcome::Queued);
  auto again = queue_req("F9", "u1", m1, "S1", 3);
  again.fire.idempotency_key = "click-1";
  auto r = fires.take_slot_and_queue_fire(again);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->outcome, QueueOutcome::Duplicate);
  EXPECT_EQ(r->fire.fire_id, "F1");
  EXPECT_FALSE(fires.get("F9")->has_value());
  // Near miss: the same key from another user is a different request.
  auto m2 = add_mission(db, "u2", "S1");
  auto other = queue_req("F10", "u2", m2, "S1", 3);
  other.fire.idempotency_key = "click-1";
  EXPECT_EQ(fires.take_slot_and_queue_fire(other)->outcome, QueueOutcome::Queued);
}

TEST_F(store_Fires, OneLiveFirePerMission) {
  auto m1 = add_mission(db, "u1", "S1");
  ASSERT_EQ(fires.take_slot_and_queue_fire(queue_req("F1", "u1", m1, "S1", 3))->outcome, QueueOutcome::Queued);
  auto r = fires.take_slot_and_queue_fire(queue_req("F2", "u1", m1, "S1", 3));
  EXPECT_EQ(r->outcome, QueueOutcome::Rejected);
  EXPECT_EQ(r->fire.reason, reason::kMissionAlreadyFired);
  // An undelivered fire frees the mission for a retry.
  ASSERT_TRUE(fires.mark_undeliverable("F1", "ea_offline", 20).ok());
  EXPECT_EQ(fires.take_slot_and_queue_fire(queue_req("F3", "u1", m1, "S1", 3))->outcome, QueueOutcome::Queued);
}

TEST_F(store_Fires, OppositeExposureOnTheSymbolIsRefused) {
  auto m1 = add_mission(db, "u1", "S1", "EURUSD", "BUY");
  auto m2 = add_mission(db, "u1", "S2", "EURUSD", "SELL");
  auto m3 = add_mission(db, "u1", "S3", "GBPUSD", "SELL");
  ASSERT_EQ(fires.take_slot_and_queue_fire(queue_req("F1", "u1", m1, "S1", 3))->outcome, QueueOutcome::Queued);
  auto r = fires.take_slot_and_queue_fire(queue_req("F2", "u1", m2, "S2", 3, "EURUSD", "SELL"));
  EXPECT_EQ(r->outcome, QueueOutcome::Rejected);
  EXPECT_EQ(r->fire.reason, reason::kOppositePosition);
  // Near miss: a SELL on another symbol is fine.
  EXPECT_EQ(fires.take_slot_and_queue_fire(queue_req("F3", "u1", m3, "S3", 3, "GBPUSD", "SELL"))->outcome,
            QueueOutcome::Queued);
}

TEST_F(store_Fires, FullLifecycleOpensAndClosesThePosition) {
  auto m1 = add_mission(db, "u1", "S1");
  ASSERT_TRUE(fires.take_slot_and_queue_fire(queue_req("F1", "u1", m1, "S1", 3)).ok());
  auto sent = fires.mark_sent("F1", 20);
  ASSERT_TRUE(sent.ok());
  EXPECT_TRUE(sent->applied);
  EXPECT_EQ(sent->from, S::QUEUED);
  EXPECT_EQ(sent->fire.state, S::SENT);  // the row as the same statement left it
  EXPECT_EQ(sent->fire.sent_ns, 20);
  EXPECT_EQ(sent->fire.updated_ns, 20);
  EXPECT_EQ(sent->fire.lot, (*fires.get("F1"))->lot);
  EXPECT_EQ((*fires.get("F1"))->state, S::SENT);  // committed
  auto filled = fires.mark_filled("F1", 21604324, 1.1003, 30);
  ASSERT_TRUE(filled.ok());
  EXPECT_EQ(filled->fire.ticket, 21604324);
  EXPECT_EQ(filled->fire.fill_price, 1.1003);
  auto open = fires.open_positions("u1");
  ASSERT_EQ(open->size(), 1u);
  EXPECT_EQ(open->front().open_price, 1.1003);
  EXPECT_EQ(*fires.open_fires_count("u1"), 1);
  TransitionData close;
  close.close_price = 1.098;
  close.pnl = -20;
  close.pips = -23;
  close.close_result = "LOSS";
  close.inferred = true;
  close.reason = "sl_hit";
  auto closed = fires.mark_closed("F1", close, 40);
  ASSERT_TRUE(closed.ok());
  EXPECT_TRUE(closed->fire.close_inferred);
  EXPECT_EQ(closed->fire.closed_ns, 40);
  EXPECT_TRUE(fires.open_positions("u1")->empty());
  auto pos = fires.positions_for_user("u1", 10);
  ASSERT_EQ(pos->size(), 1u);
  EXPECT_EQ(pos->front().status, "CLOSED");
  EXPECT_TRUE(pos->front().inferred);
  EXPECT_EQ(pos->front().pnl, -20);
}

TEST_F(store_Fires, IllegalTransitionsAreRefusedAndRepeatsAreHarmless) {
  auto m1 = add_mission(db, "u1", "S1");
  ASSERT_TRUE(fires.take_slot_and_queue_fire(queue_req("F1", "u1", m1, "S1", 3)).ok());
  ASSERT_TRUE(fires.mark_sent("F1", 20).ok());
  auto back = fires.transition("F1", S::QUEUED, {}, 21);
  ASSERT_FALSE(back.ok());
  EXPECT_EQ(back.error().code, "illegal_transition");
  auto again = fires.mark_sent("F1", 22);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->applied);
  EXPECT_EQ(again->fire.sent_ns, 20);
  auto missing = fires.mark_sent("NOPE", 22);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, "fire_not_found");
  ASSERT_TRUE(fires.mark_filled("F1", 1, 1.1, 30).ok());
  EXPECT_EQ(fires.mark_timeout("F1", 31).error().code, "illegal_transition");
  EXPECT_EQ(fires.mark_sent("F1", 32).error().code, "illegal_transition");  // never SENT after FILLED
  auto m2 = add_mission(db, "u1", "S2");
  ASSERT_TRUE(fires.take_slot_and_queue_fire(queue_req("F2", "u1", m2, "S2", 3)).ok());
  ASSERT_TRUE(fires.mark_undeliverable("F2", "ea_offline", 33).ok());
  EXPECT_EQ(fires.mark_sent("F2", 34).error().code, "illegal_transition");
  EXPECT_EQ((*fires.get("F2"))->state, S::UNDELIVERABLE);
}

TEST_F(store_Fires, TryMarkSentTakesOnlyAQueuedFireAndJoinsTheCallersTransaction) {
  auto m1 = add_mission(db, "u1", "S1");
  ASSERT_TRUE(fires.take_slot_and_queue_fire(queue_req("F1", "u1", m1, "S1", 3)).ok());
  {
    // The router's fast path: a rolled-back transaction leaves the fire QUEUED, to be sent later.
    WriteTransaction tx(db);
    auto row = fires.try_mark_sent("F1", 20);
    ASSERT_TRUE(row.ok() && row->has_value()) << (row.ok() ? "" : row.error().message);
    EXPECT_EQ((*row)->state, S::SENT);
    EXPECT_EQ((*row)->sent_ns, 20);
    EXPECT_EQ((*row)->user_id, "u1");
  }
  EXPECT_EQ((*fires.get("F1"))->state, S::QUEUED);
  auto row = fires.try_mark_sent("F1", 21);  // on its own: committed by the statement
  ASSERT_TRUE(row.ok() && row->has_value());
  EXPECT_EQ((*fires.get("F1"))->state, S::SENT);
  EXPECT_EQ((*fires.get("F1"))->sent_ns, 21);
  auto again = fires.try_mark_sent("F1", 22);  // not QUEUED any more: nothing, nothing changed
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->has_value());
  EXPECT_EQ((*fires.get("F1"))->sent_ns, 21);
  auto missing = fires.try_mark_sent("NOPE", 22);
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
}

TEST_F(store_Fires, QueueCheckedInsertsOnlyInsideTheCallersTransaction) {
  auto m1 = add_mission(db, "u1", "S1");
  FireRecord f = queue_req("F1", "u1", m1, "S1", 1).fire;
  auto outside = fires.queue_checked(f, 30);  // unchecked: refused, nothing written
  ASSERT_FALSE(outside.ok());
  EXPECT_EQ(outside.error().code, "not_in_transaction");
  EXPECT_FALSE(fires.get("F1")->has_value());
  {
    WriteTransaction tx(db);
    auto q = fires.queue_checked(f, 30);
    ASSERT_TRUE(q.ok()) << q.error().message;
    EXPECT_EQ(q->state, S::QUEUED);
    EXPECT_EQ(q->queued_ns, 30);
    EXPECT_EQ(q->updated_ns, 30);
    FireRecord second = queue_req("F2", "u1", m1, "S1", 1).fire;  // the same mission: the index holds
    EXPECT_FALSE(fires.queue_checked(second, 31).ok());
    tx.commit();
  }
  EXPECT_EQ((*fires.get("F1"))->state, S::QUEUED);
  EXPECT_EQ((*fires.get("F1"))->queued_ns, 30);
  EXPECT_FALSE(fires.get("F2")->has_value());
}

TEST_F(store_Fires, ExposureListsOpenPositionsAndInFlightFiresOnly) {
  auto m1 = add_mission(db, "u1", "S1");
  auto m2 = add_mission(db, "u1", "S2");
  auto m3 = add_mission(db, "u1", "S3");
  auto m4 = add_mission(db, "u2", "S1");
  ASSERT_TRUE(fires.take_slot_and_queue_fire(queue_req("F1", "u1", m1, "S1", 9, "EURUSD", "BUY")).ok());
  ASSERT_TRUE(fires.take_slot_and_queue_fire(queue_req("F2", "u1", m2, "S2", 9, "XAUUSD", "SELL")).ok());
  ASSERT_TRUE(fires.mark_sent("F2", 20).ok());
  ASSERT_TRUE(fires.mark_filled("F2", 77, 2000.5, 21).ok());  // an open position now
  ASSERT_TRUE(fires.record_rejected(queue_req("F3", "u1", m3, "S3", 9).fire, "spread_too_wide", "", 22).ok());
  ASSERT_TRUE(fires.take_slot_and_queue_fire(queue_req("F4", "u2", m4, "S1", 9)).ok());  // another user's
  auto as_tuples = [](const Result<std::vector<ExposureRow>>& rows) {
    std::vector<std::tuple<std::string, std::string, std::string>> out;
    if (rows) for (const auto& r : *rows) out.emplace_back(r.fire_id, r.symbol, r.direction);
    return out;
  };
  using T = std::tuple<std::string, std::string, std::string>;
  EXPECT_EQ(as_tuples(fires.open_exposure("u1")), (std::vector<T>{{"F2", "XAUUSD", "SELL"}}));
  EXPECT_EQ(as_tuples(fires.in_flight_exposure("u1")), (std::vector<T>{{"F1", "EURUSD", "BUY"}}));
  ASSERT_TRUE(fires.mark_sent("F1", 23).ok());  // SENT is still in flight
  EXPECT_EQ(fires.in_flight_exposure("u1")->size(), 1u);
  EXPECT_TRUE(fires.open_exposure("nobody")->empty());
}

TEST_F(store_Fires, LateFillAfterTimeoutCorrectsTheState) {
  auto m1 = add_mission(db, "u1", "S1");
  ASSERT_TRUE(fires.take_slot_and_queue_fire(queue_req("F1", "u1", m1, "S1", 3)).ok());
  ASSERT_TRUE(fires.mark_sent("F1", 20).ok());
  ASSERT_TRUE(fires.mark_timeout("F1", 50).ok());
  auto late = fires.mark_filled("F1", 77, 1.1002, 60);
  ASSERT_TRUE(late.ok());
  EXPECT_EQ(late->from, S::TIMEOUT);
  EXPECT_EQ(late->fire.state, S::FILLED);
  EXPECT_EQ(late->fire.timeout_ns, 50);
  EXPECT_EQ(fires.open_positions("u1")->size(), 1u);
}

TEST_F(store_Fires, ConfirmationOvertakingSentStillFills) {
  auto m1 = add_mission(db, "u1", "S1");
  ASSERT_TRUE(fires.take_slot_and_queue_fire(queue_req("F1", "u1", m1, "S1", 3)).ok());
  auto f = fires.mark_filled("F1", 5, 1.1, 30);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->fire.sent_ns, 30);
}

TEST_F(store_Fires, FireIdMustBeShortPrintableAscii) {
  auto m1 = add_mission(db, "u1", "S1");
  auto too_long = fires.take_slot_and_queue_fire(queue_req(std::string(32, 'A'), "u1", m1, "S1", 3));
  ASSERT_FALSE(too_long.ok());
  EXPECT_EQ(too_long.error().code, "db_constraint");
  auto spaced = fires.take_slot_and_queue_fire(queue_req("F 1", "u1", m1, "S1", 3));
  ASSERT_FALSE(spaced.ok());
  auto non_ascii = fires.take_slot_and_queue_fire(queue_req("F\xC3\xA9", "u1", m1, "S1", 3));
  ASSERT_FALSE(non_ascii.ok());
  EXPECT_EQ(fires.take_slot_and_queue_fire(queue_req(std::string(31, 'A'), "u1", m1, "S1", 3))->outcome,
            QueueOutcome::Queued);
}

TEST_F(store_Fires, RecordRejectedHonoursTheIdempotencyKey) {
  FireRecord f;
  f.fire_id = "R1";
  f.user_id = "u1";
  f.idempotency_key = "k";
  auto r = fires.record_rejected(f, "tier_read_only", "PRESS", 5);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->outcome, QueueOutcome::Rejected);
  f.fire_id = "R2";
  auto d = fires.record_rejected(f, "tier_read_only", "PRESS", 6);
  EXPECT_EQ(d->outcome, QueueOutcome::Duplicate);
  EXPECT_EQ(d->fire.fire_id, "R1");
}

TEST_F(store_Fires, TodaysTradesAndRealizedPnl) {
  const int64_t day = 86'400LL * 1'000'000'000LL;
  const int64_t now = 20'000 * day + 5;
  auto m1 = add_mission(db, "u1", "S1");
  auto m2 = add_mission(db, "u1", "S2", "GBPUSD");
  auto m3 = add_mission(db, "u1", "S3", "USDJPY");
  auto yesterday = queue_req("F0", "u1", m1, "S1", 9);
  yesterday.fire.requested_ns = now - day;
  yesterday.now_ns = now - day;
  ASSERT_TRUE(fires.take_slot_and_queue_fire(yesterday).ok());
  ASSERT_TRUE(fires.mark_undeliverable("F0", "x", now - day).ok());
  auto a = queue_req("F1", "u1", m1, "S1", 9);
  a.fire.requested_ns = a.now_ns = now;
  auto b = queue_req("F2", "u1", m2, "S2", 9, "GBPUSD");
  b.fire.requested_ns = b.now_ns = now;
  auto c = queue_req("F3", "u1", m3, "S3", 9, "USDJPY");
  c.fire.requested_ns = c.now_ns = now;
  ASSERT_TRUE(fires.take_slot_and_queue_fire(a).ok());
  ASSERT_TRUE(fires.take_slot_and_queue_fire(b).ok());
  ASSERT_TRUE(fires.take_slot_and_queue_fire(c).ok());
  ASSERT_TRUE(fires.mark_failed("F3", "broker 10019", now).ok());  // broker refused: not a trade
  EXPECT_EQ(*fires.trades_today("u1", now), 2);
  ASSERT_TRUE(fires.mark_filled("F1", 1, 1.1, now).ok());
  ASSERT_TRUE(fires.mark_filled("F2", 2, 1.3, now).ok());
  TransitionData l;
  l.pnl = -12.5;
  TransitionData w;
  w.pnl = 4.0;
  ASSERT_TRUE(fires.mark_closed("F1", l, now + 1).ok());
  ASSERT_TRUE(fires.mark_closed("F2", w, now + 2).ok());
  EXPECT_DOUBLE_EQ(*fires.realized_pnl_today("u1", now + 3), -8.5);
  EXPECT_DOUBLE_EQ(*fires.realized_pnl_today("u1", now + day), 0.0);  // next UTC day
  EXPECT_EQ(*fires.trades_today("u1", now + day), 0);
  EXPECT_EQ(*fires.count_active(), 0);
}

TEST_F(store_Fires, StaleSentFiresAreFoundForTheTimeoutSweeper) {
  auto m1 = add_mission(db, "u1", "S1");
  ASSERT_TRUE(fires.take_slot_and_queue_fire(queue_req("F1", "u1", m1, "S1", 3)).ok());
  ASSERT_TRUE(fires.mark_sent("F1", 100).ok());
  EXPECT_TRUE(fires.stale(S::SENT, 100, 10)->empty());
  auto s = fires.stale(S::SENT, 101, 10);
  ASSERT_EQ(s->size(), 1u);
  EXPECT_EQ(s->front().fire_id, "F1");
}

TEST(store_Day, UtcDayBoundaries) {
  const int64_t day = 86'400LL * 1'000'000'000LL;
  EXPECT_EQ(utc_day(0), 0);
  EXPECT_EQ(utc_day(day - 1), 0);
  EXPECT_EQ(utc_day(day), 1);
  EXPECT_EQ(utc_day(-1), -1);
  EXPECT_EQ(utc_day_start_ns(day + 12345), day);
}

}  // namespace
}  // namespace bitten::store
