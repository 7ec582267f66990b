#pragma once
// Backtest statistics per pattern, symbol and session, and the CSV outputs for the ML trainer.
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "bitten/backtest/replay.hpp"

namespace bitten::backtest {

struct GroupStats {
  size_t signals = 0, wins = 0, losses = 0, timeouts = 0, pending = 0;
  double sum_r = 0;         // over decided trades (WIN, LOSS, TIMEOUT marked to market)
  double gross_win_r = 0, gross_loss_r = 0;
  double cum_r = 0, peak_r = 0, max_drawdown_r = 0;  // in time order

  void add(const grading::GradeResult& r);
  double win_rate() const { return wins + losses ? static_cast<double>(wins) / static_cast<double>(wins + losses) : 0; }
  double avg_r() const {
    const size_t n = wins + losses + timeouts;
    return n ? sum_r / static_cast<double>(n) : 0;
  }
  double profit_factor() const { return gross_loss_r > 0 ? gross_win_r / gross_loss_r : 0; }
};

// Keys "ALL", "pattern=<P>", "symbol=<S>", "session=<X>", "pattern=<P>|symbol=<S>".
std::map<std::string, GroupStats> summarize(const std::vector<Graded>& graded);
void print_report(std::ostream& os, const std::map<std::string, GroupStats>& stats);

// Every signal with its outcome.
void write_signals_csv(std::ostream& os, const std::vector<Graded>& graded);
// WIN/LOSS rows only (TIMEOUT and PENDING are never trained on): the ML base features, the
// categorical fields, every pattern feature as f.<key> (empty when the signal lacks it), label.
void write_training_csv(std::ostream& os, const std::vector<Graded>& graded);

}  // namespace bitten::backtest
