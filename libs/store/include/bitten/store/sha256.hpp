#pragma once
// SHA-256 (FIPS 180-4), self-contained: tokens and session cookies are stored only as their hash.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace bitten::store {

std::array<uint8_t, 32> sha256(std::string_view data);
std::string sha256_hex(std::string_view data);  // lower-case hex, 64 characters

// `bytes` random bytes from the OS (std::random_device = getrandom), as lower-case hex.
std::string random_hex(size_t bytes);

}  // namespace bitten::store
