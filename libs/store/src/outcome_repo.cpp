#include "bitten/store/outcome_repo.hpp"
#include "statement_cache.hpp"

#include "bitten/store/errors.hpp"
#include "sql_util.hpp"

namespace bitten::store {

using namespace detail;

namespace {
constexpr const char* kCols =
    "signal_id, fire_id, result, exit_price, pips, r_multiple, mfe_pips, mae_pips, opened_ns, resolved_ns, source";

OutcomeRecord read_outcome(SQLite::Statement& q) {
  OutcomeRecord o;
  o.signal_id = q.getColumn(0).getString();
  o.fire_id = opt_str(q.getColumn(1));
  o.result = q.getColumn(2).getString();
  o.exit_price = opt_dbl(q.getColumn(3));
  o.pips = q.getColumn(4).getDouble();
  o.r_multiple = q.getColumn(5).getDouble();
  o.mfe_pips = q.getColumn(6).getDouble();
  o.mae_pips = q.getColumn(7).getDouble();
  o.opened_ns = i64(q.getColumn(8));
  o.resolved_ns = i64(q.getColumn(9));
  o.source = q.getColumn(10).getString();
  return o;
}
}  // namespace

Result<bool> OutcomeRepo::record(const OutcomeRecord& o) {
  return guarded("record outcome", [&]() -> Result<bool> {
    CachedStatement q_cached(db_.sql(), std::string("INSERT INTO outcomes (") + kCols +
                                       ") VALUES (?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING");
    SQLite::Statement& q = *q_cached;
    q.bind(1, o.signal_id);
    bind_opt(q, 2, o.fire_id);
    q.bind(3, o.result);
    bind_opt(q, 4, o.exit_price);
    q.bind(5, o.pips);
    q.bind(6, o.r_multiple);
    q.bind(7, o.mfe_pips);
    q.bind(8, o.mae_pips);
    bind_i64(q, 9, o.opened_ns);
    bind_i64(q, 10, o.resolved_ns);
    q.bind(11, o.source);
    return q.exec() == 1;
  });
}

Result<std::vector<OutcomeRecord>> OutcomeRepo::for_signal(const std::string& signal_id) {
  return guarded("outcomes for signal", [&]() -> Result<std::vector<OutcomeRecord>> {
    CachedStatement q_cached(db_.sql(), std::string("SELECT ") + kCols + " FROM outcomes WHERE signal_id = ? ORDER BY outcome_id");
    SQLite::Statement& q = *q_cached;
    q.bind(1, signal_id);
    std::vector<OutcomeRecord> out;
    while (q.executeStep()) out.push_back(read_outcome(q));
    return out;
  });
}

Result<std::vector<OutcomeRecord>> OutcomeRepo::resolved_since(int64_t since_ns, int limit) {
  return guarded("outcomes since", [&]() -> Result<std::vector<OutcomeRecord>> {
    CachedStatement q_cached(db_.sql(), std::string("SELECT ") + kCols +
                                       " FROM outcomes WHERE resolved_ns >= ? ORDER BY resolved_ns LIMIT ?");
    SQLite::Statement& q = *q_cached;
    bind_i64(q, 1, since_ns);
    q.bind(2, limit);
    std::vector<OutcomeRecord> out;
    while (q.executeStep()) out.push_back(read_outcome(q));
    return out;
  });
}

Status OutcomeRepo::put_training(const TrainingRow& r) {
  return guarded("put training row", [&]() -> Status {
    CachedStatement q_cached(db_.sql(),
                        "INSERT INTO ml_training (signal_id, features_json, label, result, accepted, detected_ns, "
                        "resolved_ns) VALUES (?,?,?,?,?,?,?) ON CONFLICT(signal_id) DO UPDATE SET "
                        "features_json = excluded.features_json, label = excluded.label, result = excluded.result, "
                        "accepted = excluded.accepted, detected_ns = excluded.detected_ns, "
                        "resolved_ns = excluded.resolved_ns");
    SQLite::Statement& q = *q_cached;
    q.bind(1, r.signal_id);
    q.bind(2, r.features_json);
    if (r.label) q.bind(3, *r.label); else q.bind(3);
    q.bind(4, r.result);
    q.bind(5, r.accepted ? 1 : 0);
    bind_i64(q, 6, r.detected_ns);
    bind_i64(q, 7, r.resolved_ns);
    q.exec();
    return ok_status();
  });
}

Result<std::vector<TrainingRow>> OutcomeRepo::labelled_training(int64_t since_ns) {
  return guarded("training rows", [&]() -> Result<std::vector<TrainingRow>> {
    CachedStatement q_cached(db_.sql(),
                        "SELECT signal_id, features_json, label, result, accepted, detected_ns, resolved_ns "
                        "FROM ml_training WHERE label IS NOT NULL AND detected_ns >= ? ORDER BY detected_ns, signal_id");
    SQLite::Statement& q = *q_cached;
    bind_i64(q, 1, since_ns);
    std::vector<TrainingRow> out;
    while (q.executeStep()) {
      TrainingRow r;
      r.signal_id = q.getColumn(0).getString();
      r.features_json = q.getColumn(1).getString();
      r.label = q.getColumn(2).getInt();
      r.result = q.getColumn(3).getString();
      r.accepted = q.getColumn(4).getInt() != 0;
      r.detected_ns = i64(q.getColumn(5));
      r.resolved_ns = i64(q.getColumn(6));
      out.push_back(std::move(r));
    }
    return out;
  });
}

}  // namespace bitten::store
