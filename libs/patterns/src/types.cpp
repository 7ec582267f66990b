#include "bitten/patterns/types.hpp"

#include "bitten/patterns/bb_scalp.hpp"
#include "bitten/patterns/fvg_fill.hpp"
#include "bitten/patterns/liquidity_sweep.hpp"
#include "bitten/patterns/momentum_burst.hpp"
#include "bitten/patterns/order_block.hpp"
#include "bitten/patterns/params.hpp"
#include "bitten/patterns/vcb_breakout.hpp"

namespace bitten::patterns {

namespace {
struct Names {
  std::string_view wire, key;
};
constexpr std::array<Names, kPatternCount> kNames = {{
    {"LIQUIDITY_SWEEP_REVERSAL", "lsr"},
    {"ORDER_BLOCK_BOUNCE", "obb"},
    {"FAIR_VALUE_GAP_FILL", "fvg"},
    {"VCB_BREAKOUT", "vcb"},
    {"MOMENTUM_BURST", "mb"},
    {"BB_SCALP", "bb_scalp"},
}};
}  // namespace

std::string_view pattern_name(PatternId id) { return kNames[static_cast<size_t>(id)].wire; }
std::string_view pattern_key(PatternId id) { return kNames[static_cast<size_t>(id)].key; }

std::optional<PatternId> parse_pattern(std::string_view text) {
  for (PatternId id : kAllPatterns)
    if (text == pattern_name(id) || text == pattern_key(id)) return id;
  return std::nullopt;
}

const RiskParams& PatternSetParams::risk(PatternId id) const {
  switch (id) {
    case PatternId::LiquiditySweepReversal: return lsr.risk;
    case PatternId::OrderBlockBounce: return obb.risk;
    case PatternId::FairValueGapFill: return fvg.risk;
    case PatternId::VcbBreakout: return vcb.risk;
    case PatternId::MomentumBurst: return mb.risk;
    case PatternId::BbScalp: return bb_scalp.risk;
  }
  return lsr.risk;
}

std::unique_ptr<Pattern> make_pattern(PatternId id, const PatternSetParams& p) {
  switch (id) {
    case PatternId::LiquiditySweepReversal: return std::make_unique<LiquiditySweepReversal>(p.lsr);
    case PatternId::OrderBlockBounce: return std::make_unique<OrderBlockBounce>(p.obb);
    case PatternId::FairValueGapFill: return std::make_unique<FairValueGapFill>(p.fvg);
    case PatternId::VcbBreakout: return std::make_unique<VcbBreakout>(p.vcb);
    case PatternId::MomentumBurst: return std::make_unique<MomentumBurst>(p.mb);
    case PatternId::BbScalp: return std::make_unique<BbScalp>(p.bb_scalp);
  }
  return nullptr;
}

}  // namespace bitten::patterns
