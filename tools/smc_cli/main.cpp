// bitten-smc: runs one batch smart-money function on an OHLC CSV and prints the same columns as
// the Python smart-money-concepts library (CSV on stdout, NaN as an empty field).
#include <iostream>
#include <string>
#include <vector>

#include "bitten/market/ohlc.hpp"
#include "bitten/market/smc/batch.hpp"
#include "bitten/market/table.hpp"

namespace {

constexpr const char* kUsage =
    "usage: bitten-smc <function> [options] <input.csv>\n"
    "functions and options:\n"
    "  fvg                [--join-consecutive]\n"
    "  swing_highs_lows   [--swing-length N]                (default 50)\n"
    "  bos_choch          [--swing-length N] [--no-close-break]\n"
    "  ob                 [--swing-length N] [--close-mitigation]\n"
    "  liquidity          [--swing-length N] [--range-percent X] (default 0.01)\n"
    "  retracements       [--swing-length N]\n"
    "  previous_high_low  [--time-frame TF]                  (1h, 4h, 1D, W...; default 1D)\n"
    "  sessions           --session NAME [--start HH:MM --end HH:MM] [--time-zone UTC|UTC+N|GMT+N]\n"
    "common: [--volume-column NAME] (default volume)\n"
    "Input: header time/date,open,high,low,close[,volume] (upstream EURUSD_15M.csv or input.csv).\n";

int fail(const std::string& message) {
  std::cerr << "bitten-smc: " << message << "\n" << kUsage;
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace bitten::market;
  if (argc < 3) return fail("missing arguments");
  const std::string fn = argv[1];
  std::string input, volume_column = "volume", time_frame = "1D", session, start, end, time_zone = "UTC";
  int swing_length = 50;
  double range_percent = 0.01;
  bool join = false, close_break = true, close_mitigation = false;
  for (int i = 2; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
    try {
      if (a == "--join-consecutive") join = true;
      else if (a == "--no-close-break") close_break = false;
      else if (a == "--close-mitigation") close_mitigation = true;
      else if (a == "--swing-length") { const char* v = value(); if (!v) return fail(a + " needs a value"); swing_length = std::stoi(v); }
      else if (a == "--range-percent") { const char* v = value(); if (!v) return fail(a + " needs a value"); range_percent = std::stod(v); }
      else if (a == "--time-frame") { const char* v = value(); if (!v) return fail(a + " needs a value"); time_frame = v; }
      else if (a == "--session") { const char* v = value(); if (!v) return fail(a + " needs a value"); session = v; }
      else if (a == "--start") { const char* v = value(); if (!v) return fail(a + " needs a value"); start = v; }
      else if (a == "--end") { const char* v = value(); if (!v) return fail(a + " needs a value"); end = v; }
      else if (a == "--time-zone") { const char* v = value(); if (!v) return fail(a + " needs a value"); time_zone = v; }
      else if (a == "--volume-column") { const char* v = value(); if (!v) return fail(a + " needs a value"); volume_column = v; }
      else if (a.rfind("--", 0) == 0) return fail("unknown option " + a);
      else if (input.empty()) input = a;
      else return fail("more than one input file");
    } catch (const std::exception&) {
      return fail("bad number for " + a);
    }
  }
  if (input.empty()) return fail("missing input file");
  if (swing_length < 1) return fail("--swing-length must be >= 1");

  auto ohlc = load_ohlc_csv(input, volume_column);
  if (!ohlc) return fail(input + ": " + ohlc.error().message);

  Table out;
  if (fn == "fvg") out = smc::fvg(*ohlc, join);
  else if (fn == "swing_highs_lows") out = smc::swing_highs_lows(*ohlc, swing_length);
  else if (fn == "bos_choch") out = smc::bos_choch(*ohlc, smc::swing_highs_lows(*ohlc, swing_length), close_break);
  else if (fn == "ob") out = smc::ob(*ohlc, smc::swing_highs_lows(*ohlc, swing_length), close_mitigation);
  else if (fn == "liquidity") out = smc::liquidity(*ohlc, smc::swing_highs_lows(*ohlc, swing_length), range_percent);
  else if (fn == "retracements") out = smc::retracements(*ohlc, smc::swing_highs_lows(*ohlc, swing_length));
  else if (fn == "previous_high_low") {
    auto r = smc::previous_high_low(*ohlc, time_frame);
    if (!r) return fail(r.error().message);
    out = std::move(*r);
  } else if (fn == "sessions") {
    if (session.empty()) return fail("sessions needs --session");
    auto r = smc::sessions(*ohlc, session, start, end, time_zone);
    if (!r) return fail(r.error().message);
    out = std::move(*r);
  } else {
    return fail("unknown function '" + fn + "'");
  }
  std::ios::sync_with_stdio(false);
  write_csv(std::cout, out);
  return std::cout ? 0 : 1;
}
