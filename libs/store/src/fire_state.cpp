#include "bitten/store/fire_state.hpp"

#include <array>

namespace bitten::store {

namespace {
constexpr std::array<std::string_view, 9> kNames = {"REQUESTED", "REJECTED", "QUEUED",  "SENT",  "UNDELIVERABLE",
                                                   "FILLED",    "FAILED",   "TIMEOUT", "CLOSED"};
}

std::string_view to_string(FireState s) { return kNames[static_cast<size_t>(s)]; }

std::optional<FireState> parse_fire_state(std::string_view s) {
  for (size_t i = 0; i < kNames.size(); ++i)
    if (kNames[i] == s) return static_cast<FireState>(i);
  return std::nullopt;
}

bool is_legal_transition(FireState from, FireState to) {
  using S = FireState;
  switch (from) {
    case S::REQUESTED: return to == S::QUEUED || to == S::REJECTED;
    case S::QUEUED:
      return to == S::SENT || to == S::UNDELIVERABLE || to == S::TIMEOUT || to == S::FILLED || to == S::FAILED;
    // SENT -> UNDELIVERABLE: the router records SENT before it hands the bytes to ZeroMQ (so a fire
    // is sent at most once, even across a crash); when ROUTER_MANDATORY then refuses the send (the
    // EA's connection is gone), nothing left the process and the fire is undeliverable.
    case S::SENT: return to == S::FILLED || to == S::FAILED || to == S::TIMEOUT || to == S::UNDELIVERABLE;
    case S::TIMEOUT: return to == S::FILLED || to == S::FAILED;
    case S::FILLED: return to == S::CLOSED;
    case S::REJECTED:
    case S::UNDELIVERABLE:
    case S::FAILED:
    case S::CLOSED: return false;
  }
  return false;
}

bool is_terminal(FireState s) {
  return s == FireState::REJECTED || s == FireState::UNDELIVERABLE || s == FireState::FAILED || s == FireState::CLOSED;
}

bool is_in_flight(FireState s) {
  return s == FireState::REQUESTED || s == FireState::QUEUED || s == FireState::SENT;
}

}  // namespace bitten::store
