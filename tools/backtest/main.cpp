// bitten-backtest: replays real data through the live detector engines, grades every candidate
// with libs/grading and reports per pattern, symbol and session.
//
//   bitten-backtest --format lean-ticks|lean-m1|nautilus|smc15 --file F [--ask-file F] --symbol S
//                   [--config-dir config] [--daemons elite_guard,pattern_detector] [--timeframe M5]
//                   [--horizon-min 240] [--signals-out F.csv] [--training-out F.csv] [--quiet]
//   bitten-backtest --all DATA_ROOT [--config-dir config] [--signals-out F.csv] [--training-out F.csv]
//       runs every real set under DATA_ROOT (../shared/data/real) and prints the per-set table of
//       signals per pattern per symbol-day (docs/patterns.md).
//   bitten-backtest --as-ea [--config-dir config] [--timeframe M1|M5|M15] [--signals-out F.csv] ...
//       replays the feeds of <config-dir>/ea_sim.json as the live fleet receives them (the simulated
//       EA's messages through the bridge's and the detectors' logic): the signals the daemons publish
//       when ea_sim replays that config (bitten/backtest/as_ea.hpp).
#include <chrono>
#include <fstream>
#include <iostream>
#include <sstream>

#include "bitten/backtest/as_ea.hpp"
#include "bitten/backtest/report.hpp"
#include "bitten/runtime/daemon.hpp"

using namespace bitten;
using namespace bitten::backtest;

namespace {

struct Run {
  std::string name;
  Format format;
  std::string file, ask_file, symbol;
  std::optional<market::Timeframe> timeframe;
};

std::optional<Format> parse_format(const std::string& s) {
  if (s == "lean-ticks") return Format::LeanTicks;
  if (s == "lean-m1") return Format::LeanM1;
  if (s == "nautilus") return Format::NautilusM1;
  if (s == "smc15") return Format::Smc15;
  return std::nullopt;
}

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  for (std::string part; std::getline(ss, part, ',');)
    if (!part.empty()) out.push_back(part);
  return out;
}

struct Outcome {
  Run run;
  size_t days = 0, inputs = 0;
  double seconds = 0;
  std::vector<Graded> graded;
};

Result<Outcome> execute(const Run& run, const SymbolTable& symbols, const std::string& config_dir,
                        const std::vector<std::string>& daemons, int64_t horizon_ns, bool quiet) {
  const SymbolSpec* spec = symbols.find(run.symbol);
  if (!spec) return make_error("unknown_symbol", run.symbol + " is not in symbols.json");
  auto data = load_dataset(run.format, run.file, run.ask_file, *spec);
  if (!data) return data.error();
  auto cfgs = load_engine_configs(config_dir, daemons, run.timeframe);
  if (!cfgs) return cfgs.error();
  std::vector<patterns::DetectorEngine> engines;
  for (auto& c : *cfgs) engines.emplace_back(std::move(c), symbols);
  Outcome out{run, data->days, data->ticks.empty() ? data->bars.size() : data->ticks.size(), 0, {}};
  const auto t0 = std::chrono::steady_clock::now();
  int last_pct = -1;
  auto progress = [&](size_t done, size_t total) {
    const int pct = total ? static_cast<int>(100 * done / total) : 100;
    if (quiet || pct / 10 == last_pct / 10) return;
    last_pct = pct;
    std::cerr << "\r" << run.name << ": " << pct << "% (" << done << "/" << total << ")" << std::flush;
    if (done == total) std::cerr << "\n";
  };
  auto signals = replay(engines, *data, progress);
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  out.graded = grade(signals, *data, *spec, horizon_ns);
  return out;
}

// --as-ea: the simulator's feeds through the live path without sockets, graded on the quotes the
// simulated EA saw.
int run_as_ea(const std::string& config_dir, const std::vector<std::string>& daemons,
              std::optional<market::Timeframe> timeframe, const SymbolTable& symbols, int64_t horizon_ns,
              const std::optional<std::string>& signals_out, const std::optional<std::string>& training_out) {
  auto cfgs = load_engine_configs(config_dir, daemons, timeframe);
  if (!cfgs) {
    std::cerr << "bitten-backtest: " << cfgs.error().message << "\n";
    return 2;
  }
  const auto t0 = std::chrono::steady_clock::now();
  auto r = replay_as_ea(config_dir, std::move(*cfgs), symbols);
  if (!r) {
    std::cerr << "bitten-backtest: --as-ea: " << r.error().message << "\n";
    return 3;
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::vector<Graded> all;
  for (const auto& feed : r->feeds) {
    std::vector<schema::SignalMsg> mine;
    for (const auto& s : r->signals)
      if (s.symbol == feed.symbol) mine.push_back(s);
    auto graded = grade(mine, feed.quotes, *symbols.find(feed.symbol), horizon_ns);
    all.insert(all.end(), graded.begin(), graded.end());
  }
  std::cout << "== as the EA delivers it (" << config_dir << "/ea_sim.json, " << r->feeds.size() << " feeds): "
            << r->quotes << " quotes, " << r->ea_messages << " EA messages, " << r->bridge_published
            << " published by the bridge (" << r->bridge_dropped << " refused), " << r->signals.size()
            << " signals, replay " << seconds << " s\n";
  print_report(std::cout, summarize(all));
  if (signals_out) {
    std::ofstream os(*signals_out);
    write_signals_csv(os, all);
  }
  if (training_out) {
    std::ofstream os(*training_out);
    write_training_csv(os, all);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  auto arg = [&](const char* k) { return runtime::arg_value(argc, argv, k); };
  bool quiet = false;
  for (int i = 1; i < argc; ++i) quiet = quiet || std::string(argv[i]) == "--quiet";
  const std::string config_dir = arg("--config-dir").value_or("config");
  const auto daemons = split(arg("--daemons").value_or("elite_guard,pattern_detector"));
  const int64_t horizon_ns = std::stoll(arg("--horizon-min").value_or("240")) * 60'000'000'000LL;
  auto symbols = SymbolTable::load_file(arg("--symbols").value_or(config_dir + "/symbols.json"));
  if (!symbols) {
    std::cerr << "bitten-backtest: " << symbols.error().message << "\n";
    return 2;
  }

  std::optional<market::Timeframe> timeframe;
  if (auto tf = arg("--timeframe")) {
    if (*tf == "M1") timeframe = market::Timeframe::M1;
    else if (*tf == "M5") timeframe = market::Timeframe::M5;
    else if (*tf == "M15") timeframe = market::Timeframe::M15;
    else {
      std::cerr << "bitten-backtest: --timeframe must be M1, M5 or M15\n";
      return 2;
    }
  }
  bool as_ea = false;
  for (int i = 1; i < argc; ++i) as_ea = as_ea || std::string(argv[i]) == "--as-ea";
  if (as_ea) return run_as_ea(config_dir, daemons, timeframe, *symbols, horizon_ns,
                              arg("--signals-out"), arg("--training-out"));

  std::vector<Run> runs;
  if (auto root = arg("--all")) {
    const std::string r = *root, n = r + "/lean/normalized/", f = r + "/nautilus/fxcm/";
    runs = {
        {"EURUSD oanda ticks", Format::LeanTicks, n + "EURUSD_oanda_ticks_utc.csv", "", "EURUSD", {}},
        {"EURUSD oanda M1", Format::LeanM1, n + "EURUSD_oanda_M1_bidask_utc.csv", "", "EURUSD", {}},
        {"EURUSD fxcm M1", Format::LeanM1, n + "EURUSD_fxcm_M1_bidask_utc.csv", "", "EURUSD", {}},
        {"NZDUSD oanda M1", Format::LeanM1, n + "NZDUSD_oanda_M1_bidask_utc.csv", "", "NZDUSD", {}},
        {"NZDUSD fxcm M1", Format::LeanM1, n + "NZDUSD_fxcm_M1_bidask_utc.csv", "", "NZDUSD", {}},
        {"XAUUSD oanda M1", Format::LeanM1, n + "XAUUSD_oanda_M1_bidask_utc.csv", "", "XAUUSD", {}},
        {"GBPUSD fxcm M1 2012-02", Format::NautilusM1, f + "gbpusd-m1-bid-2012.csv", f + "gbpusd-m1-ask-2012.csv", "GBPUSD", {}},
        {"USDJPY fxcm M1 2013-02", Format::NautilusM1, f + "usdjpy-m1-bid-2013.csv", f + "usdjpy-m1-ask-2013.csv", "USDJPY", {}},
        {"EURUSD smc M15 (M15 detection)", Format::Smc15, r + "/smc/EURUSD/EURUSD_15M.csv", "", "EURUSD",
         market::Timeframe::M15},
    };
  } else {
    const auto fmt = parse_format(arg("--format").value_or(""));
    const auto file = arg("--file");
    const auto sym = arg("--symbol");
    if (!fmt || !file || !sym) {
      std::cerr << "usage: bitten-backtest --format lean-ticks|lean-m1|nautilus|smc15 --file F [--ask-file F] "
                   "--symbol S [--timeframe M1|M5|M15] | --all DATA_ROOT | --as-ea [--timeframe M1|M5|M15]\n";
      return 2;
    }
    Run run{*file, *fmt, *file, arg("--ask-file").value_or(""), *sym, timeframe};
    if (!timeframe && *fmt == Format::Smc15) {
      run.timeframe = market::Timeframe::M15;
    }
    runs.push_back(run);
  }

  std::vector<Graded> all;
  std::ostringstream table;
  table << "| data set | symbol-days | inputs | LSR | OBB | FVG | VCB | MB | BB_SCALP | replay s |\n"
        << "|---|---|---|---|---|---|---|---|---|---|\n";
  for (const auto& run : runs) {
    auto r = execute(run, *symbols, config_dir, daemons, horizon_ns, quiet);
    if (!r) {
      std::cerr << "bitten-backtest: " << run.name << ": " << r.error().message << "\n";
      return 3;
    }
    std::map<std::string, size_t> per;
    for (const auto& g : r->graded) ++per[g.signal.pattern];
    char cell[64];
    table << "| " << run.name << " | " << r->days << " | " << r->inputs;
    for (patterns::PatternId id : patterns::kAllPatterns) {
      const size_t n = per[std::string(patterns::pattern_name(id))];
      std::snprintf(cell, sizeof cell, " | %zu (%.2f/d)", n, r->days ? static_cast<double>(n) / r->days : 0.0);
      table << cell;
    }
    std::snprintf(cell, sizeof cell, " | %.3f |\n", r->seconds);
    table << cell;
    std::cout << "== " << run.name << " (" << r->days << " symbol-days, " << r->inputs << " inputs, replay "
              << r->seconds << " s)\n";
    print_report(std::cout, summarize(r->graded));
    all.insert(all.end(), r->graded.begin(), r->graded.end());
  }
  if (runs.size() > 1) {
    std::cout << "\n== all sets\n";
    print_report(std::cout, summarize(all));
    std::cout << "\n" << table.str();
  }
  if (auto p = arg("--signals-out")) {
    std::ofstream os(*p);
    write_signals_csv(os, all);
  }
  if (auto p = arg("--training-out")) {
    std::ofstream os(*p);
    write_training_csv(os, all);
  }
  return 0;
}
