#pragma once
// Every tunable number of the patterns and of the engine. Distances are in multiples of ATR so one
// parameter set fits EURUSD, USDJPY and XAUUSD alike; pips only appear where a broker rule is in
// pips (spread limits). Defaults are the values in config/patterns.json; docs/patterns.md explains them.
#include <cstdint>
#include <map>
#include <string>

#include "bitten/patterns/types.hpp"

namespace bitten::patterns {

// Indicators every pattern reads, updated once per closed bar (SeriesState).
struct IndicatorParams {
  int atr_period = 14;
  int bb_period = 20;
  double bb_k = 2.0;
  int kc_period = 20;  // EMA and ATR period of the Keltner channel
  double kc_k = 1.5;
  int rsi_period = 14;
  int trend_ema_period = 50;
  int swing_length = 3;  // StreamingSwings L: a swing is confirmed L bars after it
  int history = 64;      // closed bars kept per symbol (must cover every lookback below)
};

// How a detection becomes an order spec (signal_builder).
struct RiskParams {
  double rr = 1.5;               // TP distance = rr × SL distance (>= 1)
  double sl_atr_min = 0.5;       // SL distance at least this many ATR (noise floor)
  double sl_atr_max = 3.0;       // a structure farther than this is refused (sl_too_wide)
  double sl_buffer_atr = 0.1;    // added beyond the structural level
  double min_confidence = 0;     // detections below this are dropped (low_confidence)
};

struct LsrParams {
  RiskParams risk{2.0, 0.5, 3.0, 0.1, 0};
  int max_swing_age = 60;         // bars a swing level stays liquidity
  double sweep_min_atr = 0.05;    // run beyond the level at least this much
  double sweep_max_atr = 1.0;     // farther than this is a breakout, not a sweep
  double wick_min_ratio = 0.5;    // rejection wick / bar range
  double min_range_atr = 0.5;     // the sweep bar's range
};

struct ObbParams {
  RiskParams risk{2.0, 0.5, 3.0, 0.1, 0};
  int ob_lookback = 5;            // bars before the displacement searched for the opposite candle
  double disp_body_atr = 1.0;     // displacement candle body
  int max_age = 48;               // bars a block stays valid
  int min_bars_after = 2;         // the return must come at least this many bars after the break
  double wick_min_ratio = 0.3;    // rejection wick on the touch bar
};

struct FvgParams {
  RiskParams risk{2.0, 0.5, 3.0, 0.1, 0};
  double min_gap_atr = 0.3;
  int max_age = 30;               // bars between the gap and the return
  double close_pos_min = 0.5;     // close in the upper (BUY) / lower (SELL) part of the bar's range
};

struct VcbParams {
  RiskParams risk{1.5, 0.5, 3.0, 0.1, 0};
  int min_squeeze_bars = 6;       // consecutive bars with BB inside KC before the breakout
  int range_lookback = 10;        // bars whose mean range the breakout bar must exceed
  double range_mult = 1.5;
  double body_min_ratio = 0.5;
};

struct MbParams {
  RiskParams risk{1.5, 0.5, 3.0, 0.1, 0};
  int box_bars = 8;               // the consolidation
  double max_box_atr = 1.5;       // consolidation height
  double wide_mult = 2.0;         // burst range / mean range of the box bars
  double body_min_ratio = 0.6;
  double breakout_min_atr = 0.1;  // close beyond the box
};

struct BbScalpParams {
  RiskParams risk{1.2, 0.5, 2.5, 0.1, 0};
  double rsi_high = 70;
  double rsi_low = 30;
  double wick_min_ratio = 0.4;
};

struct ThrottleParams {
  int64_t cooldown_s = 900;       // per symbol + pattern
  int hourly_cap = 4;             // per symbol, rolling 60 minutes of event time
};

struct SpreadParams {
  double default_max_pips = 3.0;
  std::map<std::string, double> max_pips;  // per symbol override
  double max_fraction_of_sl = 0.25;        // spread must be below this fraction of the SL distance
};

struct ClassParams {
  // SNIPER when rr >= sniper_min_rr and confidence >= sniper_min_confidence, else RAPID.
  double sniper_min_rr = 2.0;
  double sniper_min_confidence = 70;
};

struct PatternSetParams {
  IndicatorParams indicators;
  LsrParams lsr;
  ObbParams obb;
  FvgParams fvg;
  VcbParams vcb;
  MbParams mb;
  BbScalpParams bb_scalp;
  ThrottleParams throttle;
  SpreadParams spread;
  ClassParams classes;

  const RiskParams& risk(PatternId id) const;
};

}  // namespace bitten::patterns
