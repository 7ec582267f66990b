#pragma once
// One entry point for a libFuzzer target (tests/fuzz/, later):
//   extern "C" int LLVMFuzzerTestOneInput(const uint8_t* d, size_t n) { return bitten::ea::fuzz_one(d, n); }
// Runs the input through every parser of the library (server decode, typed decode, the EA's
// command parser) and aborts if a decode error carries a code outside errors.hpp.
#include <cstddef>
#include <cstdint>

namespace bitten::ea {

int fuzz_one(const uint8_t* data, size_t size);

}  // namespace bitten::ea
