#pragma once
// Column-oriented OHLC(V) series: the input of the batch smart-money functions and the CLI.
#include <cstdint>
#include <optional>
#include <string_view>
#include <string>
#include <vector>

#include "bitten/core/result.hpp"
#include "bitten/market/csv.hpp"

namespace bitten::market {

struct OhlcSeries {
  // Bar open times in ns since the epoch, taken at face value (the oracle treats broker time as UTC).
  std::vector<int64_t> time_ns;
  std::vector<double> open, high, low, close, volume;

  size_t size() const { return close.size(); }
  void reserve(size_t n);
  void push_back(int64_t t, double o, double h, double l, double c, double v);
  // Rows [0, n): the "data truncated at t" view used by the causality property tests.
  OhlcSeries head(size_t n) const;
};

// Accepts both the upstream smc layout (Date,Open,High,Low,Close,Tickvol,Volume,Spread with
// "YYYY.MM.DD HH:MM:SS") and the generated input.csv layout (time,open,high,low,close,volume).
// The time column is the first one named time/date/timestamp/datetime (else column 0); a trailing
// "+00:00" is accepted. Volume is the column named `volume_column` (case-insensitive); when absent
// it is zero, matching an input without volume. Fails on non-numeric prices or unparseable times.
// "YYYY-MM-DD HH:MM:SS[.fff][Z|+00:00]" or "YYYY.MM.DD HH:MM:SS" (also with 'T') to ns since the
// epoch, fields taken as UTC; nullopt when malformed.
std::optional<int64_t> parse_timestamp_ns(std::string_view text);

Result<OhlcSeries> ohlc_from_csv(const CsvDocument& doc, const std::string& volume_column = "volume");
Result<OhlcSeries> load_ohlc_csv(const std::string& path, const std::string& volume_column = "volume");

}  // namespace bitten::market
