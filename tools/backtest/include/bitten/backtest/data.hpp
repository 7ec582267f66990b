#pragma once
// Real data sets as the backtester reads them: quote ticks, or bid/ask bars (M1 or M15).
#include <cstdint>
#include <string>
#include <vector>

#include "bitten/core/result.hpp"
#include "bitten/core/symbols.hpp"
#include "bitten/grading/trade.hpp"
#include "bitten/market/bar.hpp"

namespace bitten::backtest {

enum class Format {
  LeanTicks,    // time_utc,bid,ask (lean/normalized/*_ticks_utc.csv)
  LeanM1,       // time_utc,bid_open..bid_close,bid_size,ask_open..ask_close,ask_size (lean/normalized)
  NautilusM1,   // timestamp,open,high,low,close: a bid file plus its ask file (nautilus/fxcm)
  Smc15,        // Date,Open,High,Low,Close,Tickvol,Volume,Spread (smc/EURUSD/EURUSD_15M.csv), spread in points
};

struct DataSet {
  std::string symbol;
  std::vector<market::Tick> ticks;           // LeanTicks
  std::vector<grading::QuoteBar> bars;       // bar formats, sorted by open time
  int64_t bar_period_ns = 0;
  size_t days = 0;                           // distinct UTC dates with data (symbol-days)
};

Result<DataSet> load_dataset(Format format, const std::string& path, const std::string& ask_path,
                             const SymbolSpec& spec);

}  // namespace bitten::backtest
