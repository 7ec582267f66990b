#pragma once
// The shape both parsers (strict simdjson and tolerant scanner) reduce a payload to: a small tree
// of nodes in one reused vector. Strings point into the payload or the simdjson string buffer and
// live until the next parse.
#include <cstdint>
#include <string_view>
#include <vector>

#include "number_text.hpp"

namespace bitten::ea::detail {

enum class Kind : uint8_t { String, Number, True, False, Null, Object, Array, BadNumber, OutOfRange };

struct Node {
  std::string_view key;   // empty for array elements and the root
  std::string_view text;  // String: contents; Number/BadNumber/OutOfRange: the raw token
  ParsedNumber number;
  Kind kind = Kind::Null;
  uint32_t first_child = 0;  // 0 = none (index 0 is always the root)
  uint32_t next = 0;         // next sibling, 0 = none
};

struct RawTree {
  std::vector<Node> nodes;
  void clear() { nodes.clear(); }
  // Appends a node under `parent` after `*last_child` (0 = first child); returns its index.
  uint32_t add_child(uint32_t parent, uint32_t& last_child, Node node);
  // Classifies a bare token (number, true/false/null, or an invalid one) into `node`.
  static void classify_token(std::string_view token, Node& node);
};

inline constexpr int kMaxDepth = 8;  // the EA's deepest message is HEARTBEAT.positions[].{...} (3)

}  // namespace bitten::ea::detail
