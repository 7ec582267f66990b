#pragma once
// The batch smart-money functions return a Table: named columns with one row per input bar, the
// C++ image of the oracle's DataFrame (NaN = "no signal"). The column kind records the pandas dtype
// so that values are rounded (float32) and printed the way the library prints them.
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace bitten::market {

enum class ColumnKind { Float64, Float32, Int };

struct Column {
  std::string name;
  ColumnKind kind = ColumnKind::Float64;
  std::vector<double> values;
};

struct Table {
  std::vector<Column> columns;

  size_t rows() const { return columns.empty() ? 0 : columns.front().values.size(); }
  // Nullptr when absent.
  const Column* find(std::string_view name) const;
  const std::vector<double>& at(std::string_view name) const;  // aborts when absent (a bug)
  Column& add(std::string name, ColumnKind kind, std::vector<double> values);
};

// Writes the table as pandas' to_csv(index=False) would: NaN as an empty field, floats with the
// shortest round-trip representation of their dtype, a ".0" on integral floats.
void write_csv(std::ostream& out, const Table& table);
std::string format_cell(double value, ColumnKind kind);

}  // namespace bitten::market
