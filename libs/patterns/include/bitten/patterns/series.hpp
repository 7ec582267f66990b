#pragma once
// The closed-bar history of one symbol on the detection timeframe, with every shared indicator
// updated once per bar (O(1)) and the causal smart-money streams (swings, FVGs). Patterns read it
// after update(); nothing here ever sees a bar after the one being decided.
#include <cstdint>
#include <optional>
#include <vector>

#include "bitten/market/indicators/atr.hpp"
#include "bitten/market/indicators/bollinger.hpp"
#include "bitten/market/indicators/ema.hpp"
#include "bitten/market/indicators/keltner.hpp"
#include "bitten/market/indicators/rsi.hpp"
#include "bitten/market/session_calendar.hpp"
#include "bitten/market/streaming/streaming_fvg.hpp"
#include "bitten/market/streaming/streaming_swings.hpp"
#include "bitten/patterns/params.hpp"

namespace bitten::patterns {

struct Candle {
  int64_t open_time_ns = 0;
  int64_t close_time_ns = 0;  // open + period: the decision time
  double open = 0, high = 0, low = 0, close = 0;

  double range() const { return high - low; }
  double body() const { return close > open ? close - open : open - close; }
  double upper_wick() const { return high - (close > open ? close : open); }
  double lower_wick() const { return (close < open ? close : open) - low; }
  bool bullish() const { return close > open; }
  bool bearish() const { return close < open; }
};

class SeriesState {
 public:
  explicit SeriesState(const IndicatorParams& p);

  void update(const Candle& c);

  // k bars back from the latest closed bar (0 = the bar being decided). k < available().
  const Candle& bar(size_t k) const { return ring_[(head_ + ring_.size() - 1 - k) % ring_.size()]; }
  size_t available() const { return count_ < ring_.size() ? count_ : ring_.size(); }
  // 0-based index of the latest bar (the StreamingSwings / StreamingFvg index space).
  size_t index() const { return count_ - 1; }
  size_t count() const { return count_; }

  std::optional<double> atr() const { return atr_.value(); }
  const std::optional<market::BollingerValue>& bb() const { return bb_; }
  const std::optional<market::KeltnerValue>& kc() const { return kc_; }
  std::optional<double> rsi() const { return rsi_.value(); }
  std::optional<double> trend_ema() const { return trend_.value(); }

  // The swing confirmed at this bar (candidate L bars ago), if any.
  const std::optional<market::SwingPoint>& new_swing() const { return new_swing_; }
  const market::StreamingFvg& fvg() const { return fvg_; }
  const market::FvgEvents& fvg_events() const { return fvg_events_; }

  market::SessionLabel session() const { return session_; }  // at the bar's close
  // 1 for London/London-NY, 0.8 New York, 0.5 Tokyo, 0.3 Sydney, 0 closed: the session term of
  // every confidence formula (liquid hours make cleaner sweeps and breakouts).
  double session_weight() const;

 private:
  std::vector<Candle> ring_;
  size_t head_ = 0;
  size_t count_ = 0;
  market::Atr atr_;
  market::Bollinger bb_ind_;
  market::Keltner kc_ind_;
  market::Rsi rsi_;
  market::Ema trend_;
  market::StreamingSwings swings_;
  market::StreamingFvg fvg_;
  std::optional<market::BollingerValue> bb_;
  std::optional<market::KeltnerValue> kc_;
  std::optional<market::SwingPoint> new_swing_;
  market::FvgEvents fvg_events_;
  market::SessionLabel session_ = market::SessionLabel::Closed;
};

}  // namespace bitten::patterns
