#include "bitten/market/streaming/streaming_swings.hpp"

namespace bitten::market {

StreamingSwings::StreamingSwings(int swing_length) : L_(static_cast<size_t>(swing_length < 1 ? 1 : swing_length)) {}

std::optional<SwingPoint> StreamingSwings::on_bar(double high, double low) {
  const size_t t = t_++;
  const size_t w = 2 * L_;
  while (!max_q_.empty() && max_q_.back().second <= high) max_q_.pop_back();
  max_q_.emplace_back(t, high);
  while (!min_q_.empty() && min_q_.back().second >= low) min_q_.pop_back();
  min_q_.emplace_back(t, low);
  while (max_q_.front().first + w <= t) max_q_.pop_front();
  while (min_q_.front().first + w <= t) min_q_.pop_front();
  recent_.emplace_back(high, low);
  if (recent_.size() > L_ + 1) recent_.pop_front();
  // Candidate c = t - L, with the oracle's first valid row 2L-1.
  if (t < 3 * L_ - 1) return std::nullopt;
  const size_t c = t - L_;
  const auto [ch, cl] = recent_.front();
  if (ch == max_q_.front().second) return SwingPoint{c, 1, ch, t};
  if (cl == min_q_.front().second) return SwingPoint{c, -1, cl, t};
  return std::nullopt;
}

}  // namespace bitten::market
