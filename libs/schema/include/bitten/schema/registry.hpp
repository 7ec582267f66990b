#pragma once
// Every internal message type, by its envelope "type" name: decode its data into the typed struct
// and encode it back. Used by readers that accept several types and by the round-trip tests.
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "bitten/core/result.hpp"

namespace bitten::schema {

using RoundTrip = std::function<Result<nlohmann::json>(const nlohmann::json& data)>;

// type name -> decode-then-encode function. Types register in registry.cpp.
const std::map<std::string, RoundTrip>& message_registry();

}  // namespace bitten::schema
