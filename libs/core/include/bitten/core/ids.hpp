#pragma once
// Id generation. Ids are ASCII, unique per process run and across restarts (time + random salt +
// counter), short enough for the EA's 31-character MT5 order comment where needed.
#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

namespace bitten {

class IdGenerator {
 public:
  // salt: random per process unless given (tests pass a fixed one for reproducible ids).
  explicit IdGenerator(uint64_t salt = 0);
  // "<prefix>_<base36 time ms><base36 salt/counter>": at most prefix + 1 + 20 characters.
  std::string next(std::string_view prefix, int64_t now_ns);

 private:
  uint64_t salt_;
  std::atomic<uint64_t> counter_{0};
};

// Base-36 (0-9A-Z) encoding of an unsigned integer.
std::string to_base36(uint64_t v);

// A random UUID v4 string (36 characters).
std::string random_uuid();

}  // namespace bitten
