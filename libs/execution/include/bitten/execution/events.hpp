#pragma once
// What the execution daemons publish on the event bus. Logic classes return these; the socket loop
// sends them through an EventPublisher (topic + envelope type + data).
//
//   fire.<user_id>     "fire_event"     every fire state change (see docs/execution.md §Messages)
//   fire.<user_id>     "command_event"  close / ping commands: SENT or UNDELIVERABLE
//   mission.<user_id>  "mission"        a mission offered to the user
//   ea.<kind>          "ea_status"      hello / heartbeat / offline / duplicate (schema::EaStatusMsg)
//   ea.pong            "ea_pong"        ping round trip
//   alert.<name>       "alert"          things an admin must look at (duplicate EA, rogue confirmation)
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bitten/store/records.hpp"

namespace bitten::execution {

struct Event {
  std::string topic;
  std::string type;
  nlohmann::json data;
};
using Events = std::vector<Event>;

inline constexpr const char* kFireEventType = "fire_event";
inline constexpr const char* kCommandEventType = "command_event";
inline constexpr const char* kMissionEventType = "mission";
inline constexpr const char* kAlertType = "alert";

// The fire's row after a transition, plus the state it came from (nullopt for a new fire).
Event fire_event(const store::FireRecord& fire, std::optional<store::FireState> from, int64_t ts_ns);
Event command_event(std::string_view user_id, std::string_view command_id, std::string_view kind,
                    std::string_view uuid, std::string_view state, std::string_view reason, int64_t ts_ns);
Event alert_event(std::string_view name, nlohmann::json detail, int64_t ts_ns);

}  // namespace bitten::execution
