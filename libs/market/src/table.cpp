#include "bitten/market/table.hpp"

#include <charconv>
#include <cmath>
#include <cstdlib>

namespace bitten::market {

const Column* Table::find(std::string_view name) const {
  for (const auto& c : columns)
    if (c.name == name) return &c;
  return nullptr;
}

const std::vector<double>& Table::at(std::string_view name) const {
  const Column* c = find(name);
  if (!c) std::abort();
  return c->values;
}

Column& Table::add(std::string name, ColumnKind kind, std::vector<double> values) {
  columns.push_back(Column{std::move(name), kind, std::move(values)});
  return columns.back();
}

std::string format_cell(double value, ColumnKind kind) {
  if (std::isnan(value)) return {};
  char buf[64];
  std::to_chars_result r{};
  if (kind == ColumnKind::Int) {
    r = std::to_chars(buf, buf + sizeof buf, static_cast<long long>(value));
    return std::string(buf, r.ptr);
  }
  if (kind == ColumnKind::Float32)
    r = std::to_chars(buf, buf + sizeof buf, static_cast<float>(value));
  else
    r = std::to_chars(buf, buf + sizeof buf, value);
  std::string s(buf, r.ptr);
  if (s.find_first_of(".eni") == std::string::npos) s += ".0";  // Python prints 1.0, not 1
  return s;
}

void write_csv(std::ostream& out, const Table& table) {
  for (size_t c = 0; c < table.columns.size(); ++c) out << (c ? "," : "") << table.columns[c].name;
  out << '\n';
  for (size_t r = 0; r < table.rows(); ++r) {
    for (size_t c = 0; c < table.columns.size(); ++c)
      out << (c ? "," : "") << format_cell(table.columns[c].values[r], table.columns[c].kind);
    out << '\n';
  }
}

}  // namespace bitten::market
