// ml_filter: PULL 5559 candidates -> score with the current model (or the cold-start rule) ->
// PUB 5557 every scored signal, accepted or rejected. Models are loaded and freed on the ModelHost's
// long-lived thread (docs/ml.md §Lifetime) and swapped in on the scoring thread (docs/learning_loop.md).
#include "bitten/runtime/daemon.hpp"
#include "bitten/runtime/stop_signal.hpp"
#include "filter_loop.hpp"

using namespace bitten;

int main(int argc, char** argv) {
  return runtime::run_daemon(argc, argv, "ml_filter", [](runtime::DaemonEnv& env) -> Status {
    auto cfg = mlfilter::FilterConfig::read(env.config, env.state_dir);
    if (auto st = env.finish_config(); !st) return st;
    runtime::EventPublisher events(env.name, env.event_bus_endpoint, env.clock);
    mlfilter::ModelHost host({cfg->db_path, cfg->models_dir, cfg->reload_poll_ms}, env.log);
    host.start();
    env.log->info("scoring {} -> publishing {} (registry {}, models {}, cold start at confidence >= {})",
                  cfg->candidates_pull, cfg->signals_pub, cfg->db_path, cfg->models_dir,
                  cfg->cold_start_min_confidence);
    auto st = mlfilter::run_filter_loop(*cfg, env.health, env.clock, runtime::stop_requested, &host, &events,
                                        env.health_interval_ms);
    host.stop();  // frees the models on the thread that loaded them
    return st;
  });
}
