#include "bitten/backtest/data.hpp"

#include <cmath>
#include <set>
#include <unordered_map>

#include "bitten/market/csv.hpp"
#include "bitten/market/ohlc.hpp"
#include "bitten/market/tick_csv.hpp"

namespace bitten::backtest {

namespace {

Result<std::vector<std::vector<double>>> columns(const market::CsvDocument& doc, const std::vector<std::string>& names,
                                                 const std::string& path) {
  std::vector<std::vector<double>> out;
  for (const auto& n : names) {
    const int c = doc.find_column(n);
    if (c < 0) return make_error("missing_column", path + ": no column " + n);
    auto v = doc.numeric_column(static_cast<size_t>(c));
    if (!v) return v.error();
    out.push_back(std::move(*v));
  }
  return out;
}

Result<std::vector<int64_t>> times(const market::CsvDocument& doc, const std::string& path) {
  std::vector<int64_t> t;
  t.reserve(doc.rows());
  for (size_t r = 0; r < doc.rows(); ++r) {
    auto v = market::parse_timestamp_ns(doc.cells[0][r]);
    if (!v) return make_error("bad_time", path + ": row " + std::to_string(r + 1) + ": bad time");
    t.push_back(*v);
  }
  return t;
}

size_t count_days(const std::vector<int64_t>& t) {
  std::set<int64_t> d;
  for (int64_t x : t) d.insert(x / (86400LL * 1'000'000'000LL));
  return d.size();
}

}  // namespace

Result<DataSet> load_dataset(Format format, const std::string& path, const std::string& ask_path,
                             const SymbolSpec& spec) {
  DataSet ds;
  ds.symbol = spec.name;
  if (format == Format::LeanTicks) {
    auto ticks = market::load_ticks_csv(path);
    if (!ticks) return ticks.error();
    ds.ticks = std::move(*ticks);
    std::vector<int64_t> t;
    t.reserve(ds.ticks.size());
    for (const auto& k : ds.ticks) t.push_back(k.time_ns);
    ds.days = count_days(t);
    return ds;
  }
  auto doc = market::read_csv_file(path);
  if (!doc) return doc.error();
  auto t = times(*doc, path);
  if (!t) return t.error();
  ds.days = count_days(*t);
  const size_t n = doc->rows();
  ds.bars.resize(n);
  if (format == Format::LeanM1) {
    auto c = columns(*doc, {"bid_open", "bid_high", "bid_low", "bid_close", "ask_open", "ask_high", "ask_low", "ask_close"},
                     path);
    if (!c) return c.error();
    const auto& v = *c;
    for (size_t r = 0; r < n; ++r)
      ds.bars[r] = grading::QuoteBar{(*t)[r], 60'000'000'000LL, v[0][r], v[1][r], v[2][r], v[3][r],
                                     v[4][r], v[5][r], v[6][r], v[7][r]};
    ds.bar_period_ns = 60'000'000'000LL;
  } else if (format == Format::NautilusM1) {
    auto bid = columns(*doc, {"open", "high", "low", "close"}, path);
    if (!bid) return bid.error();
    auto adoc = market::read_csv_file(ask_path);
    if (!adoc) return adoc.error();
    auto at = times(*adoc, ask_path);
    if (!at) return at.error();
    auto ask = columns(*adoc, {"open", "high", "low", "close"}, ask_path);
    if (!ask) return ask.error();
    std::unordered_map<int64_t, size_t> ask_row;
    for (size_t r = 0; r < at->size(); ++r) ask_row[(*at)[r]] = r;
    ds.bars.clear();
    for (size_t r = 0; r < n; ++r) {
      auto it = ask_row.find((*t)[r]);
      if (it == ask_row.end()) continue;  // a minute without its ask bar cannot be graded
      const size_t a = it->second;
      const auto& b = *bid;
      const auto& k = *ask;
      ds.bars.push_back(grading::QuoteBar{(*t)[r], 60'000'000'000LL, b[0][r], b[1][r], b[2][r], b[3][r], k[0][a], k[1][a],
                                          k[2][a], k[3][a]});
    }
    ds.bar_period_ns = 60'000'000'000LL;
  } else {
    auto c = columns(*doc, {"open", "high", "low", "close", "spread"}, path);
    if (!c) return c.error();
    const auto& v = *c;
    for (size_t r = 0; r < n; ++r) {
      const double s = (std::isnan(v[4][r]) ? 0 : v[4][r]) * spec.point;
      ds.bars[r] = grading::QuoteBar{(*t)[r], 900'000'000'000LL, v[0][r], v[1][r], v[2][r], v[3][r],
                                     v[0][r] + s, v[1][r] + s, v[2][r] + s, v[3][r] + s};
    }
    ds.bar_period_ns = 900'000'000'000LL;
  }
  return ds;
}

}  // namespace bitten::backtest
