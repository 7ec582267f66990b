#include "bitten/risk/fire_service.hpp"

#include "bitten/risk/reasons.hpp"
#include "bitten/store/ea_repo.hpp"
#include "bitten/store/fire_repo.hpp"
#include "bitten/store/mission_repo.hpp"
#include "bitten/store/errors.hpp"
#include "bitten/store/read_transaction.hpp"
#include "bitten/store/signal_repo.hpp"
#include "bitten/store/system_repo.hpp"
#include "bitten/store/user_repo.hpp"
#include "bitten/store/write_transaction.hpp"

namespace bitten::risk {

namespace {

FireOutcome from_record(const store::FireRecord& f, bool duplicate) {
  FireOutcome o;
  o.fire_id = f.fire_id;
  o.state = f.state;
  o.reason = f.reason;
  o.detail = f.reason_detail;
  o.duplicate = duplicate;
  o.record = f;
  return o;
}

}  // namespace

Result<RiskSnapshot> FireService::load_snapshot(const FireRequest& req, const QuoteSource& quotes) {
  RiskSnapshot s;
  s.quotes = quotes;
  store::ReadTransaction snapshot(db_);  // every row below from the same state of the database
  auto halt = store::SystemRepo(db_).global_halt();
  if (!halt) return halt.error();
  s.global_halt = halt->halted;
  s.global_halt_reason = halt->reason;
  store::UserRepo users(db_);
  auto user = users.get(req.user_id);
  if (!user) return user.error();
  s.user = *user;
  if (!s.user) return s;
  auto mode = users.mode(req.user_id);
  if (!mode) return mode.error();
  s.user_mode = *mode;
  auto min_p = users.auto_min_probability(req.user_id);
  if (!min_p) return min_p.error();
  s.auto_min_probability = *min_p;
  auto mission = store::MissionRepo(db_).get(req.mission_id);
  if (!mission) return mission.error();
  s.mission = *mission;
  store::FireRepo fires(db_);
  if (s.mission) {
    auto sig = store::SignalRepo(db_).get(s.mission->signal_id);
    if (!sig) return sig.error();
    s.signal = *sig;
    auto live = fires.live_for_mission(s.mission->mission_id);
    if (!live) return live.error();
    if (*live) s.mission_live_fire = (*live)->fire_id;
  }
  auto ea = store::EaRepo(db_).for_user(req.user_id);
  if (!ea) return ea.error();
  s.ea = *ea;
  auto pnl = fires.realized_pnl_today(req.user_id, req.now_ns);
  if (!pnl) return pnl.error();
  s.realized_pnl_today = *pnl;
  auto trades = fires.trades_today(req.user_id, req.now_ns);
  if (!trades) return trades.error();
  s.trades_today = *trades;
  auto open = fires.open_exposure(req.user_id);
  if (!open) return open.error();
  s.open_positions = std::move(*open);
  auto flying = fires.in_flight_exposure(req.user_id);
  if (!flying) return flying.error();
  s.in_flight = std::move(*flying);
  return s;
}

Result<RiskDecision> FireService::preview(const FireRequest& req, const QuoteSource& quotes) {
  auto snap = load_snapshot(req, quotes);
  if (!snap) return snap.error();
  return evaluate(config_, symbols_, req, *snap);
}

Result<FireOutcome> FireService::fire(const FireRequest& req, const QuoteSource& quotes) {
  // The whole decision under the write lock, in one transaction: the snapshot the rules read is the
  // state the fire is written into (nothing can change between the check and the insert), and the
  // fire costs one transaction instead of a read snapshot plus a write that re-reads.
  return store::guarded("fire", [&]() -> Result<FireOutcome> {
    store::WriteTransaction tx(db_);
    auto out = decide_and_write(req, quotes);
    if (out) tx.commit();
    return out;  // an error rolls everything back
  });
}

Result<FireOutcome> FireService::decide_and_write(const FireRequest& req, const QuoteSource& quotes) {
  store::FireRepo fires(db_);
  // A repeated client key returns the original fire.
  if (req.idempotency_key) {
    auto prior = fires.find_by_key(req.user_id, *req.idempotency_key);
    if (!prior) return prior.error();
    if (*prior) return from_record(**prior, true);
  }
  auto snap = load_snapshot(req, quotes);
  if (!snap) return snap.error();
  const RiskDecision d = evaluate(config_, symbols_, req, *snap);
  if (!snap->user) {
    FireOutcome o;
    o.reason = d.reason;
    o.detail = d.detail;
    return o;
  }

  store::FireRecord f;
  f.fire_id = ids_.next("F", req.now_ns);
  if (f.fire_id.size() > 31) return make_error("bad_fire_id", "generated fire id longer than 31 characters");
  f.user_id = req.user_id;
  if (snap->mission && snap->mission->user_id == req.user_id) {
    f.mission_id = snap->mission->mission_id;
    f.signal_id = snap->mission->signal_id;
  } else {
    f.reason_detail = "mission " + req.mission_id;
  }
  f.mode = std::string(to_string(req.mode));
  f.idempotency_key = req.idempotency_key;
  f.requested_ns = req.now_ns;
  if (snap->signal) {
    f.symbol = snap->signal->symbol;
    f.direction = snap->signal->direction;
    f.sl = snap->signal->sl;
    f.tp = snap->signal->tp;
  }
  if (snap->ea) f.ea_uuid = snap->ea->uuid;

  if (!d.approved) {
    auto r = fires.record_rejected(f, d.reason, d.detail, req.now_ns);
    if (!r) return r.error();
    return from_record(r->fire, r->outcome == store::QueueOutcome::Duplicate);
  }

  const ApprovedOrder& o = *d.order;
  f.ea_uuid = o.ea_uuid;
  f.lot = o.lot;
  f.entry = o.entry;
  f.sl = o.sl;
  f.tp = o.tp;
  f.risk_pct = o.risk_pct;
  f.risk_amount = o.risk_amount;
  f.balance_used = o.balance;
  // The snapshot the rules passed was read under this transaction's write lock (fire() holds it),
  // so nothing it checked can have changed: the insert needs no second round of the same reads.
  // Called outside a transaction, queue_checked refuses rather than insert unchecked.
  auto r = fires.queue_checked(f, req.now_ns);
  if (!r) return r.error();
  FireOutcome out = from_record(*r, false);
  out.order = o;
  out.command = EaFireCommand{o.ea_uuid, r->fire_id, o.symbol, o.direction, o.entry, o.sl, o.tp, o.lot};
  return out;
}

schema::CommandMsg to_command(const EaFireCommand& c, const std::string& user_id, int64_t now_ns) {
  schema::CommandMsg m;
  m.command_id = c.fire_id;
  m.kind = "fire";
  m.target_uuid = c.target_uuid;
  m.user_id = user_id;
  m.symbol = c.symbol;
  m.direction = c.direction;
  m.sl = c.sl;
  m.tp = c.tp;
  m.lot = c.lot;
  m.requested_ns = now_ns;
  return m;
}

}  // namespace bitten::risk
