#pragma once
// Online backup and restore with the SQLite backup API (docs/store.md §Backup and restore).
// The backup is a single self-contained file (rollback journal mode, no -wal) taken while daemons
// keep writing; restore refuses to overwrite an existing database.
#include <map>
#include <string>

#include "bitten/core/result.hpp"
#include "bitten/store/database.hpp"

namespace bitten::store {

struct BackupReport {
  int pages = 0;
  std::string integrity;  // "ok"
};

// Copies the open database into dest (which must not exist), then checks the copy's integrity.
Result<BackupReport> backup_to(Database& source, const std::string& dest_path);
// Copies a backup file into a fresh database at target_path (which must not exist, nor its -wal),
// after checking the backup's integrity; the target is left in WAL mode, ready for the daemons.
Result<BackupReport> restore_from(const std::string& backup_path, const std::string& target_path);
// Row count of every user table (for verifying a backup or restore).
Result<std::map<std::string, int64_t>> table_row_counts(Database& db);

}  // namespace bitten::store
