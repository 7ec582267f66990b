// ml_trainer: a one-shot job (PM2 cron_restart daily, or by hand):
//   ml_trainer [--config config/ml_trainer.json] [--from-csv rows.csv[,more.csv]] [--rollback]
// trains from ml_training (and/or backtester CSVs), validates walk-forward, records the model in the
// registry and promotes it only if it beats the rule baseline and the current model on the same
// holdout with a profitable threshold. --rollback restores the previous model. Exit 0 on a clean run
// (also when nothing was trained or promoted), 3 with a message on failure. docs/learning_loop.md.
#include <filesystem>
#include <iostream>
#include <sstream>

#include "bitten/runtime/daemon.hpp"
#include "trainer_job.hpp"

using namespace bitten;

int main(int argc, char** argv) {
  bool rollback = false;
  for (int i = 1; i < argc; ++i) rollback = rollback || std::string(argv[i]) == "--rollback";
  const auto csv_arg = runtime::arg_value(argc, argv, "--from-csv");
  return runtime::run_daemon(argc, argv, "ml_trainer", [&](runtime::DaemonEnv& env) -> Status {
    auto cfg = trainer::TrainerConfig::read(env.config, env.state_dir);
    if (auto st = env.finish_config(); !st) return st;
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(cfg->db_path).parent_path(), ec);
    auto db = store::Database::open({cfg->db_path});
    if (!db) return make_error("store", cfg->db_path + ": " + db.error().message);
    const int64_t now = env.clock.now_ns();
    if (rollback) {
      auto v = trainer::run_rollback(*db, now);
      if (!v) return make_error(v.error().code, "rollback refused: " + v.error().message);
      env.log->info("rolled back: model {} is current again", *v);
      std::cout << "rolled back: model " << *v << " is current again\n";
      return ok_status();
    }
    std::vector<ml::LabelledSignal> rows;
    if (cfg->use_database) {
      auto r = trainer::read_training_db(*db);
      if (!r) return make_error(r.error().code, "reading ml_training: " + r.error().message);
      env.log->info("{} labelled rows from ml_training", r->size());
      rows = std::move(*r);
    }
    if (csv_arg) {
      std::stringstream list(*csv_arg);
      for (std::string path; std::getline(list, path, ',');) {
        if (path.empty()) continue;
        auto r = trainer::read_training_csv(path);
        if (!r) return make_error(r.error().code, r.error().message);
        env.log->info("{} labelled rows from {}", r->size(), path);
        trainer::merge_rows(rows, std::move(*r));
      }
    }
    auto job = trainer::run_training(*cfg, rows, *db, now, std::cout);
    if (!job) return make_error(job.error().code, "training failed: " + job.error().message);
    std::cout.flush();
    if (!job->trained) env.log->info("nothing trained: {}", job->reason);
    else env.log->info("model {} {} ({})", job->version, job->promoted ? "promoted" : "recorded, not promoted", job->reason);
    return ok_status();
  });
}
