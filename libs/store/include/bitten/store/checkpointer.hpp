#pragma once
// Checkpoints the WAL from a thread of its own, on a connection of its own, so that no commit on the
// fire path ever runs a checkpoint (SQLite's auto-checkpoint runs inside the commit that crosses
// 1,000 pages, fsyncs included: the tail of the fire latency, docs/performance.md). The daemons on
// that path (webapp, command_router, confirm_listener) open their connection with
// wal_autocheckpoint_pages = 0 and keep one Checkpointer each; any one of them keeps the WAL short,
// and while none runs the others' own auto-checkpoints (default 1,000 pages) still do.
//
// Each pass is PRAGMA wal_checkpoint(PASSIVE): it never waits for or blocks a writer or a reader;
// frames it could not copy yet (a reader still needs them) are copied on a later pass.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "bitten/core/result.hpp"
#include "bitten/store/database.hpp"

namespace bitten::store {

struct CheckpointPass {
  bool busy = false;     // another checkpoint was running: nothing done this time
  int wal_frames = 0;    // frames in the WAL
  int checkpointed = 0;  // of which now copied into the database
};

// One PASSIVE checkpoint on db (errors as db_* codes).
Result<CheckpointPass> checkpoint_passive(Database& db);

class Checkpointer {
 public:
  struct Stats {
    uint64_t passes = 0;
    uint64_t busy = 0;
    uint64_t errors = 0;
    int last_wal_frames = 0;
  };
  using ErrorSink = std::function<void(const Error&)>;  // called from the checkpointer's thread

  // Opens its own connection to path (no migration: the daemon's own open did that) and starts the
  // thread, one pass per interval. Errors are counted and given to on_error (the first of a run, then one
  // in 240), never thrown.
  static Result<std::unique_ptr<Checkpointer>> start(const std::string& path, std::chrono::milliseconds interval,
                                                     ErrorSink on_error);
  ~Checkpointer();  // stops and joins within one pass
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

  Stats stats() const;

 private:
  Checkpointer(Database db, std::chrono::milliseconds interval, ErrorSink on_error);
  void run();

  Database db_;
  std::chrono::milliseconds interval_;
  ErrorSink on_error_;
  std::atomic<uint64_t> passes_{0}, busy_{0}, errors_{0};
  std::atomic<int> last_wal_frames_{0};
  uint64_t consecutive_errors_ = 0;  // the thread's own
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

// The connection of a daemon on the fire path with its Checkpointer: the connection never
// checkpoints in a commit (wal_autocheckpoint_pages = 0), the thread does it every `interval`.
struct FirePathStore {
  Database db;
  std::unique_ptr<Checkpointer> checkpointer;
};
Result<FirePathStore> open_fire_path_store(const std::string& path, Checkpointer::ErrorSink on_error,
                                           std::chrono::milliseconds interval = std::chrono::milliseconds(250));

}  // namespace bitten::store
