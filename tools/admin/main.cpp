#include <iostream>

#include "admin_cli.hpp"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return bitten::admin::run(args, std::cout, std::cerr);
}
