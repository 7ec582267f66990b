#pragma once
// Builders for rows the fire tests need.
#include "bitten/store/fire_repo.hpp"
#include "bitten/store/mission_repo.hpp"
#include "bitten/store/signal_repo.hpp"
#include "temp_db.hpp"

namespace bitten::store::testing {

inline SignalRecord make_signal(const std::string& id, const std::string& symbol = "EURUSD",
                                const std::string& dir = "BUY", int64_t t = 1'000) {
  SignalRecord s;
  s.signal_id = id;
  s.symbol = symbol;
  s.direction = dir;
  s.pattern = "LIQUIDITY_SWEEP_REVERSAL";
  s.timeframe = "M5";
  s.signal_class = "RAPID";
  s.session = "LONDON";
  s.entry = 1.1000;
  s.sl = dir == "BUY" ? 1.0980 : 1.1020;
  s.tp = dir == "BUY" ? 1.1040 : 1.0960;
  s.sl_pips = 20;
  s.tp_pips = 40;
  s.rr = 2;
  s.confidence = 80;
  s.accepted = true;
  s.probability = 0.7;
  s.bar_time_ns = t;
  s.detected_ns = t;
  s.created_ns = t;
  return s;
}

// Inserts a signal and the user's mission for it; returns the mission id.
inline std::string add_mission(Database& db, const std::string& user, const std::string& signal_id,
                               const std::string& symbol = "EURUSD", const std::string& dir = "BUY") {
  (void)SignalRepo(db).insert(make_signal(signal_id, symbol, dir));
  MissionRecord m;
  m.mission_id = "M_" + user + "_" + signal_id;
  m.user_id = user;
  m.signal_id = signal_id;
  m.created_ns = 1;
  m.expires_ns = 1'000'000'000'000;
  auto r = MissionRepo(db).create(m);
  if (!r) ADD_FAILURE() << r.error().message;
  return r->mission.mission_id;
}

inline QueueFireRequest queue_req(const std::string& fire_id, const std::string& user, const std::string& mission,
                                  const std::string& signal_id, int max_slots, const std::string& symbol = "EURUSD",
                                  const std::string& dir = "BUY") {
  QueueFireRequest r;
  r.fire.fire_id = fire_id;
  r.fire.user_id = user;
  r.fire.mission_id = mission;
  r.fire.signal_id = signal_id;
  r.fire.ea_uuid = "EA_" + user;
  r.fire.symbol = symbol;
  r.fire.direction = dir;
  r.fire.lot = 0.1;
  r.fire.sl = 1.098;
  r.fire.tp = 1.104;
  r.fire.requested_ns = 10;
  r.max_slots = max_slots;
  r.now_ns = 10;
  return r;
}

}  // namespace bitten::store::testing
