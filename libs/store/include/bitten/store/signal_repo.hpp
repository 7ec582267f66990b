#pragma once
// signals: written by signal_relay only (one owner). A signal_id is stored once; a repeat is ignored,
// never replaced (the original had two writers overwriting each other's columns).
#include <optional>
#include <vector>

#include "bitten/core/result.hpp"
#include "bitten/schema/signal.hpp"
#include "bitten/store/database.hpp"
#include "bitten/store/records.hpp"

namespace bitten::store {

SignalRecord to_signal_record(const schema::SignalMsg& msg, int64_t now_ns);

class SignalRepo {
 public:
  explicit SignalRepo(Database& db) : db_(db) {}

  // true: inserted; false: the signal_id was already stored (unchanged).
  Result<bool> insert(const SignalRecord& s);
  Result<std::optional<SignalRecord>> get(const std::string& signal_id);
  // Newest first by detection time; before_ns pages backwards.
  Result<std::vector<SignalRecord>> recent(int limit, std::optional<int64_t> before_ns = std::nullopt);
  Result<int64_t> count_since(int64_t since_ns);

  struct Key {
    std::string signal_id;
    int64_t detected_ns = 0;
    bool accepted = false;
  };
  // recent() without the rows: for callers that cache each (immutable) signal by id.
  Result<std::vector<Key>> recent_keys(int limit, std::optional<int64_t> before_ns = std::nullopt);

 private:
  Database& db_;
};

}  // namespace bitten::store
