#include "bitten/backtest/replay.hpp"

#include <algorithm>
#include <filesystem>

#include "bitten/detector/pattern_config.hpp"
#include "bitten/grading/bar_grader.hpp"

namespace bitten::backtest {

Result<std::vector<patterns::EngineConfig>> load_engine_configs(const std::string& config_dir,
                                                                const std::vector<std::string>& daemons,
                                                                std::optional<market::Timeframe> timeframe) {
  std::vector<patterns::EngineConfig> out;
  for (const auto& name : daemons) {
    const std::string path = (std::filesystem::path(config_dir) / (name + ".json")).string();
    auto cfg = runtime::ConfigReader::from_file(path);
    if (!cfg) return cfg.error();
    // Keys of the daemon frame (run_daemon) that the backtester does not use.
    for (const char* k : {"log_level", "event_bus", "state_dir", "symbols"}) (void)cfg->get<std::string>(k, "");
    (void)cfg->get<int64_t>("health_interval_ms", 0);
    auto d = detector::read_detector_config(*cfg, name, config_dir);
    if (auto st = cfg->finish(); !st) return st.error();
    if (timeframe) d.engine.timeframe = *timeframe;
    out.push_back(std::move(d.engine));
  }
  return out;
}

std::vector<schema::SignalMsg> replay(std::vector<patterns::DetectorEngine>& engines, const DataSet& data,
                                      const Progress& progress) {
  std::vector<schema::SignalMsg> out;
  const size_t total = data.ticks.empty() ? data.bars.size() : data.ticks.size();
  const size_t step = std::max<size_t>(total / 100, 1);
  if (!data.ticks.empty()) {
    schema::TickMsg msg;
    msg.symbol = data.symbol;
    for (size_t i = 0; i < data.ticks.size(); ++i) {
      const auto& t = data.ticks[i];
      msg.time_ns = t.time_ns;
      msg.bid = t.bid;
      msg.ask = t.ask;
      for (auto& e : engines) e.on_tick(msg, out);
      if (progress && i % step == 0) progress(i, total);
    }
  } else {
    for (size_t i = 0; i < data.bars.size(); ++i) {
      const auto& b = data.bars[i];
      const double spread = b.ask_close - b.bid_close;
      for (auto& e : engines) {
        if (data.bar_period_ns == market::period_ns(e.config().timeframe)) {
          market::Bar bar;
          bar.timeframe = e.config().timeframe;
          bar.open_time_ns = b.open_ns;
          bar.open = b.bid_open, bar.high = b.bid_high, bar.low = b.bid_low, bar.close = b.bid_close;
          e.on_closed_bar(data.symbol, bar, spread, out);
        } else {
          e.on_m1_bar(data.symbol, market::EaBar{b.open_ns, b.bid_open, b.bid_high, b.bid_low, b.bid_close, 0}, spread,
                      out);
        }
      }
      if (progress && i % step == 0) progress(i, total);
    }
  }
  if (progress) progress(total, total);
  return out;
}

std::vector<Graded> grade(const std::vector<schema::SignalMsg>& signals, const DataSet& data, const SymbolSpec& spec,
                          int64_t horizon_ns) {
  std::vector<Graded> out;
  out.reserve(signals.size());
  for (const auto& s : signals) {
    grading::TradeSpec spec_t;
    spec_t.direction = s.direction == "BUY" ? grading::Direction::Buy : grading::Direction::Sell;
    spec_t.entry = s.entry;
    spec_t.sl = s.sl;
    spec_t.tp = s.tp;
    spec_t.pip_size = spec.pip_size;
    spec_t.start_ns = s.detected_ns;
    spec_t.horizon_ns = horizon_ns;
    grading::GradeResult r;
    if (!data.ticks.empty()) {
      auto it = std::lower_bound(data.ticks.begin(), data.ticks.end(), s.detected_ns,
                                 [](const market::Tick& t, int64_t v) { return t.time_ns < v; });
      auto g = grading::Grader::create(spec_t);
      if (!g) continue;
      for (; it != data.ticks.end(); ++it) {
        if (g->on_quote(grading::Quote{it->time_ns, it->bid, it->ask})) break;
        if (it->time_ns > spec_t.deadline_ns()) break;
      }
      if (!g->decided()) g->flush();
      r = g->result();
    } else {
      auto it = std::lower_bound(data.bars.begin(), data.bars.end(), s.detected_ns,
                                 [](const grading::QuoteBar& b, int64_t v) { return b.open_ns < v; });
      auto g = grading::BarGrader::create(spec_t);
      if (!g) continue;
      for (; it != data.bars.end(); ++it)
        if (g->on_bar(*it)) break;
      r = g->result();
    }
    out.push_back(Graded{s, r});
  }
  return out;
}

}  // namespace bitten::backtest
