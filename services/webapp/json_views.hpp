#pragma once
// JSON shapes the API returns for store rows (one place, so pages and tests agree).
#include <nlohmann/json.hpp>

#include "bitten/risk/engine.hpp"
#include "bitten/store/records.hpp"

namespace bitten::webapp {

nlohmann::json to_json(const store::SignalRecord& s);
nlohmann::json to_json(const store::FireRecord& f);
nlohmann::json to_json(const store::PositionRecord& p);
nlohmann::json to_json(const store::UserRecord& u);
nlohmann::json to_json(const store::EaInstance& e, int64_t now_ns, int64_t ttl_s);
nlohmann::json to_json(const store::ModelRecord& m);
nlohmann::json to_json(const store::AuditEntry& a);
nlohmann::json to_json(const risk::ApprovedOrder& o);

}  // namespace bitten::webapp
