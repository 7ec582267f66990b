#pragma once
// A small, strict CSV reader for market data and oracle files. Upstream files may lack the final
// newline and use empty fields for NaN, so both are accepted; anything malformed is an Error with
// the line number rather than an exception.
#include <string>
#include <string_view>
#include <vector>

#include "bitten/core/result.hpp"

namespace bitten::market {

struct CsvDocument {
  std::vector<std::string> header;
  // Column-major cells, cells[c][r].
  std::vector<std::vector<std::string>> cells;

  size_t rows() const { return cells.empty() ? 0 : cells.front().size(); }
  // Index of a column by name, case-insensitive; -1 when absent.
  int find_column(std::string_view name) const;
  // Parses a whole column as numbers; an empty field is NaN. Errors name the row and column.
  Result<std::vector<double>> numeric_column(size_t column) const;
};

// Comma-delimited, or tab-delimited when the header has tabs and no commas. CRLF is accepted.
Result<CsvDocument> parse_csv(std::string_view text);
Result<CsvDocument> read_csv_file(const std::string& path);

// Parses one numeric field: empty (or "nan") is NaN; anything else must be a complete number.
bool parse_number(std::string_view field, double& out);

}  // namespace bitten::market
