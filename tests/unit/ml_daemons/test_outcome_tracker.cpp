// outcome_tracker's logic: grading identical to the backtester's on the same real ticks, restart
// without losing or double-grading, inferred close of a filled fire.
#include <gtest/gtest.h>

#include <set>

#include "../../support/test_paths.hpp"
#include "bitten/backtest/data.hpp"
#include "bitten/backtest/replay.hpp"
#include "bitten/store/fire_repo.hpp"
#include "bitten/store/mission_repo.hpp"
#include "bitten/store/outcome_repo.hpp"
#include "bitten/store/signal_repo.hpp"
#include "bitten/store/user_repo.hpp"
#include "helpers.hpp"
#include "outcome_tracker.hpp"

using namespace bitten;
using namespace bitten::outcomes;

namespace {

constexpr int64_t kMin = 60'000'000'000LL;

SymbolTable symbols() {
  auto t = SymbolTable::load_file(test::source_root() + "/config/symbols.json");
  EXPECT_TRUE(t);
  return std::move(*t);
}

backtest::DataSet real_ticks(const SymbolTable& syms) {
  std::string path = test::source_root() + "/tests/data/ticks/EURUSD_oanda_ticks_2014-05-08_12-14utc.csv";
  auto d = backtest::load_dataset(backtest::Format::LeanTicks, path, "", *syms.find("EURUSD"));
  EXPECT_TRUE(d) << (d ? "" : d.error().message);
  return std::move(*d);
}

// Signals built on real ticks: one every 150 ticks, alternating BUY/SELL, entry at the executable
// side, 6-pip stop, rr cycling 1 / 1.5 / 2, scored (accepted every other one).
std::vector<schema::SignalMsg> signals_on(const backtest::DataSet& d) {
  std::vector<schema::SignalMsg> out;
  const double rrs[] = {1.0, 1.5, 2.0};
  for (size_t i = 50, k = 0; i + 1 < d.ticks.size(); i += 150, ++k) {
    const auto& t = d.ticks[i];
    schema::SignalMsg s;
    s.signal_id = "SIG_T" + std::to_string(k);
    s.symbol = "EURUSD";
    s.direction = k % 2 ? "SELL" : "BUY";
    s.pattern = "BB_SCALP";
    s.timeframe = "M1";
    s.signal_class = "RAPID";
    s.session = "LONDON";
    const double risk = 0.0006, rr = rrs[k % 3];
    s.entry = s.direction == "BUY" ? t.ask : t.bid;
    s.sl = s.direction == "BUY" ? s.entry - risk : s.entry + risk;
    s.tp = s.direction == "BUY" ? s.entry + rr * risk : s.entry - rr * risk;
    s.sl_pips = 6;
    s.tp_pips = 6 * rr;
    s.rr = rr;
    s.confidence = 70;
    s.bar_time_ns = t.time_ns - kMin;
    s.detected_ns = t.time_ns;
    s.score = schema::SignalScore{k % 2 == 0, 0.5, 0.5, "m1", "model_accept", t.time_ns};
    out.push_back(s);
  }
  return out;
}

struct Fixture {
  test::TempDir tmp{"tracker"};
  SymbolTable syms = symbols();
  backtest::DataSet data = real_ticks(syms);
  std::vector<schema::SignalMsg> sigs = signals_on(data);
  TrackerConfig cfg = [] {
    TrackerConfig c;
    c.horizon_min = 30;
    return c;
  }();
};

// Feeds ticks [from, to) and delivers each signal just AFTER the first tick at or past its detection
// time (as live: the detector decides when that tick closes the bar).
void feed(OutcomeTracker& t, const Fixture& f, size_t from, size_t to, std::vector<Event>& out) {
  size_t next = 0;
  while (next < f.sigs.size() && f.sigs[next].detected_ns < (from < f.data.ticks.size() ? f.data.ticks[from].time_ns : 0)) ++next;
  for (size_t i = from; i < to; ++i) {
    const auto& q = f.data.ticks[i];
    t.on_quote("EURUSD", grading::Quote{q.time_ns, q.bid, q.ask}, out);
    while (next < f.sigs.size() && f.sigs[next].detected_ns <= q.time_ns) t.track_signal(f.sigs[next++], out);
  }
}

void expect_same(const store::OutcomeRecord& o, const grading::GradeResult& r, const std::string& id,
                 bool excursions = true) {
  EXPECT_EQ(o.result, std::string(grading::to_string(r.outcome))) << id;
  EXPECT_EQ(o.resolved_ns, r.outcome_ns) << id;
  ASSERT_TRUE(o.exit_price) << id;
  EXPECT_DOUBLE_EQ(*o.exit_price, r.exit_price) << id;
  if (!excursions) return;
  EXPECT_DOUBLE_EQ(o.pips, r.result_pips) << id;
  EXPECT_DOUBLE_EQ(o.r_multiple, r.result_r) << id;
  EXPECT_DOUBLE_EQ(o.mfe_pips, r.mfe_pips) << id;
  EXPECT_DOUBLE_EQ(o.mae_pips, r.mae_pips) << id;
}

}  // namespace

TEST(OutcomeTracker, GradesExactlyAsTheBacktester) {
  Fixture f;
  ASSERT_GT(f.sigs.size(), 20u);
  const auto expected = backtest::grade(f.sigs, f.data, *f.syms.find("EURUSD"), f.cfg.horizon_ns());
  ASSERT_EQ(expected.size(), f.sigs.size());
  auto db = store::Database::open({f.tmp.str("bitten.db")});
  ASSERT_TRUE(db);
  runtime::Health health("outcome_tracker", SystemClock::instance());
  OutcomeTracker t(f.cfg, f.syms, *db, health);
  std::vector<Event> out;
  ASSERT_TRUE(t.restore(out));
  feed(t, f, 0, f.data.ticks.size(), out);
  store::OutcomeRepo repo(*db);
  size_t compared = 0, wins = 0, losses = 0, timeouts = 0;
  for (const auto& g : expected) {
    auto rows = repo.for_signal(g.signal.signal_id);
    ASSERT_TRUE(rows);
    if (rows->empty()) {
      // Undecided live at the end of the data: the backtester can only have flushed a pending TP or
      // left it PENDING.
      EXPECT_TRUE(g.result.outcome == grading::Outcome::Pending || g.result.outcome == grading::Outcome::Win)
          << g.signal.signal_id;
      EXPECT_TRUE(t.tracking_signal(g.signal.signal_id));
      continue;
    }
    ASSERT_EQ(rows->size(), 1u);
    expect_same(rows->front(), g.result, g.signal.signal_id);
    ++compared;
    wins += g.result.outcome == grading::Outcome::Win;
    losses += g.result.outcome == grading::Outcome::Loss;
    timeouts += g.result.outcome == grading::Outcome::Timeout;
  }
  std::cout << compared << " of " << expected.size() << " signals compared: " << wins << " W, " << losses << " L, "
            << timeouts << " T\n";
  EXPECT_GT(compared, expected.size() * 3 / 4);
  EXPECT_GT(wins, 0u);
  EXPECT_GT(losses, 0u);
  // Training rows: label for WIN/LOSS, NULL for TIMEOUT, features = the signal JSON.
  auto labelled = repo.labelled_training();
  ASSERT_TRUE(labelled);
  EXPECT_EQ(labelled->size(), wins + losses);
  for (const auto& r : *labelled) {
    auto s = schema::signal_from_json(nlohmann::json::parse(r.features_json));
    ASSERT_TRUE(s);
    EXPECT_EQ(s->signal_id, r.signal_id);
  }
  // One outcome event per graded signal, on outcome.<SYMBOL>.
  size_t events = 0;
  for (const auto& e : out)
    if (e.type == "outcome") {
      ++events;
      EXPECT_EQ(e.topic, "outcome.EURUSD");
      EXPECT_EQ(e.data["source"], "virtual");
    }
  EXPECT_EQ(events, compared);
}

TEST(OutcomeTracker, RestartRebuildsOpenTrackingsAndGradesNothingTwice) {
  Fixture f;
  const auto expected = backtest::grade(f.sigs, f.data, *f.syms.find("EURUSD"), f.cfg.horizon_ns());
  const size_t cut = f.data.ticks.size() / 2;
  size_t open_at_cut = 0;
  std::set<std::string> restored_ids;
  {
    auto db = store::Database::open({f.tmp.str("bitten.db")});
    ASSERT_TRUE(db);
    runtime::Health health("outcome_tracker", SystemClock::instance());
    OutcomeTracker t(f.cfg, f.syms, *db, health);
    std::vector<Event> out;
    ASSERT_TRUE(t.restore(out));
    feed(t, f, 0, cut, out);
    open_at_cut = t.open_signal_trackings();
    ASSERT_GT(open_at_cut, 0u);
    for (const auto& s : f.sigs)
      if (t.tracking_signal(s.signal_id)) restored_ids.insert(s.signal_id);
  }  // "crash": nothing but the database survives
  auto db = store::Database::open({f.tmp.str("bitten.db")});
  ASSERT_TRUE(db);
  runtime::Health health("outcome_tracker", SystemClock::instance());
  OutcomeTracker t(f.cfg, f.syms, *db, health);
  std::vector<Event> out;
  ASSERT_TRUE(t.restore(out));
  EXPECT_EQ(t.open_signal_trackings(), open_at_cut);
  EXPECT_EQ(health.get("restored_signals"), open_at_cut);
  // The same scored signals arrive again (e.g. a replay): none is graded a second time.
  for (const auto& s : f.sigs)
    if (s.detected_ns <= f.data.ticks[cut - 1].time_ns) t.track_signal(s, out);
  EXPECT_EQ(t.open_signal_trackings(), open_at_cut);
  feed(t, f, cut, f.data.ticks.size(), out);
  store::OutcomeRepo repo(*db);
  size_t graded = 0;
  for (const auto& g : expected) {
    auto rows = repo.for_signal(g.signal.signal_id);
    ASSERT_TRUE(rows);
    ASSERT_LE(rows->size(), 1u) << g.signal.signal_id;
    if (rows->empty()) continue;
    ++graded;
    // No tick was lost across the restart here, so the grades are still the backtester's; a restored
    // tracking's excursions only cover the ticks seen since the restart.
    expect_same(rows->front(), g.result, g.signal.signal_id, !restored_ids.count(g.signal.signal_id));
  }
  EXPECT_GT(graded, expected.size() * 3 / 4);
}

TEST(OutcomeTracker, InfersTheCloseOfAFilledFire) {
  Fixture f;
  auto db = store::Database::open({f.tmp.str("bitten.db")});
  ASSERT_TRUE(db);
  const auto& sig = f.sigs.front();  // a BUY
  ASSERT_EQ(sig.direction, "BUY");
  ASSERT_TRUE(store::SignalRepo(*db).insert(store::to_signal_record(sig, sig.detected_ns)));
  store::UserRecord u;
  u.user_id = "u1";
  u.tier = "COMMANDER";
  ASSERT_TRUE(store::UserRepo(*db).create(u));
  store::MissionRecord m{"M1", "u1", sig.signal_id, 0.1, sig.detected_ns, sig.detected_ns + 15 * kMin};
  ASSERT_TRUE(store::MissionRepo(*db).create(m));
  store::FireRepo fires(*db);
  store::QueueFireRequest req;
  req.fire = store::FireRecord{};
  req.fire.fire_id = "F1";
  req.fire.mission_id = "M1";
  req.fire.user_id = "u1";
  req.fire.signal_id = sig.signal_id;
  req.fire.ea_uuid = "EA1";
  req.fire.symbol = "EURUSD";
  req.fire.direction = "BUY";
  req.fire.lot = 0.5;
  req.fire.sl = sig.sl;
  req.fire.tp = sig.tp;
  req.fire.requested_ns = sig.detected_ns;
  req.max_slots = 3;
  req.now_ns = sig.detected_ns;
  auto q = fires.take_slot_and_queue_fire(req);
  ASSERT_TRUE(q) << q.error().message;
  ASSERT_EQ(q->outcome, store::QueueOutcome::Queued);
  ASSERT_TRUE(fires.mark_sent("F1", sig.detected_ns + 1));
  const double fill = sig.entry + 0.00002;  // 0.2 pip slippage
  ASSERT_TRUE(fires.mark_filled("F1", 777, fill, sig.detected_ns + 2));

  runtime::Health health("outcome_tracker", SystemClock::instance());
  OutcomeTracker t(f.cfg, f.syms, *db, health);
  std::vector<Event> out;
  ASSERT_TRUE(t.restore(out));
  EXPECT_EQ(t.open_fire_trackings(), 1u);
  // Quotes: below the TP, then the bid crosses it.
  t.on_quote("EURUSD", {sig.detected_ns + 10, fill - 0.0002, fill - 0.0001}, out);
  EXPECT_EQ(t.open_fire_trackings(), 1u);
  t.on_quote("EURUSD", {sig.detected_ns + 20, sig.tp + 0.00001, sig.tp + 0.00011}, out);
  t.on_quote("EURUSD", {sig.detected_ns + 30, sig.tp, sig.tp + 0.0001}, out);  // a later time makes the TP final
  EXPECT_EQ(t.open_fire_trackings(), 0u);
  auto after = fires.get("F1");
  ASSERT_TRUE(after && *after);
  EXPECT_EQ((*after)->state, store::FireState::CLOSED);
  EXPECT_TRUE((*after)->close_inferred);
  EXPECT_EQ((*after)->close_result.value_or(""), "WIN");
  ASSERT_TRUE((*after)->close_price);
  EXPECT_DOUBLE_EQ(*(*after)->close_price, sig.tp + 0.00001);
  ASSERT_TRUE((*after)->pnl);
  // EURUSD for a USD account: 10 USD per pip per lot; 0.5 lot.
  EXPECT_NEAR(*(*after)->pnl, ((sig.tp + 0.00001) - fill) / 0.0001 * 10 * 0.5, 1e-6);
  auto outcomes = store::OutcomeRepo(*db).for_signal(sig.signal_id);
  ASSERT_TRUE(outcomes);
  // The signal's own (virtual) grade and the fire's inferred one: one row each.
  size_t fire_rows = 0;
  for (const auto& o : *outcomes) {
    if (!o.fire_id) continue;
    ++fire_rows;
    EXPECT_EQ(*o.fire_id, "F1");
    EXPECT_EQ(o.source, "inferred");
    EXPECT_EQ(o.result, "WIN");
  }
  EXPECT_EQ(fire_rows, 1u);
  bool fire_event = false;
  for (const auto& e : out) fire_event = fire_event || (e.topic == "fire.u1" && e.data["state"] == "CLOSED");
  EXPECT_TRUE(fire_event);
  // A later poll does not track it again.
  t.poll_fires(out);
  EXPECT_EQ(t.open_fire_trackings(), 0u);
}
