#include "real_signals.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "bitten/core/time.hpp"
#include "bitten/grading/bar_grader.hpp"

namespace bitten::ml::testdata {

namespace {
constexpr int64_t kNsPerSec = 1'000'000'000;
constexpr int64_t kMinNs = 60 * kNsPerSec;

std::string session_of(int hour) {
  if (hour < 7) return "TOKYO";
  if (hour < 12) return "LONDON";
  if (hour < 16) return "OVERLAP_LONDON_NY";
  if (hour < 21) return "NEW_YORK";
  return "SYDNEY";
}

std::string env_or_empty(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}
}  // namespace

std::vector<grading::QuoteBar> load_bidask_m1_csv(const std::string& path) {
  std::vector<grading::QuoteBar> bars;
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    if (line.size() < 20) continue;
    std::stringstream ss(line);
    std::string field;
    std::vector<std::string> f;
    while (std::getline(ss, field, ',')) f.push_back(field);
    if (f.size() < 11) continue;
    auto t = parse_datetime(std::string_view(f[0]).substr(0, 19));
    if (!t) continue;
    grading::QuoteBar b;
    b.open_ns = *t * kNsPerSec;
    b.period_ns = kMinNs;
    b.bid_open = std::stod(f[1]), b.bid_high = std::stod(f[2]), b.bid_low = std::stod(f[3]), b.bid_close = std::stod(f[4]);
    b.ask_open = std::stod(f[6]), b.ask_high = std::stod(f[7]), b.ask_low = std::stod(f[8]), b.ask_close = std::stod(f[9]);
    bars.push_back(b);
  }
  return bars;
}

std::vector<LabelledSignal> synthesize_signals(const std::vector<grading::QuoteBar>& bars, const std::string& symbol,
                                               double pip_size, size_t every, int horizon_min) {
  static const double kRr[] = {1.0, 1.5, 2.0, 3.0};
  std::vector<LabelledSignal> out;
  const size_t n = bars.size();
  constexpr size_t kWarmup = 30;
  std::vector<double> atr(n, 0);
  for (size_t i = 1; i < n; ++i) {  // Wilder ATR(14) on the bid
    const auto& b = bars[i];
    const double pc = bars[i - 1].bid_close;
    const double tr = std::max({b.bid_high - b.bid_low, std::fabs(b.bid_high - pc), std::fabs(b.bid_low - pc)});
    atr[i] = i < 15 ? atr[i - 1] + tr / 14.0 : atr[i - 1] + (tr - atr[i - 1]) / 14.0;
  }
  size_t k = 0;
  for (size_t i = kWarmup; i + 1 < n; i += every, ++k) {
    double sum = 0, sum2 = 0;
    for (size_t j = i - 19; j <= i; ++j) {
      sum += bars[j].bid_close;
      sum2 += bars[j].bid_close * bars[j].bid_close;
    }
    const double sma = sum / 20, sd = std::sqrt(std::max(sum2 / 20 - sma * sma, 0.0));
    const auto& b = bars[i];
    const double body = b.bid_close - b.bid_open;
    const double a = std::max(atr[i], 2 * pip_size);
    std::string pattern;
    bool buy = b.bid_close > sma;
    if (std::fabs(body) > 1.2 * a) {
      pattern = "MOMENTUM_BURST";
      buy = body > 0;
    } else if (sd > 0 && std::fabs(b.bid_close - sma) > 2 * sd) {
      pattern = "BB_SCALP";
      buy = b.bid_close < sma;  // mean reversion
    } else {
      pattern = "ORDER_BLOCK_BOUNCE";
    }
    const double rr = kRr[k % 4];
    const double entry = buy ? b.ask_close : b.bid_close;
    const double risk = std::max(1.5 * a, 3 * pip_size);
    schema::SignalMsg s;
    s.signal_id = symbol + "-" + std::to_string(i);
    s.symbol = symbol;
    s.direction = buy ? "BUY" : "SELL";
    s.pattern = pattern;
    s.timeframe = "M1";
    s.signal_class = rr >= 2 ? "SNIPER" : "RAPID";
    s.bar_time_ns = b.open_ns;
    s.detected_ns = b.open_ns + b.period_ns;
    s.session = session_of(static_cast<int>((b.open_ns / kNsPerSec % 86400) / 3600));
    s.entry = entry;
    s.sl = buy ? entry - risk : entry + risk;
    s.tp = buy ? entry + rr * risk : entry - rr * risk;
    s.sl_pips = risk / pip_size;
    s.tp_pips = rr * risk / pip_size;
    s.rr = rr;
    s.atr_pips = a / pip_size;
    s.spread_pips = (b.ask_close - b.bid_close) / pip_size;
    // Rule confidence deliberately uninformative about rr (the model has to find rr itself).
    s.confidence = 60.0 + std::fmod(static_cast<double>(i) * 0.6180339887, 1.0) * 35.0;
    s.features["bb_pos"] = sd > 0 ? (b.bid_close - sma) / (2 * sd) : 0.0;
    s.features["body_atr"] = body / a;

    grading::TradeSpec spec;
    spec.direction = buy ? grading::Direction::Buy : grading::Direction::Sell;
    spec.entry = s.entry;
    spec.sl = s.sl;
    spec.tp = s.tp;
    spec.pip_size = pip_size;
    spec.start_ns = s.detected_ns;
    spec.horizon_ns = horizon_min * kMinNs;
    auto g = grading::BarGrader::create(spec);
    if (!g) continue;
    for (size_t j = i + 1; j < n && !g->decided(); ++j) (void)g->on_bar(bars[j]);
    out.push_back({s, g->result().outcome});
  }
  return out;
}

RealRows load_real_rows() {
  RealRows r;
  namespace fs = std::filesystem;
  // BITTEN_SHARED_DATA, else the documented sibling layout <source root>/../shared/data/real.
  std::string shared = env_or_empty("BITTEN_SHARED_DATA");
  if (shared.empty() && !env_or_empty("BITTEN_SOURCE_ROOT").empty())
    shared = (fs::path(env_or_empty("BITTEN_SOURCE_ROOT")) / ".." / "shared" / "data" / "real").string();
  const fs::path norm = fs::path(shared) / "lean" / "normalized";
  struct Src {
    const char* file;
    const char* symbol;
    double pip;
  };
  const Src srcs[] = {{"EURUSD_oanda_M1_bidask_utc.csv", "EURUSD", 0.0001},
                      {"NZDUSD_oanda_M1_bidask_utc.csv", "NZDUSD", 0.0001},
                      {"XAUUSD_oanda_M1_bidask_utc.csv", "XAUUSD", 0.1}};
  bool all = !shared.empty();
  for (const auto& s : srcs) all = all && fs::exists(norm / s.file);
  if (all) {
    for (const auto& s : srcs) {
      auto rows = synthesize_signals(load_bidask_m1_csv((norm / s.file).string()), s.symbol, s.pip, 5);
      r.rows.insert(r.rows.end(), rows.begin(), rows.end());
    }
    r.full_data = true;
    r.description = "Oanda M1 bid/ask EURUSD+NZDUSD+XAUUSD 2014-05-01..15 from BITTEN_SHARED_DATA";
    return r;
  }
  const fs::path excerpt =
      fs::path(env_or_empty("BITTEN_SOURCE_ROOT")) / "tests/data/market/EURUSD_oanda_M1_2014-05-01_excerpt.csv";
  r.rows = synthesize_signals(load_bidask_m1_csv(excerpt.string()), "EURUSD", 0.0001, 1, kExcerptHorizonMin);
  r.description = "EURUSD M1 excerpt (tests/data/market)";
  return r;
}

}  // namespace bitten::ml::testdata
