#pragma once
// Tolerant scanner for the EA's flat objects (internal). The EA writes `"key":"` + value + `"`
// with no escaping, so a value may contain raw quotes and backslashes. A string value therefore
// ends at the first quote that is followed by `,"<identifier>":` or by the closing brace of its
// object (at the root: a brace followed only by whitespace). Backslashes are literal.
#include <string_view>

#include "raw_tree.hpp"

namespace bitten::ea::detail {

bool scan_tolerant(std::string_view payload, RawTree& tree);

}  // namespace bitten::ea::detail
