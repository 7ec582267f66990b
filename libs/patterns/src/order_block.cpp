#include "bitten/patterns/order_block.hpp"

#include <algorithm>

namespace bitten::patterns {

std::optional<Detection> OrderBlockBounce::on_bar(const SeriesState& s) {
  const Candle& c = s.bar(0);
  const size_t t = s.index();
  std::erase_if(blocks_, [&](const Block& b) { return t - b.created > static_cast<size_t>(p_.max_age); });
  const auto atr = s.atr();
  std::optional<Detection> out;

  // 1. Returns into existing blocks (newest first).
  for (size_t i = blocks_.size(); i-- > 0;) {
    const Block b = blocks_[i];
    if (t - b.created < static_cast<size_t>(p_.min_bars_after)) continue;
    const bool buy = b.side == Side::Buy;
    const bool touched = buy ? c.low <= b.top : c.high >= b.bottom;
    const bool broken = buy ? c.close < b.bottom : c.close > b.top;
    if (!touched && !broken) continue;
    blocks_.erase(blocks_.begin() + static_cast<std::ptrdiff_t>(i));
    if (out || broken || !atr || *atr <= 0 || c.range() <= 0) continue;
    const double wick = (buy ? c.lower_wick() : c.upper_wick()) / c.range();
    const bool rejected = buy ? c.close > b.top : c.close < b.bottom;
    if (!rejected || wick < p_.wick_min_ratio) continue;
    const double age = static_cast<double>(t - b.created);
    Detection d{b.side, buy ? std::min(b.bottom, c.low) : std::max(b.top, c.high), 0, {}};
    d.confidence = 50 + 15 * clamp01((b.disp_atr - p_.disp_body_atr) / p_.disp_body_atr) +
                   15 * clamp01((wick - p_.wick_min_ratio) / (1 - p_.wick_min_ratio)) +
                   10 * clamp01(1 - age / p_.max_age) + 10 * s.session_weight();
    d.features = {{"obb_disp_atr", b.disp_atr}, {"obb_block_atr", (b.top - b.bottom) / *atr},
                  {"obb_age", age}, {"obb_wick_ratio", wick}};
    out = std::move(d);
  }

  // 2. A displacement that breaks structure creates a block.
  if (atr && *atr > 0) {
    const double body_atr = c.body() / *atr;
    auto make_block = [&](Side side) {
      const size_t n = std::min<size_t>(static_cast<size_t>(p_.ob_lookback), s.available() - 1);
      for (size_t k = 1; k <= n; ++k) {
        const Candle& o = s.bar(k);
        if (side == Side::Buy ? o.bearish() : o.bullish()) {
          blocks_.push_back(Block{side, o.high, o.low, t, body_atr});
          return;
        }
      }
    };
    // Any close beyond a swing breaks it; only a displacement candle doing so leaves a block.
    const bool displacement = body_atr >= p_.disp_body_atr;
    if (last_high_ && !last_high_->broken && c.close > last_high_->level) {
      last_high_->broken = true;
      if (displacement && c.bullish()) make_block(Side::Buy);
    }
    if (last_low_ && !last_low_->broken && c.close < last_low_->level) {
      last_low_->broken = true;
      if (displacement && c.bearish()) make_block(Side::Sell);
    }
  }
  if (const auto& sw = s.new_swing()) (sw->type > 0 ? last_high_ : last_low_) = Swing{sw->level, false};
  return out;
}

}  // namespace bitten::patterns
