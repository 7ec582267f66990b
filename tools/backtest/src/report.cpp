#include "bitten/backtest/report.hpp"

#include <algorithm>
#include <cstdio>
#include <set>

#include "bitten/core/time.hpp"

namespace bitten::backtest {

void GroupStats::add(const grading::GradeResult& r) {
  ++signals;
  switch (r.outcome) {
    case grading::Outcome::Win: ++wins; break;
    case grading::Outcome::Loss: ++losses; break;
    case grading::Outcome::Timeout: ++timeouts; break;
    case grading::Outcome::Pending: ++pending; return;
  }
  sum_r += r.result_r;
  if (r.result_r > 0) gross_win_r += r.result_r;
  else gross_loss_r -= r.result_r;
  cum_r += r.result_r;
  peak_r = std::max(peak_r, cum_r);
  max_drawdown_r = std::max(max_drawdown_r, peak_r - cum_r);
}

std::map<std::string, GroupStats> summarize(const std::vector<Graded>& graded) {
  std::vector<const Graded*> ordered;
  for (const auto& g : graded) ordered.push_back(&g);
  std::stable_sort(ordered.begin(), ordered.end(),
                   [](const Graded* a, const Graded* b) { return a->signal.detected_ns < b->signal.detected_ns; });
  std::map<std::string, GroupStats> out;
  for (const Graded* g : ordered) {
    const auto& s = g->signal;
    for (const std::string& key : {std::string("ALL"), "pattern=" + s.pattern, "symbol=" + s.symbol,
                                   "session=" + s.session, "pattern=" + s.pattern + "|symbol=" + s.symbol})
      out[key].add(g->result);
  }
  return out;
}

void print_report(std::ostream& os, const std::map<std::string, GroupStats>& stats) {
  char line[256];
  std::snprintf(line, sizeof line, "%-52s %7s %5s %5s %5s %5s %8s %7s %7s %8s\n", "group", "signals", "win", "loss",
                "tmo", "pend", "win%", "avgR", "PF", "maxDD_R");
  os << line;
  for (const auto& [k, g] : stats) {
    std::snprintf(line, sizeof line, "%-52s %7zu %5zu %5zu %5zu %5zu %7.1f%% %7.3f %7.2f %8.2f\n", k.c_str(), g.signals,
                  g.wins, g.losses, g.timeouts, g.pending, 100 * g.win_rate(), g.avg_r(), g.profit_factor(),
                  g.max_drawdown_r);
    os << line;
  }
}

void write_signals_csv(std::ostream& os, const std::vector<Graded>& graded) {
  os << "signal_id,symbol,pattern,direction,timeframe,signal_class,session,bar_time_utc,detected_utc,entry,sl,tp,"
        "sl_pips,tp_pips,rr,confidence,spread_pips,atr_pips,outcome,result_r,time_to_outcome_s\n";
  char buf[512];
  for (const auto& g : graded) {
    const auto& s = g.signal;
    std::snprintf(buf, sizeof buf, "%s,%s,%s,%s,%s,%s,%s,%s,%s,%.10g,%.10g,%.10g,%.1f,%.1f,%.2f,%.1f,%.2f,%.2f,%s,%.4f,%lld\n",
                  s.signal_id.c_str(), s.symbol.c_str(), s.pattern.c_str(), s.direction.c_str(), s.timeframe.c_str(),
                  s.signal_class.c_str(), s.session.c_str(), format_iso8601(s.bar_time_ns / 1'000'000'000).c_str(),
                  format_iso8601(s.detected_ns / 1'000'000'000).c_str(), s.entry, s.sl, s.tp, s.sl_pips, s.tp_pips, s.rr,
                  s.confidence, s.spread_pips, s.atr_pips, std::string(grading::to_string(g.result.outcome)).c_str(),
                  g.result.result_r, static_cast<long long>(g.result.time_to_outcome_ns / 1'000'000'000));
    os << buf;
  }
}

void write_training_csv(std::ostream& os, const std::vector<Graded>& graded) {
  std::set<std::string> keys;
  for (const auto& g : graded)
    for (const auto& [k, _] : g.signal.features) keys.insert(k);
  os << "signal_id,bar_time_ns,pattern,symbol,session,timeframe,hour,day_of_week,direction,atr_pips,spread_pips,"
        "confidence,rr,sl_pips";
  for (const auto& k : keys) os << ",f." << k;
  os << ",outcome,label\n";
  for (const auto& g : graded) {
    const auto label = g.result.label();
    if (!label) continue;
    const auto& s = g.signal;
    const int64_t secs = s.bar_time_ns / 1'000'000'000;
    const int64_t days = secs / 86400;
    os << s.signal_id << ',' << s.bar_time_ns << ',' << s.pattern << ',' << s.symbol << ',' << s.session << ','
       << s.timeframe << ',' << (secs - days * 86400) / 3600 << ',' << weekday_from_days(days) << ','
       << (s.direction == "BUY" ? 1 : 0) << ',' << s.atr_pips << ',' << s.spread_pips << ',' << s.confidence << ','
       << s.rr << ',' << s.sl_pips;
    for (const auto& k : keys) {
      os << ',';
      if (auto it = s.features.find(k); it != s.features.end()) os << it->second;
    }
    os << ',' << grading::to_string(g.result.outcome) << ',' << *label << '\n';
  }
}

}  // namespace bitten::backtest
