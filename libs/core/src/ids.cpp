#include "bitten/core/ids.hpp"

#include <cstdio>
#include <random>

namespace bitten {

std::string to_base36(uint64_t v) {
  static const char* digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  if (v == 0) return "0";
  char buf[16];
  int i = 16;
  while (v) {
    buf[--i] = digits[v % 36];
    v /= 36;
  }
  return std::string(buf + i, buf + 16);
}

namespace {
uint64_t random_u64() {
  std::random_device rd;
  return (static_cast<uint64_t>(rd()) << 32) ^ rd();
}
}  // namespace

IdGenerator::IdGenerator(uint64_t salt) : salt_(salt ? salt : random_u64()) {}

std::string IdGenerator::next(std::string_view prefix, int64_t now_ns) {
  const uint64_t n = counter_.fetch_add(1);
  const uint64_t ms = static_cast<uint64_t>(now_ns / 1'000'000);
  // 3 base-36 characters of salt (46656 values) keep two processes started in the same
  // millisecond apart; the counter keeps one process's ids apart.
  std::string s(prefix);
  s += '_';
  s += to_base36(ms);
  std::string salt = to_base36(salt_ % 46656);
  s.append(3 - salt.size(), '0');
  s += salt;
  s += to_base36(n);
  return s;
}

std::string random_uuid() {
  std::random_device rd;
  std::mt19937_64 g((static_cast<uint64_t>(rd()) << 32) ^ rd());
  uint64_t a = g(), b = g();
  a = (a & 0xFFFFFFFFFFFF0FFFULL) | 0x0000000000004000ULL;
  b = (b & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;
  char buf[37];
  std::snprintf(buf, sizeof buf, "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(a >> 32),
                static_cast<unsigned>((a >> 16) & 0xFFFF), static_cast<unsigned>(a & 0xFFFF),
                static_cast<unsigned>(b >> 48), static_cast<unsigned long long>(b & 0xFFFFFFFFFFFFULL));
  return buf;
}

}  // namespace bitten
