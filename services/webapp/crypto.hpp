#pragma once
// The few primitives auth needs, from OpenSSL: SHA-256, HMAC-SHA256, secure random, and a
// constant-time comparison (hash checks must not leak how many leading characters matched).
#include <string>
#include <string_view>

namespace bitten::webapp::crypto {

std::string sha256_raw(std::string_view data);                      // 32 bytes
std::string sha256_hex(std::string_view data);                      // 64 lower-case hex characters
std::string hmac_sha256_raw(std::string_view key, std::string_view data);
std::string hmac_sha256_hex(std::string_view key, std::string_view data);
std::string to_hex(std::string_view bytes);
std::string random_hex(size_t bytes);  // RAND_bytes; aborts if the CSPRNG fails
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace bitten::webapp::crypto
