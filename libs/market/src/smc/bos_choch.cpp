// Break of structure and change of character, as smc.bos_choch.
#include <cmath>
#include <limits>

#include "../first_index.hpp"
#include "bitten/market/smc/batch.hpp"

namespace bitten::market::smc {

Table bos_choch(const OhlcSeries& ohlc, const Table& swings, bool close_break) {
  const size_t n = ohlc.size();
  const auto& hl = swings.at("HighLow");
  const auto& lv = swings.at("Level");
  std::vector<int> bos(n, 0), choch(n, 0);
  // The original stores levels in a float32 array and compares prices against that rounded value.
  std::vector<float> level(n, 0.0f);

  std::vector<double> types, levels;
  std::vector<size_t> rows;
  for (size_t i = 0; i < n; ++i) {
    if (std::isnan(hl[i])) continue;
    types.push_back(hl[i]);
    levels.push_back(lv[i]);
    const size_t k = types.size();
    if (k >= 4) {
      const double t4 = types[k - 4], t3 = types[k - 3], t2 = types[k - 2], t1 = types[k - 1];
      const double v4 = levels[k - 4], v3 = levels[k - 3], v2 = levels[k - 2], v1 = levels[k - 1];
      const bool up = t4 == -1 && t3 == 1 && t2 == -1 && t1 == 1;
      const bool down = t4 == 1 && t3 == -1 && t2 == 1 && t1 == -1;
      const size_t r = rows[rows.size() - 2];  // the row of swing −3
      int b = (up && v4 < v2 && v2 < v3 && v3 < v1) ? 1 : 0;
      if (down && v4 > v2 && v2 > v3 && v3 > v1) b = -1;
      int c = (up && v1 > v3 && v3 > v4 && v4 > v2) ? 1 : 0;
      if (down && v1 < v3 && v3 < v4 && v4 < v2) c = -1;
      bos[r] = b;
      choch[r] = c;
      level[r] = (b != 0 || c != 0) ? static_cast<float>(v3) : 0.0f;
    }
    rows.push_back(i);
  }

  const auto& up_series = close_break ? ohlc.close : ohlc.high;
  const auto& down_series = close_break ? ohlc.close : ohlc.low;
  const detail::FirstIndex up_idx(up_series), down_idx(down_series);
  std::vector<size_t> signals;
  for (size_t i = 0; i < n; ++i)
    if (bos[i] != 0 || choch[i] != 0) signals.push_back(i);
  std::vector<size_t> broken(n, 0);
  for (size_t s = 0; s < signals.size(); ++s) {
    const size_t i = signals[s];
    const double lvl = static_cast<double>(level[i]);
    size_t j = detail::FirstIndex::npos;
    if (bos[i] == 1 || choch[i] == 1)
      j = up_idx.first_greater(i + 2, lvl);
    else if (bos[i] == -1 || choch[i] == -1)
      j = down_idx.first_less(i + 2, lvl);
    if (j == detail::FirstIndex::npos) continue;
    broken[i] = j;
    // An earlier structure level still unbroken when this one breaks is superseded. Its
    // BrokenIndex stays behind (the upstream "orphans").
    for (size_t q = 0; q < s; ++q) {
      const size_t k = signals[q];
      if ((bos[k] != 0 || choch[k] != 0) && broken[k] >= j) {
        bos[k] = choch[k] = 0;
        level[k] = 0.0f;
      }
    }
  }
  const double nan = std::numeric_limits<double>::quiet_NaN();
  std::vector<double> out_bos(n, nan), out_choch(n, nan), out_level(n, nan), out_broken(n, nan);
  for (size_t i = 0; i < n; ++i) {
    if ((bos[i] != 0 || choch[i] != 0) && broken[i] == 0) {
      bos[i] = choch[i] = 0;
      level[i] = 0.0f;
    }
    if (bos[i] != 0) out_bos[i] = bos[i];
    if (choch[i] != 0) out_choch[i] = choch[i];
    if (level[i] != 0.0f) out_level[i] = static_cast<double>(level[i]);
    if (broken[i] != 0) out_broken[i] = static_cast<double>(broken[i]);
  }
  Table t;
  t.add("BOS", ColumnKind::Float64, std::move(out_bos));
  t.add("CHOCH", ColumnKind::Float64, std::move(out_choch));
  t.add("Level", ColumnKind::Float32, std::move(out_level));
  t.add("BrokenIndex", ColumnKind::Float64, std::move(out_broken));
  return t;
}

}  // namespace bitten::market::smc
