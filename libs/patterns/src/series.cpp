#include "bitten/patterns/series.hpp"

namespace bitten::patterns {

SeriesState::SeriesState(const IndicatorParams& p)
    : ring_(static_cast<size_t>(p.history > 8 ? p.history : 8)),
      atr_(p.atr_period),
      bb_ind_(p.bb_period, p.bb_k),
      kc_ind_(p.kc_period, p.kc_period, p.kc_k),
      rsi_(p.rsi_period),
      trend_(p.trend_ema_period),
      swings_(p.swing_length) {}

void SeriesState::update(const Candle& c) {
  ring_[head_] = c;
  head_ = (head_ + 1) % ring_.size();
  ++count_;
  atr_.update(c.high, c.low, c.close);
  bb_ = bb_ind_.update(c.close);
  kc_ = kc_ind_.update(c.high, c.low, c.close);
  rsi_.update(c.close);
  trend_.update(c.close);
  new_swing_ = swings_.on_bar(c.high, c.low);
  fvg_events_ = fvg_.on_bar(c.open, c.high, c.low, c.close);
  session_ = market::session_of(c.close_time_ns);
}

double SeriesState::session_weight() const {
  switch (session_) {
    case market::SessionLabel::LondonNewYork:
    case market::SessionLabel::London: return 1.0;
    case market::SessionLabel::NewYork: return 0.8;
    case market::SessionLabel::Tokyo: return 0.5;
    case market::SessionLabel::Sydney: return 0.3;
    case market::SessionLabel::Closed: return 0.0;
  }
  return 0.0;
}

}  // namespace bitten::patterns
