#include "bitten/store/backup.hpp"
#include "statement_cache.hpp"

#include <SQLiteCpp/Backup.h>
#include <SQLiteCpp/Statement.h>
#include <sqlite3.h>

#include <chrono>
#include <filesystem>
#include <thread>
#include <vector>

#include "bitten/store/errors.hpp"

namespace bitten::store {

namespace fs = std::filesystem;

namespace {

// Copies all pages; on BUSY/LOCKED (a writer in the middle of a commit) waits briefly and goes on.
int copy_pages(SQLite::Database& dest, SQLite::Database& src) {
  SQLite::Backup b(dest, src);
  int rc = SQLITE_OK;
  while (rc != SQLITE_DONE) {
    rc = b.executeStep(256);
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return b.getTotalPageCount();
}

std::string integrity(SQLite::Database& db) {
  CachedStatement q_cached(db, "PRAGMA integrity_check");
  SQLite::Statement& q = *q_cached;
  std::string all;
  while (q.executeStep()) {
    if (!all.empty()) all += '\n';
    all += q.getColumn(0).getString();
  }
  return all;
}

void set_journal_mode(SQLite::Database& db, const char* mode) {
  CachedStatement q_cached(db, std::string("PRAGMA journal_mode = ") + mode);
  SQLite::Statement& q = *q_cached;
  q.executeStep();
}

Status must_not_exist(const std::string& path) {
  for (const char* suffix : {"", "-wal", "-journal"})
    if (fs::exists(path + suffix))
      return make_error("db_exists", path + suffix + " already exists (refusing to overwrite)");
  return ok_status();
}

}  // namespace

Result<BackupReport> backup_to(Database& source, const std::string& dest_path) {
  if (auto s = must_not_exist(dest_path); !s) return s.error();
  const std::string tmp = dest_path + ".partial";
  auto r = guarded("backup to " + dest_path, [&]() -> Result<BackupReport> {
    std::error_code ec;
    fs::remove(tmp, ec);
    BackupReport rep;
    {
      SQLite::Database dest(tmp, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
      rep.pages = copy_pages(dest, source.sql());
      set_journal_mode(dest, "DELETE");  // one self-contained file
      rep.integrity = integrity(dest);
    }
    if (rep.integrity != "ok") return make_error("db_corrupt", "backup copy failed integrity_check: " + rep.integrity);
    fs::rename(tmp, dest_path);
    return rep;
  });
  if (!r) {
    std::error_code ec;
    fs::remove(tmp, ec);
  }
  return r;
}

Result<BackupReport> restore_from(const std::string& backup_path, const std::string& target_path) {
  if (!fs::exists(backup_path)) return make_error("db_io", backup_path + " does not exist");
  if (auto s = must_not_exist(target_path); !s) return s.error();
  const std::string tmp = target_path + ".partial";
  auto r = guarded("restore " + backup_path, [&]() -> Result<BackupReport> {
    std::error_code ec;
    fs::remove(tmp, ec);
    BackupReport rep;
    {
      SQLite::Database src(backup_path, SQLite::OPEN_READONLY);
      const std::string src_ok = integrity(src);
      if (src_ok != "ok") return make_error("db_corrupt", "backup failed integrity_check: " + src_ok);
      SQLite::Database dest(tmp, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
      rep.pages = copy_pages(dest, src);
      set_journal_mode(dest, "WAL");
      rep.integrity = integrity(dest);
    }
    if (rep.integrity != "ok") return make_error("db_corrupt", "restored copy failed integrity_check: " + rep.integrity);
    fs::rename(tmp, target_path);
    return rep;
  });
  if (!r) {
    std::error_code ec;
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(tmp + suffix, ec);
  }
  return r;
}

Result<std::map<std::string, int64_t>> table_row_counts(Database& db) {
  return guarded("row counts", [&]() -> Result<std::map<std::string, int64_t>> {
    std::vector<std::string> tables;
    {
      CachedStatement q_cached(db.sql(),
                          "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name");
      SQLite::Statement& q = *q_cached;
      while (q.executeStep()) tables.push_back(q.getColumn(0).getString());
    }
    std::map<std::string, int64_t> out;
    for (const auto& t : tables) {
      CachedStatement c_cached(db.sql(), "SELECT COUNT(*) FROM \"" + t + "\"");
      SQLite::Statement& c = *c_cached;
      c.executeStep();
      out[t] = static_cast<int64_t>(c.getColumn(0).getInt64());
    }
    return out;
  });
}

}  // namespace bitten::store
