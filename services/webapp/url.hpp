#pragma once
// Percent-decoding, query strings and Cookie headers.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bitten::webapp {

// Decodes %XX and (when plus_is_space) '+'. nullopt on a malformed escape.
std::optional<std::string> url_decode(std::string_view in, bool plus_is_space = true);
// "a=1&b=2" in order of appearance; malformed pairs are skipped.
std::vector<std::pair<std::string, std::string>> parse_query_pairs(std::string_view query);
std::map<std::string, std::string> parse_query(std::string_view query);  // last value wins
std::map<std::string, std::string> parse_cookies(std::string_view header);

struct SplitTarget {
  std::string path;   // still percent-encoded
  std::string query;  // without '?'
};
SplitTarget split_target(std::string_view target);

}  // namespace bitten::webapp
