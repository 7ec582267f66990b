#pragma once
// Batch smart-money primitives that reproduce smart-money-concepts v0.0.27 row for row, quirks
// included (see ../shared/reference/smc-oracle.md and docs/market.md). Each returns a Table with
// the library's column names and dtypes. These are for research, backtests and the oracle tests:
// several of them look ahead, so live detection uses bitten/market/streaming/*.
#include <string>

#include "bitten/core/result.hpp"
#include "bitten/market/ohlc.hpp"
#include "bitten/market/table.hpp"

namespace bitten::market::smc {

// FVG, Top, Bottom, MitigatedIndex.
Table fvg(const OhlcSeries& ohlc, bool join_consecutive = false);

// Step 1 of swing_highs_lows only: +1/−1/NaN raw candidates before the alternation clean-up and
// the forced endpoints. Causal with a confirmation delay of swing_length bars.
std::vector<double> swing_candidates(const OhlcSeries& ohlc, int swing_length);

// HighLow, Level. swing_length must be >= 1.
Table swing_highs_lows(const OhlcSeries& ohlc, int swing_length = 50);

// BOS, CHOCH, Level, BrokenIndex (orphan BrokenIndex values are kept, as upstream).
Table bos_choch(const OhlcSeries& ohlc, const Table& swings, bool close_break = true);

// OB, Top, Bottom, OBVolume, MitigatedIndex, Percentage.
Table ob(const OhlcSeries& ohlc, const Table& swings, bool close_mitigation = false);

// Liquidity, Level, End, Swept.
Table liquidity(const OhlcSeries& ohlc, const Table& swings, double range_percent = 0.01);

// PreviousHigh, PreviousLow, BrokenHigh, BrokenLow. time_frame: "<n>min", "<n>h"/"<n>H",
// "<n>D" or "W"/"1W" (pandas W-SUN). Needs ascending times.
Result<Table> previous_high_low(const OhlcSeries& ohlc, const std::string& time_frame = "1D");

// Active, High, Low. session is one of the oracle's names (Sydney, Tokyo, London, New York,
// Asian kill zone, London open kill zone, New York kill zone, london close kill zone, Custom).
// time_zone: "UTC", or "UTC±N"/"GMT±N" with the oracle's inverted Etc/GMT sign.
Result<Table> sessions(const OhlcSeries& ohlc, const std::string& session, const std::string& start_time = "",
                       const std::string& end_time = "", const std::string& time_zone = "UTC");

// Direction, CurrentRetracement%, DeepestRetracement%.
Table retracements(const OhlcSeries& ohlc, const Table& swings);

}  // namespace bitten::market::smc
