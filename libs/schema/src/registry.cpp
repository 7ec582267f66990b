#include "bitten/schema/registry.hpp"

#include "bitten/schema/bar.hpp"
#include "bitten/schema/command.hpp"
#include "bitten/schema/ea_status.hpp"
#include "bitten/schema/health.hpp"
#include "bitten/schema/signal.hpp"
#include "bitten/schema/tick.hpp"

namespace bitten::schema {

namespace {
template <class T, class Decode>
RoundTrip make(Decode decode) {
  return [decode](const nlohmann::json& d) -> Result<nlohmann::json> {
    auto r = decode(d);
    if (!r) return r.error();
    return to_json(*r);
  };
}
}  // namespace

const std::map<std::string, RoundTrip>& message_registry() {
  static const std::map<std::string, RoundTrip> reg = {
      {TickMsg::kType, make<TickMsg>(tick_from_json)},
      {BarMsg::kType, make<BarMsg>(bar_from_json)},
      {EaStatusMsg::kType, make<EaStatusMsg>(ea_status_from_json)},
      {HealthMsg::kType, make<HealthMsg>(health_from_json)},
      {SignalMsg::kType, make<SignalMsg>(signal_from_json)},
      {CommandMsg::kType, make<CommandMsg>(command_from_json)},
  };
  return reg;
}

}  // namespace bitten::schema
