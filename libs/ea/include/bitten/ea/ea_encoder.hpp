#pragma once
// EA side: every message byte-for-byte as the v2.05 EA's MQL5 string concatenation writes it
// (for the EA simulator and for golden tests). Field order as in the EA; prices with the symbol's
// digits (DoubleToString), balances/margins 2 dp, spread 1 dp, confirmation price 5 dp, lot 2 dp,
// integers plain, broker time as "YYYY.MM.DD HH:MM:SS", no spaces, and by default NO escaping:
// a quote in a broker name produces the same broken JSON the real EA sends.
#include <string>

#include "bitten/ea/messages.hpp"

namespace bitten::ea {

struct EaFormat {
  // true: strings are pasted raw, as the EA does (reproduces the unescaped-quote quirk).
  // false: always-valid JSON that decodes back unchanged under the EA's "backslash is literal"
  // rule: `"` becomes `'`, `\` becomes `/`, control characters become spaces (lossy on purpose;
  // escaping would be misread, because the real EA never escapes).
  bool raw_strings = true;
};

std::string ea_encode_tick(const Tick& m, int digits, const EaFormat& format = {});
std::string ea_encode_ohlc(const Ohlc& m, int digits, const EaFormat& format = {});
std::string ea_encode_handshake(const Handshake& m, const EaFormat& format = {});
std::string ea_encode_telemetry_heartbeat(const TelemetryHeartbeat& m, const EaFormat& format = {});
std::string ea_encode_disconnect(const Disconnect& m, const EaFormat& format = {});
std::string ea_encode_hello(const Hello& m, const EaFormat& format = {});
// v2.05 fields in the EA's order. The v2.06H extras, when set, follow `timestamp` in the order
// user_id, account_login, broker, ts, open_positions, positions (v2.06H source is not available:
// this order is our convention, not a copy).
std::string ea_encode_dealer_heartbeat(const DealerHeartbeat& m, const EaFormat& format = {});
std::string ea_encode_confirmation(const Confirmation& m, const EaFormat& format = {});
std::string ea_encode_close_confirmation(const CloseConfirmation& m, const EaFormat& format = {});
std::string ea_encode_pong(const Pong& m, const EaFormat& format = {});

// Writes whichever message it is; prices of TICK/OHLC use `digits`.
std::string ea_encode(const EaMessage& m, int digits, const EaFormat& format = {});

// The EA's spread: (ask - bid) / point, in points (written with 1 dp).
double ea_spread_points(double bid, double ask, int digits);

}  // namespace bitten::ea
