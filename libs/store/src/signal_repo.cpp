#include "bitten/store/signal_repo.hpp"
#include "statement_cache.hpp"

#include "bitten/store/errors.hpp"
#include "sql_util.hpp"

namespace bitten::store {

using namespace detail;

namespace {
constexpr const char* kCols =
    "signal_id, symbol, direction, pattern, timeframe, signal_class, session, entry, sl, tp, sl_pips, tp_pips, rr, "
    "confidence, spread_pips, atr_pips, accepted, probability, model_version, score_reason, bar_time_ns, "
    "detected_ns, source, payload_json, created_ns";

SignalRecord read_signal(SQLite::Statement& q) {
  SignalRecord s;
  s.signal_id = q.getColumn(0).getString();
  s.symbol = q.getColumn(1).getString();
  s.direction = q.getColumn(2).getString();
  s.pattern = q.getColumn(3).getString();
  s.timeframe = q.getColumn(4).getString();
  s.signal_class = q.getColumn(5).getString();
  s.session = q.getColumn(6).getString();
  s.entry = q.getColumn(7).getDouble();
  s.sl = q.getColumn(8).getDouble();
  s.tp = q.getColumn(9).getDouble();
  s.sl_pips = q.getColumn(10).getDouble();
  s.tp_pips = q.getColumn(11).getDouble();
  s.rr = q.getColumn(12).getDouble();
  s.confidence = q.getColumn(13).getDouble();
  s.spread_pips = q.getColumn(14).getDouble();
  s.atr_pips = q.getColumn(15).getDouble();
  s.accepted = q.getColumn(16).getInt() != 0;
  s.probability = opt_dbl(q.getColumn(17));
  s.model_version = q.getColumn(18).getString();
  s.score_reason = q.getColumn(19).getString();
  s.bar_time_ns = i64(q.getColumn(20));
  s.detected_ns = i64(q.getColumn(21));
  s.source = q.getColumn(22).getString();
  s.payload_json = q.getColumn(23).getString();
  s.created_ns = i64(q.getColumn(24));
  return s;
}
}  // namespace

SignalRecord to_signal_record(const schema::SignalMsg& m, int64_t now_ns) {
  SignalRecord s;
  s.signal_id = m.signal_id;
  s.symbol = m.symbol;
  s.direction = m.direction;
  s.pattern = m.pattern;
  s.timeframe = m.timeframe;
  s.signal_class = m.signal_class;
  s.session = m.session;
  s.entry = m.entry;
  s.sl = m.sl;
  s.tp = m.tp;
  s.sl_pips = m.sl_pips;
  s.tp_pips = m.tp_pips;
  s.rr = m.rr;
  s.confidence = m.confidence;
  s.spread_pips = m.spread_pips;
  s.atr_pips = m.atr_pips;
  if (m.score) {
    s.accepted = m.score->accepted;
    s.probability = m.score->probability;
    s.model_version = m.score->model_version.empty() ? "none" : m.score->model_version;
    s.score_reason = m.score->reason;
  }
  s.bar_time_ns = m.bar_time_ns;
  s.detected_ns = m.detected_ns;
  s.source = m.source;
  s.payload_json = schema::to_json(m).dump();
  s.created_ns = now_ns;
  return s;
}

Result<bool> SignalRepo::insert(const SignalRecord& s) {
  return guarded("insert signal", [&]() -> Result<bool> {
    CachedStatement q_cached(db_.sql(), std::string("INSERT INTO signals (") + kCols +
                                       ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) "
                                       "ON CONFLICT(signal_id) DO NOTHING");
    SQLite::Statement& q = *q_cached;
    q.bind(1, s.signal_id);
    q.bind(2, s.symbol);
    q.bind(3, s.direction);
    q.bind(4, s.pattern);
    q.bind(5, s.timeframe);
    q.bind(6, s.signal_class);
    q.bind(7, s.session);
    q.bind(8, s.entry);
    q.bind(9, s.sl);
    q.bind(10, s.tp);
    q.bind(11, s.sl_pips);
    q.bind(12, s.tp_pips);
    q.bind(13, s.rr);
    q.bind(14, s.confidence);
    q.bind(15, s.spread_pips);
    q.bind(16, s.atr_pips);
    q.bind(17, s.accepted ? 1 : 0);
    bind_opt(q, 18, s.probability);
    q.bind(19, s.model_version);
    q.bind(20, s.score_reason);
    bind_i64(q, 21, s.bar_time_ns);
    bind_i64(q, 22, s.detected_ns);
    q.bind(23, s.source);
    q.bind(24, s.payload_json);
    bind_i64(q, 25, s.created_ns);
    return q.exec() == 1;
  });
}

Result<std::optional<SignalRecord>> SignalRepo::get(const std::string& id) {
  return guarded("get signal", [&]() -> Result<std::optional<SignalRecord>> {
    CachedStatement q_cached(db_.sql(), std::string("SELECT ") + kCols + " FROM signals WHERE signal_id = ?");
    SQLite::Statement& q = *q_cached;
    q.bind(1, id);
    if (!q.executeStep()) return std::optional<SignalRecord>{};
    return std::optional<SignalRecord>(read_signal(q));
  });
}

Result<std::vector<SignalRecord>> SignalRepo::recent(int limit, std::optional<int64_t> before_ns) {
  return guarded("recent signals", [&]() -> Result<std::vector<SignalRecord>> {
    CachedStatement q_cached(db_.sql(), std::string("SELECT ") + kCols +
                                       " FROM signals WHERE detected_ns < ? ORDER BY detected_ns DESC, "
                                       "signal_id DESC LIMIT ?");
    SQLite::Statement& q = *q_cached;
    bind_i64(q, 1, before_ns.value_or(INT64_MAX));
    q.bind(2, limit);
    std::vector<SignalRecord> out;
    while (q.executeStep()) out.push_back(read_signal(q));
    return out;
  });
}

Result<std::vector<SignalRepo::Key>> SignalRepo::recent_keys(int limit, std::optional<int64_t> before_ns) {
  return guarded("recent signal keys", [&]() -> Result<std::vector<Key>> {
    CachedStatement q_cached(db_.sql(), "SELECT signal_id, detected_ns, accepted FROM signals WHERE detected_ns < ? "
                                   "ORDER BY detected_ns DESC, signal_id DESC LIMIT ?");
    SQLite::Statement& q = *q_cached;
    bind_i64(q, 1, before_ns.value_or(INT64_MAX));
    q.bind(2, limit);
    std::vector<Key> out;
    while (q.executeStep()) out.push_back({q.getColumn(0).getString(), i64(q.getColumn(1)), q.getColumn(2).getInt() != 0});
    return out;
  });
}

Result<int64_t> SignalRepo::count_since(int64_t since_ns) {
  return guarded("count signals", [&]() -> Result<int64_t> {
    CachedStatement q_cached(db_.sql(), "SELECT COUNT(*) FROM signals WHERE detected_ns >= ?");
    SQLite::Statement& q = *q_cached;
    bind_i64(q, 1, since_ns);
    q.executeStep();
    return i64(q.getColumn(0));
  });
}

}  // namespace bitten::store
