#pragma once
// Reads golden EA messages/commands from tests/data/ea/ (exact bytes, no trailing newline).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "test_paths.hpp"

namespace bitten::ea::test {

inline std::filesystem::path golden_dir() {
  return std::filesystem::path(bitten::test::source_root()) / "tests" / "data" / "ea";
}

inline std::string golden(const std::string& name) {
  std::ifstream in(golden_dir() / name, std::ios::binary);
  if (!in) ADD_FAILURE() << "missing golden file " << (golden_dir() / name);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace bitten::ea::test
