#pragma once
// The production EA's (BITTEN Universal EA v2.05) wire protocol, both directions.
// See docs/protocol.md and ../shared/reference/ea-protocol-v2.05.md.
//
//   messages.hpp           structs for everything the EA sends
//   decoder.hpp            server side: payload -> EaMessage (simdjson fast path + tolerant scanner)
//   commands.hpp           server side: fire / close_all / close_ticket / ping -> exact command bytes
//   ea_encoder.hpp         EA side: messages byte-for-byte as the EA's string concatenation writes them
//   ea_command_parser.hpp  EA side: the EA's substring "parser" and dispatch rules
//   ea_fire_rules.hpp      EA side: direction guess, lot fallback, SL/TP sanitisation, reply texts
//   errors.hpp             the stable error codes
//   fuzz_entry.hpp         one entry point for libFuzzer
#include <cstddef>
#include <cstdint>

#include "bitten/ea/commands.hpp"
#include "bitten/ea/decoder.hpp"
#include "bitten/ea/ea_command_parser.hpp"
#include "bitten/ea/ea_encoder.hpp"
#include "bitten/ea/ea_fire_rules.hpp"
#include "bitten/ea/errors.hpp"
#include "bitten/ea/messages.hpp"

namespace bitten::ea {

inline constexpr int kCommandPort = 5555;       // ROUTER (server) <-> DEALER (EA, identity = UUID)
inline constexpr int kTelemetryPort = 5556;     // PULL (server) <- PUSH (EA): ticks, OHLC, telemetry
inline constexpr int kConfirmPort = 5558;       // PULL (server) <- PUSH (EA): confirmations, pong
inline constexpr int64_t kMagicNumber = 7176191872;  // the EA's magic on every order it opens
inline constexpr const char* kEaVersion = "2.05";

}  // namespace bitten::ea
