#pragma once
// Compares a computed Table with an oracle CSV: same columns, same row count, every cell equal
// (NaN matches NaN) within a relative tolerance that covers float32 levels.
#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

#include "bitten/market/csv.hpp"
#include "bitten/market/table.hpp"

namespace bitten::market::testing {

inline ::testing::AssertionResult table_matches(const Table& actual, const CsvDocument& expected,
                                                size_t max_rows = static_cast<size_t>(-1),
                                                double rel_tol = 1e-6) {
  const size_t rows = std::min(expected.rows(), max_rows);
  if (max_rows == static_cast<size_t>(-1) && actual.rows() != expected.rows())
    return ::testing::AssertionFailure() << "row count " << actual.rows() << " vs expected " << expected.rows();
  std::ostringstream msg;
  size_t bad = 0;
  for (size_t c = 0; c < expected.header.size(); ++c) {
    const Column* col = actual.find(expected.header[c]);
    if (!col) return ::testing::AssertionFailure() << "missing column " << expected.header[c];
    auto exp = expected.numeric_column(c);
    if (!exp.ok()) return ::testing::AssertionFailure() << exp.error().message;
    for (size_t r = 0; r < rows; ++r) {
      const double e = (*exp)[r], a = col->values[r];
      bool ok;
      if (std::isnan(e) || std::isnan(a))
        ok = std::isnan(e) && std::isnan(a);
      else
        ok = std::fabs(e - a) <= rel_tol * std::max(std::fabs(e), std::fabs(a)) || std::fabs(e - a) < 1e-12;
      if (!ok && ++bad <= 8) msg << "\n  row " << r << " " << expected.header[c] << ": expected " << e << " got " << a;
    }
  }
  if (bad) return ::testing::AssertionFailure() << bad << " mismatching cells" << msg.str();
  return ::testing::AssertionSuccess();
}

}  // namespace bitten::market::testing
