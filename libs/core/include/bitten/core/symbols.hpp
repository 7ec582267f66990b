#pragma once
// Symbol specifications: the one source of truth for digits, point, pip size, contract size and
// volume limits. Loaded from config/symbols.json.
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bitten/core/result.hpp"

namespace bitten {

struct SymbolSpec {
  std::string name;            // "EURUSD"
  std::string base;            // "EUR" (or "XAU")
  std::string quote;           // "USD"
  int digits = 5;              // price digits as the broker quotes them
  double point = 0.00001;      // smallest price increment (10^-digits)
  double pip_size = 0.0001;    // one pip in price units
  double contract_size = 100000;
  double volume_min = 0.01;
  double volume_step = 0.01;
  double volume_max = 100.0;

  double price_to_pips(double price_distance) const { return price_distance / pip_size; }
  double pips_to_price(double pips) const { return pips * pip_size; }
  double points_to_pips(double points) const { return points * point / pip_size; }
  // Rounds a price to the symbol's digits.
  double round_price(double price) const;
  // Rounds a volume DOWN to the volume step (never inflates); 0 when below volume_min.
  double normalize_volume_down(double lots) const;
};

// Mid price of a symbol if known (for converting pip values of crosses).
using QuoteLookup = std::function<std::optional<double>(std::string_view symbol)>;

class SymbolTable {
 public:
  static Result<SymbolTable> load_file(const std::string& path);
  static Result<SymbolTable> parse(std::string_view json_text);

  const SymbolSpec* find(std::string_view name) const;
  const std::vector<std::string>& names() const { return names_; }
  size_t size() const { return specs_.size(); }

  // Value of one pip for one lot, in the account currency. Converts through live quotes when the
  // quote currency is not the account currency; nullopt when no conversion quote is known.
  std::optional<double> pip_value_per_lot(std::string_view symbol, std::string_view account_currency,
                                          const QuoteLookup& quotes) const;

 private:
  std::map<std::string, SymbolSpec, std::less<>> specs_;
  std::vector<std::string> names_;
};

}  // namespace bitten
