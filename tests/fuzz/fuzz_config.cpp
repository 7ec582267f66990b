// Config files: the strict reader and the symbol table.
#include <cstddef>
#include <cstdint>
#include <string>

#include "bitten/core/symbols.hpp"
#include "bitten/runtime/config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  (void)bitten::SymbolTable::parse(text);
  auto c = bitten::runtime::ConfigReader::from_text(text);
  if (c) {
    (void)c->get<int>("pull_rcvhwm", 0);
    (void)c->get<std::string>("pull_bind", "");
    (void)c->get<double>("max_spread_pips", 0);
    (void)c->get<bool>("clock_check", true);
    auto sec = c->section("per_ea_offset_s");
    (void)sec.get<int64_t>("x", 0);
    (void)c->raw("broker_offset_s");
    (void)c->finish();
  }
  return 0;
}
