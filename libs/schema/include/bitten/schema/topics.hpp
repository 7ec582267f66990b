#pragma once
// Topic names: "<message type>.<key>". Subscribers filter by prefix, so the type comes first.
#include <string>
#include <string_view>

namespace bitten::schema::topic {

inline std::string tick(std::string_view symbol) { return "tick." + std::string(symbol); }
inline std::string bar(std::string_view timeframe, std::string_view symbol) {
  return "bar." + std::string(timeframe) + "." + std::string(symbol);
}
inline std::string ea(std::string_view kind) { return "ea." + std::string(kind); }
inline std::string health(std::string_view daemon) { return "health." + std::string(daemon); }
inline std::string signal(std::string_view symbol) { return "signal." + std::string(symbol); }
inline std::string fire(std::string_view user) { return "fire." + std::string(user); }
inline std::string command(std::string_view target_uuid) { return "cmd." + std::string(target_uuid); }

constexpr std::string_view kTickPrefix = "tick.";
constexpr std::string_view kBarPrefix = "bar.";
constexpr std::string_view kEaPrefix = "ea.";
constexpr std::string_view kHealthPrefix = "health.";
constexpr std::string_view kSignalPrefix = "signal.";
constexpr std::string_view kFirePrefix = "fire.";

}  // namespace bitten::schema::topic
