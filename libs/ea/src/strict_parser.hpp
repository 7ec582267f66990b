#pragma once
// Strict JSON -> RawTree with simdjson (internal). Fails on anything simdjson refuses.
// Uses the DOM API because it dispatches at runtime to the best SIMD kernel (AVX2 here); the
// header-only on-demand API would compile to the scalar fallback without -march flags.
#include <simdjson.h>

#include <cstddef>

#include "raw_tree.hpp"

namespace bitten::ea::detail {

class StrictParser {
 public:
  // `data` must be readable for `capacity` bytes, capacity >= size + SIMDJSON_PADDING.
  bool parse(const char* data, size_t size, size_t capacity, RawTree& tree);

 private:
  simdjson::dom::parser parser_;
};

}  // namespace bitten::ea::detail
