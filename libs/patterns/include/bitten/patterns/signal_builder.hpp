#pragma once
// Turns a Detection into the full order spec (SignalMsg), or says why it cannot be traded.
//
// Entry is the price that fills at the decision: the ask at the bar's close for a BUY (bid close +
// spread), the bid close for a SELL. The SL sits beyond the structure stop by sl_buffer_atr·ATR
// (for a SELL the structure, a bid level, is moved to the ask side by the spread, since a SELL's SL
// triggers on the ask); its distance is raised to at least sl_atr_min·ATR and refused above
// sl_atr_max·ATR. TP = entry ± rr × SL distance. Prices are rounded to the symbol's digits; pips use
// the symbol's pip size (JPY 0.01, XAU 0.1, XAG 0.001). Class: SNIPER when rr >= sniper_min_rr and
// confidence >= sniper_min_confidence, else RAPID.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "bitten/core/symbols.hpp"
#include "bitten/patterns/params.hpp"
#include "bitten/patterns/series.hpp"
#include "bitten/patterns/types.hpp"
#include "bitten/schema/signal.hpp"

namespace bitten::patterns {

enum class Rejection : int { None = 0, LowConfidence, SpreadTooWide, BadStructure, SlTooWide, SpreadVsSl, Count };
std::string_view rejection_name(Rejection r);

struct BuildContext {
  const SymbolSpec& spec;
  const PatternSetParams& params;
  std::string_view timeframe;  // "M5"
  std::string_view source;     // the detector daemon
  double spread_price = 0;     // ask - bid of the last quote of the decided bar
};

struct BuildResult {
  std::optional<schema::SignalMsg> signal;
  Rejection rejection = Rejection::None;
};

BuildResult build_signal(const Detection& d, PatternId pattern, const SeriesState& s, const BuildContext& ctx);

// Deterministic id of one detection: "SIG_" + base36(FNV-1a 64 of symbol|pattern|timeframe|bar
// time), at most 17 characters. The backtester and the live daemon derive the same id for the same
// detection, and a detection is never given a second id.
std::string make_signal_id(std::string_view symbol, std::string_view pattern, std::string_view timeframe,
                           int64_t bar_time_ns);

}  // namespace bitten::patterns
