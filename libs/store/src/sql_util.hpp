#pragma once
// Binding and reading optional values (private to the store).
#include <SQLiteCpp/Column.h>
#include <SQLiteCpp/Statement.h>

#include <cstdint>
#include <optional>
#include <string>

namespace bitten::store::detail {

inline void bind_opt(SQLite::Statement& q, int i, const std::optional<std::string>& v) {
  if (v) q.bind(i, *v); else q.bind(i);
}
inline void bind_opt(SQLite::Statement& q, int i, const std::optional<int64_t>& v) {
  if (v) q.bind(i, static_cast<int64_t>(*v)); else q.bind(i);
}
inline void bind_opt(SQLite::Statement& q, int i, const std::optional<double>& v) {
  if (v) q.bind(i, *v); else q.bind(i);
}
inline void bind_i64(SQLite::Statement& q, int i, int64_t v) { q.bind(i, static_cast<int64_t>(v)); }

inline std::optional<std::string> opt_str(const SQLite::Column& c) {
  if (c.isNull()) return std::nullopt;
  return c.getString();
}
inline std::optional<int64_t> opt_i64(const SQLite::Column& c) {
  if (c.isNull()) return std::nullopt;
  return static_cast<int64_t>(c.getInt64());
}
inline std::optional<double> opt_dbl(const SQLite::Column& c) {
  if (c.isNull()) return std::nullopt;
  return c.getDouble();
}
inline int64_t i64(const SQLite::Column& c) { return static_cast<int64_t>(c.getInt64()); }

}  // namespace bitten::store::detail
