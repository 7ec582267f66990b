#include "bitten/runtime/daemon.hpp"

#include <malloc.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "bitten/runtime/logging.hpp"
#include "bitten/runtime/stop_signal.hpp"

namespace bitten::runtime {

EventPublisher& DaemonEnv::attach_health(messaging::PollLoop& loop) {
  if (!events_) events_ = std::make_unique<EventPublisher>(name, event_bus_endpoint, clock);
  const int64_t interval = health_interval_ms;
  loop.every(std::chrono::milliseconds(interval), [this, interval] { events_->publish_health(health, interval); });
  return *events_;
}

std::optional<std::string> arg_value(int argc, char** argv, const std::string& name) {
  for (int i = 1; i + 1 < argc; ++i)
    if (name == argv[i]) return std::string(argv[i + 1]);
  return std::nullopt;
}

namespace {
std::string env_or(const char* key, const std::string& fallback) {
  const char* v = std::getenv(key);
  return v && *v ? std::string(v) : fallback;
}

void tune_allocator() {
  // SQLite drops a connection's whole page cache whenever another process has committed (WAL), so
  // the fire-path daemons free and re-allocate a few hundred KiB per transaction. With glibc's
  // defaults every such free at the top of the heap is handed back to the kernel (brk) and the next
  // allocations fault fresh zeroed pages in: measured as 14 % of the router's CPU per fire. Keep up
  // to 64 MiB of free heap and grow it in 8 MiB steps instead; untouched pages cost no memory.
  ::mallopt(M_TRIM_THRESHOLD, 64 << 20);
  ::mallopt(M_TOP_PAD, 8 << 20);
  ::mallopt(M_MMAP_THRESHOLD, 4 << 20);
}
}  // namespace

int run_daemon(int argc, char** argv, const std::string& name, const std::function<Status(DaemonEnv&)>& body) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  tune_allocator();
  install_stop_handlers();
  const std::string config_dir = env_or("BITTEN_CONFIG_DIR", "config");
  const std::string path = arg_value(argc, argv, "--config").value_or(config_dir + "/" + name + ".json");

  auto loaded = ConfigReader::from_file(path);
  if (!loaded) {
    std::cerr << name << ": refusing to start: " << loaded.error().message << std::endl;
    return 2;
  }
  ConfigReader cfg = std::move(*loaded);
  const std::string level = cfg.get<std::string>("log_level", "info");
  auto log = make_logger(name, level);

  DaemonEnv env{name, path, cfg, log, SystemClock::instance(), Health(name, SystemClock::instance()), "", 1000, "", "", nullptr};
  env.event_bus_endpoint = cfg.get<std::string>("event_bus", "tcp://127.0.0.1:5571");
  env.health_interval_ms = cfg.get<int64_t>("health_interval_ms", 1000);
  if (env.health_interval_ms < 100 || env.health_interval_ms > 60'000)
    cfg.fail("health_interval_ms", "must be between 100 and 60000");
  env.state_dir = env_or("BITTEN_STATE_DIR", cfg.get<std::string>("state_dir", "var"));
  env.symbols_path = cfg.get<std::string>("symbols", config_dir + "/symbols.json");

  log->info("starting (config {}, pid {})", path, static_cast<long>(::getpid()));
  int code = 0;
  try {
    Status st = body(env);
    if (!st) {
      code = st.error().code == "bad_config" ? 2 : 3;
      log->critical("{}: {}", code == 2 ? "refusing to start" : "stopped on error", st.error().message);
      std::cerr << name << ": " << st.error().message << std::endl;
    }
  } catch (const std::exception& e) {
    log->critical("fatal: {}", e.what());
    code = 3;
  }
  env.events_.reset();
  messaging::Context::instance().terminate();
  log->info("stopped (exit {})", code);
  log->flush();
  return code;
}

}  // namespace bitten::runtime
