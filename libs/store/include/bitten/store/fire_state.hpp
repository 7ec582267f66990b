#pragma once
// The fire state machine (docs/store.md §Fire state machine). The store refuses any update that is
// not one of these transitions, so two daemons racing on one fire cannot walk it backwards.
#include <optional>
#include <string_view>

namespace bitten::store {

enum class FireState { REQUESTED, REJECTED, QUEUED, SENT, UNDELIVERABLE, FILLED, FAILED, TIMEOUT, CLOSED };

std::string_view to_string(FireState s);
std::optional<FireState> parse_fire_state(std::string_view s);

// True when `from -> to` is a legal transition. Notable edges:
//  - QUEUED -> FILLED/FAILED: a confirmation may overtake the router's SENT update (two daemons).
//  - TIMEOUT -> FILLED/FAILED: a late broker confirmation corrects a timed-out fire.
bool is_legal_transition(FireState from, FireState to);
// Terminal states never change again. TIMEOUT is not terminal (a late confirmation may correct it).
bool is_terminal(FireState s);
// States that hold a slot before the broker has answered (open positions hold the rest).
bool is_in_flight(FireState s);

}  // namespace bitten::store
