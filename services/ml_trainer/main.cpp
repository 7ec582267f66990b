// ml_trainer: a one-shot job (PM2 cron_restart, daily). The training pipeline lands with the
// learning-loop work; until then it validates its config, reports that it has nothing to train
// and exits 0 so that PM2 records a clean run.
#include "bitten/runtime/daemon.hpp"

using namespace bitten;

int main(int argc, char** argv) {
  return runtime::run_daemon(argc, argv, "ml_trainer", [](runtime::DaemonEnv& env) -> Status {
    if (auto st = env.finish_config(); !st) return st;
    env.log->info("no training pipeline in this build: nothing to do");
    return ok_status();
  });
}
