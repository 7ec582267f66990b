#pragma once
// RawTree -> typed EA message (internal). Same rules for both parse paths.
#include "bitten/core/result.hpp"
#include "bitten/ea/messages.hpp"
#include "raw_tree.hpp"

namespace bitten::ea::detail {

// The root's `type` string, or an error (missing_field:type / wrong_type:type).
Result<std::string_view> message_type(const RawTree& tree);

Result<EaMessage> build_message(const RawTree& tree);
Result<Tick> build_tick(const RawTree& tree);
Result<Confirmation> build_confirmation(const RawTree& tree);

}  // namespace bitten::ea::detail
