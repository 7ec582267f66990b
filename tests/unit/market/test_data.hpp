#pragma once
// Locating test data: BITTEN_SHARED_DATA (the big ../shared/data/real tree, optional) and the
// small excerpts shipped under tests/data/market (always present).
#include <cstdlib>
#include <filesystem>
#include <string>

namespace bitten::market::testing {

inline std::string shared_data_dir() {
  const char* p = std::getenv("BITTEN_SHARED_DATA");
  if (p && *p && std::filesystem::exists(std::filesystem::path(p) / "smc")) return p;
  // ctest may pass only the first ENVIRONMENT entry; fall back to the documented default location
  // next to the repository.
  const char* root = std::getenv("BITTEN_SOURCE_ROOT");
  if (root && *root) {
    const auto fallback = std::filesystem::path(root) / ".." / "shared" / "data" / "real";
    if (std::filesystem::exists(fallback / "smc")) return fallback.string();
  }
  return {};
}

inline std::string excerpt_dir() {
  const char* root = std::getenv("BITTEN_SOURCE_ROOT");
  std::filesystem::path base = root && *root ? root : ".";
  return (base / "tests" / "data" / "market").string();
}

}  // namespace bitten::market::testing
