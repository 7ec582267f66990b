// bitten-backtest --as-ea: ea_sim's feeds through the simulated EA, the bridge's logic and the
// detectors' logic, without sockets (tests/e2e/test_parity.py holds it equal to the live fleet).
// Here: it refuses a config whose times follow the wall clock, and on the demo's real feeds it
// finds the file backtest's detections, at the prices the EA actually sends.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <unistd.h>

#include "bitten/backtest/as_ea.hpp"
#include "bitten/backtest/replay.hpp"
#include "test_paths.hpp"

using namespace bitten;
namespace fs = std::filesystem;

namespace {

// A copy of config/ in a temporary folder, with edits per file.
struct ConfigCopy {
  fs::path dir;
  ConfigCopy() {
    dir = fs::temp_directory_path() / ("bitten-as-ea-" + std::to_string(::getpid()) + "-" +
                                       ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir);
    fs::create_directories(dir);
    for (const auto& e : fs::directory_iterator(fs::path(test::source_root()) / "config"))
      if (e.path().extension() == ".json") fs::copy_file(e.path(), dir / e.path().filename());
  }
  ~ConfigCopy() { fs::remove_all(dir); }
  nlohmann::json read(const std::string& name) {
    std::ifstream in(dir / (name + ".json"));
    return nlohmann::json::parse(in);
  }
  void write(const std::string& name, const nlohmann::json& j) { std::ofstream(dir / (name + ".json")) << j.dump(2); }
};

TEST(AsEa, RefusesAReplayWhoseTimesFollowTheWallClock) {
  ConfigCopy c;  // the demo's ea_sim.json: shift_to_now and a warm-up
  auto symbols = SymbolTable::load_file(test::source_root() + "/config/symbols.json");
  ASSERT_TRUE(symbols);
  auto engines = backtest::load_engine_configs(c.dir.string(), {"elite_guard", "pattern_detector"});
  ASSERT_TRUE(engines) << engines.error().message;
  auto r = backtest::replay_as_ea(c.dir.string(), *engines, *symbols);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "bad_config");
  EXPECT_NE(r.error().message.find("shift_to_now"), std::string::npos) << r.error().message;
}

TEST(AsEa, DemoFeedsGiveTheFileBacktestsDetectionsAtTheEasPrices) {
  ConfigCopy c;
  auto sim = c.read("ea_sim");
  sim["shift_to_now"] = false;
  sim["warmup_s"] = 0;
  sim["loop"] = false;
  sim["data_dir"] = test::source_root();
  c.write("ea_sim", sim);
  auto patterns = c.read("patterns");
  patterns["throttle"] = {{"cooldown_s", 0}, {"hourly_cap", 100000}};  // compare every detection
  c.write("patterns", patterns);
  auto symbols = SymbolTable::load_file(test::source_root() + "/config/symbols.json");
  ASSERT_TRUE(symbols);
  const std::vector<std::string> daemons = {"elite_guard", "pattern_detector"};
  auto engines = backtest::load_engine_configs(c.dir.string(), daemons, market::Timeframe::M1);
  ASSERT_TRUE(engines) << engines.error().message;

  auto r = backtest::replay_as_ea(c.dir.string(), *engines, *symbols);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->feeds.size(), 3u);
  EXPECT_GT(r->quotes, 40000u);
  EXPECT_EQ(r->bridge_dropped, 0u);
  EXPECT_GT(r->bridge_published, 8000u);
  ASSERT_GE(r->signals.size(), 5u);

  // The file backtest of each feed, full precision and every quote.
  std::set<std::string> file_ids;
  for (const auto& [symbol, format, path] :
       std::vector<std::tuple<std::string, backtest::Format, std::string>>{
           {"EURUSD", backtest::Format::LeanTicks, "tests/data/ticks/EURUSD_oanda_ticks_2014-05-08_12-14utc.csv"},
           {"XAUUSD", backtest::Format::LeanM1, "tests/data/replay/XAUUSD_oanda_M1_bidask_2014-05-08_12-14utc.csv"},
           {"NZDUSD", backtest::Format::LeanM1, "tests/data/replay/NZDUSD_oanda_M1_bidask_2014-05-08_12-14utc.csv"}}) {
    auto data = backtest::load_dataset(format, test::source_root() + "/" + path, "", *symbols->find(symbol));
    ASSERT_TRUE(data) << data.error().message;
    auto cfgs = backtest::load_engine_configs(c.dir.string(), daemons, market::Timeframe::M1);
    ASSERT_TRUE(cfgs);
    std::vector<patterns::DetectorEngine> es;
    for (auto& e : *cfgs) es.emplace_back(std::move(e), *symbols);
    for (const auto& s : backtest::replay(es, *data)) file_ids.insert(s.signal_id);
  }
  std::set<std::string> ids;
  for (const auto& s : r->signals) {
    EXPECT_TRUE(ids.insert(s.signal_id).second) << "published twice: " << s.signal_id;
    EXPECT_TRUE(file_ids.count(s.signal_id)) << s.signal_id << " (" << s.symbol << " " << s.pattern
                                             << ") is not a detection of the file backtest";
    // The EA writes prices at the symbol's digits (XAUUSD: 2, where Oanda's file has 3).
    const int digits = symbols->find(s.symbol)->digits;
    const double scaled = s.entry * std::pow(10.0, digits);
    EXPECT_NEAR(scaled, std::round(scaled), 1e-6) << s.signal_id << " entry " << s.entry;
  }
}

}  // namespace
