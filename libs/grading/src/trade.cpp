#include "bitten/grading/trade.hpp"

#include <cctype>
#include <cmath>
#include <string>

namespace bitten::grading {

std::string_view to_string(Direction d) { return d == Direction::Buy ? "BUY" : "SELL"; }

std::string_view to_string(Outcome o) {
  switch (o) {
    case Outcome::Win: return "WIN";
    case Outcome::Loss: return "LOSS";
    case Outcome::Timeout: return "TIMEOUT";
    case Outcome::Pending: break;
  }
  return "PENDING";
}

Result<Direction> parse_direction(std::string_view text) {
  std::string up(text);
  for (char& c : up) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (up == "BUY") return Direction::Buy;
  if (up == "SELL") return Direction::Sell;
  return make_error("bad_direction", "direction must be BUY or SELL, got '" + std::string(text) + "'");
}

double TradeSpec::risk_price() const { return std::fabs(entry - sl); }

TradeSpec TradeSpec::from_fill(double fill_price, int64_t fill_ns) const {
  TradeSpec s = *this;
  s.entry = fill_price;
  s.start_ns = fill_ns;
  return s;
}

Status validate(const TradeSpec& s) {
  auto finite = [](double v) { return std::isfinite(v); };
  if (!finite(s.entry) || !finite(s.sl) || !finite(s.tp) || !finite(s.pip_size))
    return make_error("bad_trade", "entry, sl, tp and pip_size must be finite");
  if (!(s.pip_size > 0)) return make_error("bad_trade", "pip_size must be positive");
  if (s.horizon_ns <= 0) return make_error("bad_trade", "horizon must be positive");
  if (s.direction == Direction::Buy) {
    if (!(s.sl < s.tp)) return make_error("bad_trade", "BUY needs sl < tp");
    if (!(s.entry > s.sl)) return make_error("bad_trade", "BUY needs entry > sl (positive risk)");
  } else {
    if (!(s.sl > s.tp)) return make_error("bad_trade", "SELL needs sl > tp");
    if (!(s.entry < s.sl)) return make_error("bad_trade", "SELL needs entry < sl (positive risk)");
  }
  return ok_status();
}

std::optional<int> GradeResult::label() const {
  if (outcome == Outcome::Win) return 1;
  if (outcome == Outcome::Loss) return 0;
  return std::nullopt;
}

}  // namespace bitten::grading
