#pragma once
// Loads quote ticks from CSV with columns time,bid,ask (e.g. lean/normalized/*_ticks_utc.csv).
#include <string>
#include <vector>

#include "bitten/core/result.hpp"
#include "bitten/market/bar.hpp"

namespace bitten::market {

Result<std::vector<Tick>> load_ticks_csv(const std::string& path);

}  // namespace bitten::market
