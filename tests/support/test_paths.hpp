#pragma once
// Where tests find the project's files and the optional big data sets.
#include <cstdlib>
#include <filesystem>
#include <string>

namespace bitten::test {

// The repository root (ctest sets BITTEN_SOURCE_ROOT; running a test binary by hand from the
// root works too).
inline std::string source_root() {
  const char* r = std::getenv("BITTEN_SOURCE_ROOT");
  return r && *r ? r : ".";
}

// ../shared/data/real beside the checkout, or BITTEN_SHARED_DATA. Empty when absent: tests that
// need it skip with a message saying so.
inline std::string shared_data() {
  const char* s = std::getenv("BITTEN_SHARED_DATA");
  std::string p = s && *s ? s : source_root() + "/../shared/data/real";
  return std::filesystem::is_directory(p) ? p : std::string();
}

}  // namespace bitten::test
