// Everything an EA can push into 5556, 5555 and 5558, through the server-side decoder.
#include <cstddef>
#include <cstdint>

#include "bitten/ea/fuzz_entry.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) { return bitten::ea::fuzz_one(data, size); }
