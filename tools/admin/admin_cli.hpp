#pragma once
// The bitten-admin commands, callable in-process (main.cpp is a thin wrapper; tests call this).
#include <ostream>
#include <string>
#include <vector>

namespace bitten::admin {

// args excludes the program name. Returns the process exit code (0 ok, 1 failure, 2 usage).
int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace bitten::admin
