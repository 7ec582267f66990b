#include "bitten/market/ohlc.hpp"

#include <cmath>

#include "bitten/core/time.hpp"

namespace bitten::market {

void OhlcSeries::reserve(size_t n) {
  time_ns.reserve(n);
  open.reserve(n);
  high.reserve(n);
  low.reserve(n);
  close.reserve(n);
  volume.reserve(n);
}

void OhlcSeries::push_back(int64_t t, double o, double h, double l, double c, double v) {
  time_ns.push_back(t);
  open.push_back(o);
  high.push_back(h);
  low.push_back(l);
  close.push_back(c);
  volume.push_back(v);
}

OhlcSeries OhlcSeries::head(size_t n) const {
  OhlcSeries s;
  n = std::min(n, size());
  auto cut = [n](const auto& v) { return std::vector(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(n)); };
  s.time_ns = cut(time_ns);
  s.open = cut(open);
  s.high = cut(high);
  s.low = cut(low);
  s.close = cut(close);
  s.volume = cut(volume);
  return s;
}

std::optional<int64_t> parse_timestamp_ns(std::string_view s) {
  // Nautilus timestamps carry an explicit "+00:00"; anything else non-UTC is refused.
  if (s.size() > 6 && s.substr(s.size() - 6) == "+00:00") s.remove_suffix(6);
  // Fractional seconds (".mmm") are kept to the millisecond.
  int64_t frac_ns = 0;
  if (s.size() > 19 && s[19] == '.') {
    std::string_view frac = s.substr(20);
    if (!frac.empty() && frac.back() == 'Z') frac.remove_suffix(1);
    int64_t scale = 100'000'000;
    for (char ch : frac) {
      if (ch < '0' || ch > '9') return std::nullopt;
      frac_ns += (ch - '0') * scale;
      scale /= 10;
    }
    s = s.substr(0, 19);
  }
  const auto sec = parse_datetime(s);
  if (!sec) return std::nullopt;
  return *sec * 1'000'000'000 + frac_ns;
}

Result<OhlcSeries> ohlc_from_csv(const CsvDocument& doc, const std::string& volume_column) {
  int time_col = -1;
  for (const char* name : {"time", "date", "timestamp", "datetime", "time_utc"}) {
    time_col = doc.find_column(name);
    if (time_col >= 0) break;
  }
  if (time_col < 0) time_col = 0;
  const int o = doc.find_column("open"), h = doc.find_column("high"), l = doc.find_column("low"),
            c = doc.find_column("close");
  if (o < 0 || h < 0 || l < 0 || c < 0)
    return make_error("ohlc_missing_column", "the header must name open, high, low and close columns");
  if (time_col == o || time_col == h || time_col == l || time_col == c)
    return make_error("ohlc_missing_column", "no time column (time/date/timestamp) before the prices");
  const int v = doc.find_column(volume_column);

  auto opens = doc.numeric_column(static_cast<size_t>(o));
  if (!opens) return opens.error();
  auto highs = doc.numeric_column(static_cast<size_t>(h));
  if (!highs) return highs.error();
  auto lows = doc.numeric_column(static_cast<size_t>(l));
  if (!lows) return lows.error();
  auto closes = doc.numeric_column(static_cast<size_t>(c));
  if (!closes) return closes.error();
  std::vector<double> volumes(doc.rows(), 0.0);
  if (v >= 0) {
    auto vol = doc.numeric_column(static_cast<size_t>(v));
    if (!vol) return vol.error();
    volumes = std::move(*vol);
  }

  OhlcSeries s;
  s.reserve(doc.rows());
  const auto& times = doc.cells[static_cast<size_t>(time_col)];
  for (size_t r = 0; r < doc.rows(); ++r) {
    const auto t = parse_timestamp_ns(times[r]);
    if (!t)
      return make_error("ohlc_bad_time", "data row " + std::to_string(r + 1) + ": cannot parse time '" + times[r] + "'");
    if (std::isnan((*opens)[r]) || std::isnan((*highs)[r]) || std::isnan((*lows)[r]) || std::isnan((*closes)[r]))
      return make_error("ohlc_missing_price", "data row " + std::to_string(r + 1) + ": empty price field");
    s.push_back(*t, (*opens)[r], (*highs)[r], (*lows)[r], (*closes)[r], volumes[r]);
  }
  return s;
}

Result<OhlcSeries> load_ohlc_csv(const std::string& path, const std::string& volume_column) {
  auto doc = read_csv_file(path);
  if (!doc) return doc.error();
  return ohlc_from_csv(*doc, volume_column);
}

}  // namespace bitten::market
