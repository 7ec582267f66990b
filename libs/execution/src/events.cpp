#include "bitten/execution/events.hpp"

namespace bitten::execution {

namespace {
template <class T>
nlohmann::json opt(const std::optional<T>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}
}  // namespace

Event fire_event(const store::FireRecord& f, std::optional<store::FireState> from, int64_t ts_ns) {
  nlohmann::json d = {{"fire_id", f.fire_id},
                      {"user_id", f.user_id},
                      {"state", std::string(store::to_string(f.state))},
                      {"prev_state", from ? nlohmann::json(std::string(store::to_string(*from))) : nlohmann::json(nullptr)},
                      {"reason", f.reason},
                      {"reason_detail", f.reason_detail},
                      {"mission_id", opt(f.mission_id)},
                      {"signal_id", opt(f.signal_id)},
                      {"mode", f.mode},
                      {"ea_uuid", f.ea_uuid},
                      {"symbol", f.symbol},
                      {"direction", f.direction},
                      {"lot", f.lot},
                      {"sl", f.sl},
                      {"tp", f.tp},
                      {"ticket", opt(f.ticket)},
                      {"price", opt(f.fill_price)},
                      {"close_price", opt(f.close_price)},
                      {"close_result", opt(f.close_result)},
                      {"pnl", opt(f.pnl)},
                      {"inferred", f.close_inferred},
                      {"ts", ts_ns}};
  return Event{"fire." + f.user_id, kFireEventType, std::move(d)};
}

Event command_event(std::string_view user_id, std::string_view command_id, std::string_view kind,
                    std::string_view uuid, std::string_view state, std::string_view reason, int64_t ts_ns) {
  nlohmann::json d = {{"command_id", command_id}, {"kind", kind},     {"user_id", user_id}, {"ea_uuid", uuid},
                      {"state", state},           {"reason", reason}, {"ts", ts_ns}};
  return Event{"fire." + std::string(user_id.empty() ? "unknown" : user_id), kCommandEventType, std::move(d)};
}

Event alert_event(std::string_view name, nlohmann::json detail, int64_t ts_ns) {
  nlohmann::json d = {{"alert", name}, {"detail", std::move(detail)}, {"ts", ts_ns}};
  return Event{"alert." + std::string(name), kAlertType, std::move(d)};
}

}  // namespace bitten::execution
