#include "bitten/market/csv.hpp"

#include <cctype>
#include <charconv>
#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>

namespace bitten::market {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '"')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '"' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

}  // namespace

bool parse_number(std::string_view field, double& out) {
  field = trim(field);
  if (field.empty() || iequals(field, "nan")) {
    out = std::numeric_limits<double>::quiet_NaN();
    return true;
  }
  if (field.front() == '+') field.remove_prefix(1);
  const auto r = std::from_chars(field.data(), field.data() + field.size(), out);
  return r.ec == std::errc{} && r.ptr == field.data() + field.size();
}

int CsvDocument::find_column(std::string_view name) const {
  for (size_t i = 0; i < header.size(); ++i)
    if (iequals(header[i], name)) return static_cast<int>(i);
  return -1;
}

Result<std::vector<double>> CsvDocument::numeric_column(size_t column) const {
  if (column >= cells.size()) return make_error("csv_missing_column", "column index out of range");
  std::vector<double> out(cells[column].size());
  for (size_t r = 0; r < out.size(); ++r) {
    if (!parse_number(cells[column][r], out[r]))
      return make_error("csv_bad_number", "data row " + std::to_string(r + 1) + ", column '" + header[column] +
                                              "': not a number: '" + cells[column][r] + "'");
  }
  return out;
}

Result<CsvDocument> parse_csv(std::string_view text) {
  // A UTF-8 byte order mark would otherwise become part of the first column name.
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  CsvDocument doc;
  size_t pos = 0;
  size_t line_no = 0;
  char delimiter = ',';
  // Fields may be double-quoted (the manifest's call column contains commas); quotes are kept in
  // the raw view and stripped by trim(), which is enough because no field contains a quote.
  auto split = [&](std::string_view line, std::vector<std::string_view>& fields) {
    fields.clear();
    size_t start = 0;
    bool quoted = false;
    for (size_t i = 0; i <= line.size(); ++i) {
      if (i < line.size() && line[i] == '"') quoted = !quoted;
      if (i == line.size() || (line[i] == delimiter && !quoted)) {
        fields.push_back(trim(line.substr(start, i - start)));
        start = i + 1;
      }
    }
  };
  std::vector<std::string_view> fields;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();  // final line without newline
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    if (doc.header.empty()) {
      if (line.find(',') == std::string_view::npos && line.find('\t') != std::string_view::npos) delimiter = '\t';
      split(line, fields);
      for (auto f : fields) doc.header.emplace_back(f);
      doc.cells.resize(doc.header.size());
      continue;
    }
    split(line, fields);
    if (fields.size() != doc.header.size())
      return make_error("csv_field_count", "line " + std::to_string(line_no) + ": expected " +
                                               std::to_string(doc.header.size()) + " fields, found " +
                                               std::to_string(fields.size()));
    for (size_t c = 0; c < fields.size(); ++c) doc.cells[c].emplace_back(fields[c]);
  }
  if (doc.header.empty()) return make_error("csv_empty", "no header line");
  return doc;
}

Result<CsvDocument> read_csv_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error("csv_open", "cannot open " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return parse_csv(ss.str());
}

}  // namespace bitten::market
