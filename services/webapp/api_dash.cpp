// Tracking (8890) and confidence analysis (8891): read-only views over signals, outcomes and the
// model registry.
#include <cmath>
#include <map>

#include "app.hpp"
#include "bitten/store/model_repo.hpp"
#include "bitten/store/outcome_repo.hpp"
#include "bitten/store/signal_repo.hpp"
#include "json_views.hpp"
#include "responses.hpp"

namespace bitten::webapp {

namespace {

struct Tally {
  int64_t total = 0, wins = 0, losses = 0, other = 0;
  double r_sum = 0, pips_sum = 0;
  void add(const store::OutcomeRecord& o) {
    ++total;
    if (o.result == "WIN") ++wins;
    else if (o.result == "LOSS") ++losses;
    else ++other;
    r_sum += o.r_multiple;
    pips_sum += o.pips;
  }
  nlohmann::json json() const {
    const int64_t decided = wins + losses;
    return {{"total", total},
            {"wins", wins},
            {"losses", losses},
            {"other", other},
            {"win_rate", decided ? nlohmann::json(static_cast<double>(wins) / static_cast<double>(decided)) : nlohmann::json(nullptr)},
            {"avg_r", total ? r_sum / static_cast<double>(total) : 0.0},
            {"total_pips", pips_sum}};
  }
};

// The signal's own grade (not a fire's), if any.
const store::OutcomeRecord* signal_grade(const std::vector<store::OutcomeRecord>& os) {
  for (const auto& o : os)
    if (!o.fire_id) return &o;
  return nullptr;
}

}  // namespace

void App::tracking_signals(Ctx& c) {
  const int limit = query_int(c.query, "limit", 100, 1, 500);
  auto sigs = store::SignalRepo(d_.db).recent(limit);
  if (!sigs) {
    c.reply(error_response(503, "store_unavailable"));
    return;
  }
  store::OutcomeRepo outcomes(d_.db);
  nlohmann::json arr = nlohmann::json::array();
  for (const auto& s : *sigs) {
    auto j = to_json(s);
    auto os = outcomes.for_signal(s.signal_id);
    const auto* g = os ? signal_grade(*os) : nullptr;
    j["outcome"] = g ? g->result : "OPEN";
    j["outcome_pips"] = g ? nlohmann::json(g->pips) : nlohmann::json(nullptr);
    j["outcome_r"] = g ? nlohmann::json(g->r_multiple) : nlohmann::json(nullptr);
    j["resolved_ns"] = g ? nlohmann::json(g->resolved_ns) : nlohmann::json(nullptr);
    arr.push_back(std::move(j));
  }
  c.reply(json_response(200, {{"signals", arr}}));
}

void App::tracking_stats(Ctx& c) {
  const int days = query_int(c.query, "days", 7, 1, 365);
  const int64_t since = d_.clock.now_ns() - static_cast<int64_t>(days) * 86'400'000'000'000LL;
  auto os = store::OutcomeRepo(d_.db).resolved_since(since, 20000);
  if (!os) {
    c.reply(error_response(503, "store_unavailable"));
    return;
  }
  store::SignalRepo signals(d_.db);
  std::map<std::string, Tally> by_pattern, by_symbol, by_session;
  Tally overall;
  for (const auto& o : *os) {
    if (o.fire_id) continue;  // grade signals once each; fires are graded in their own rows
    auto s = signals.get(o.signal_id);
    if (!s || !*s) continue;
    by_pattern[(*s)->pattern].add(o);
    by_symbol[(*s)->symbol].add(o);
    by_session[(*s)->session].add(o);
    overall.add(o);
  }
  auto table = [](const std::map<std::string, Tally>& m) {
    nlohmann::json j = nlohmann::json::object();
    for (const auto& [k, t] : m) j[k] = t.json();
    return j;
  };
  c.reply(json_response(200, {{"days", days},
                              {"overall", overall.json()},
                              {"by_pattern", table(by_pattern)},
                              {"by_symbol", table(by_symbol)},
                              {"by_session", table(by_session)}}));
}

void App::confidence_calibration(Ctx& c) {
  const int days = query_int(c.query, "days", 30, 1, 3650);
  const int buckets = query_int(c.query, "buckets", 10, 2, 20);
  const int64_t since = d_.clock.now_ns() - static_cast<int64_t>(days) * 86'400'000'000'000LL;
  auto os = store::OutcomeRepo(d_.db).resolved_since(since, 50000);
  if (!os) {
    c.reply(error_response(503, "store_unavailable"));
    return;
  }
  struct Bucket {
    int64_t n = 0, wins = 0;
    double p_sum = 0;
  };
  std::vector<Bucket> model(static_cast<size_t>(buckets)), rule(static_cast<size_t>(buckets));
  int64_t model_n = 0, rule_n = 0;
  double brier = 0;
  store::SignalRepo signals(d_.db);
  auto put = [&](std::vector<Bucket>& b, double p, bool win) {
    p = std::clamp(p, 0.0, 1.0);
    auto i = std::min<size_t>(static_cast<size_t>(p * buckets), static_cast<size_t>(buckets - 1));
    ++b[i].n;
    b[i].wins += win;
    b[i].p_sum += p;
  };
  for (const auto& o : *os) {
    if (o.fire_id || (o.result != "WIN" && o.result != "LOSS")) continue;  // realised win rate: WIN vs LOSS
    auto s = signals.get(o.signal_id);
    if (!s || !*s) continue;
    const bool win = o.result == "WIN";
    if ((*s)->probability) {
      put(model, *(*s)->probability, win);
      ++model_n;
      brier += std::pow(*(*s)->probability - (win ? 1.0 : 0.0), 2);
    }
    put(rule, (*s)->confidence / 100.0, win);
    ++rule_n;
  }
  auto table = [&](const std::vector<Bucket>& b) {
    nlohmann::json arr = nlohmann::json::array();
    for (size_t i = 0; i < b.size(); ++i) {
      const double lo = static_cast<double>(i) / buckets, hi = static_cast<double>(i + 1) / buckets;
      arr.push_back({{"lo", lo},
                     {"hi", hi},
                     {"count", b[i].n},
                     {"wins", b[i].wins},
                     {"predicted", b[i].n ? nlohmann::json(b[i].p_sum / static_cast<double>(b[i].n)) : nlohmann::json(nullptr)},
                     {"realised", b[i].n ? nlohmann::json(static_cast<double>(b[i].wins) / static_cast<double>(b[i].n))
                                         : nlohmann::json(nullptr)}});
    }
    return arr;
  };
  c.reply(json_response(200, {{"days", days},
                              {"model", {{"count", model_n},
                                         {"brier", model_n ? nlohmann::json(brier / static_cast<double>(model_n)) : nlohmann::json(nullptr)},
                                         {"buckets", table(model)}}},
                              {"rule_confidence", {{"count", rule_n}, {"buckets", table(rule)}}}}));
}

void App::confidence_models(Ctx& c) {
  auto models = store::ModelRepo(d_.db).list_all();
  if (!models) {
    c.reply(error_response(503, "store_unavailable"));
    return;
  }
  nlohmann::json arr = nlohmann::json::array();
  for (auto it = models->rbegin(); it != models->rend(); ++it) arr.push_back(to_json(*it));  // oldest first: a time series
  c.reply(json_response(200, {{"models", arr}}));
}

}  // namespace bitten::webapp
