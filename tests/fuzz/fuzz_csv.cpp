// The CSV reader behind every data loader (replay, backtest, oracle files).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "bitten/market/csv.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)bitten::market::parse_csv(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
