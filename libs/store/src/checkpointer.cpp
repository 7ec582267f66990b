#include "bitten/store/checkpointer.hpp"

#include <SQLiteCpp/Statement.h>

#include "bitten/store/errors.hpp"
#include "statement_cache.hpp"

namespace bitten::store {

Result<CheckpointPass> checkpoint_passive(Database& db) {
  return guarded("wal checkpoint", [&]() -> Result<CheckpointPass> {
    CachedStatement q_cached(db.sql(), "PRAGMA wal_checkpoint(PASSIVE)");
    SQLite::Statement& q = *q_cached;
    CheckpointPass p;
    if (q.executeStep()) {
      p.busy = q.getColumn(0).getInt() != 0;
      p.wal_frames = q.getColumn(1).getInt();
      p.checkpointed = q.getColumn(2).getInt();
    }
    return p;
  });
}

Result<std::unique_ptr<Checkpointer>> Checkpointer::start(const std::string& path, std::chrono::milliseconds interval,
                                                          ErrorSink on_error) {
  DatabaseOptions o;
  o.path = path;
  o.create = false;
  o.migrate = false;
  o.wal_autocheckpoint_pages = 0;
  auto db = Database::open(o);
  if (!db) return db.error();
  if (interval.count() <= 0) return make_error("bad_config", "checkpoint interval must be positive");
  return std::unique_ptr<Checkpointer>(new Checkpointer(std::move(*db), interval, std::move(on_error)));
}

Checkpointer::Checkpointer(Database db, std::chrono::milliseconds interval, ErrorSink on_error)
    : db_(std::move(db)), interval_(interval), on_error_(std::move(on_error)) {
  thread_ = std::thread([this] { run(); });
}

Checkpointer::~Checkpointer() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Checkpointer::run() {
  std::unique_lock lock(mu_);
  for (;;) {
    if (cv_.wait_for(lock, interval_, [this] { return stop_; })) return;
    lock.unlock();
    auto p = checkpoint_passive(db_);
    passes_.fetch_add(1, std::memory_order_relaxed);
    if (!p) {
      errors_.fetch_add(1, std::memory_order_relaxed);
      // The first failure of a run of them, then one in 240 (a minute at 250 ms): said, not spammed.
      if (on_error_ && consecutive_errors_++ % 240 == 0) on_error_(p.error());
    } else {
      consecutive_errors_ = 0;
      if (p->busy) busy_.fetch_add(1, std::memory_order_relaxed);
      last_wal_frames_.store(p->wal_frames, std::memory_order_relaxed);
    }
    lock.lock();
  }
}

Checkpointer::Stats Checkpointer::stats() const {
  Stats s;
  s.passes = passes_.load(std::memory_order_relaxed);
  s.busy = busy_.load(std::memory_order_relaxed);
  s.errors = errors_.load(std::memory_order_relaxed);
  s.last_wal_frames = last_wal_frames_.load(std::memory_order_relaxed);
  return s;
}

Result<FirePathStore> open_fire_path_store(const std::string& path, Checkpointer::ErrorSink on_error,
                                           std::chrono::milliseconds interval) {
  DatabaseOptions o{path};
  o.wal_autocheckpoint_pages = 0;
  auto db = Database::open(o);
  if (!db) return db.error();
  auto checkpointer = Checkpointer::start(path, interval, std::move(on_error));
  if (!checkpointer) return checkpointer.error();
  return FirePathStore{std::move(*db), std::move(*checkpointer)};
}

}  // namespace bitten::store
