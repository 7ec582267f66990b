#include "admin_cli.hpp"

#include <cstdlib>
#include <map>
#include <optional>

#include <nlohmann/json.hpp>

#include "bitten/core/clock.hpp"
#include "bitten/risk/config.hpp"
#include "bitten/store/audit_repo.hpp"
#include "bitten/store/auth_repo.hpp"
#include "bitten/store/backup.hpp"
#include "bitten/store/database.hpp"
#include "bitten/store/migrations.hpp"
#include "bitten/store/ea_repo.hpp"
#include "bitten/store/user_repo.hpp"

namespace bitten::admin {

namespace {

constexpr const char* kUsage = R"(usage: bitten-admin [--db PATH] [--risk-config PATH] COMMAND ...

  backup DEST                  online backup of the database into DEST (must not exist)
  restore BACKUP               restore BACKUP into --db PATH (which must not exist; stop the fleet first)
  migrate                      apply pending schema migrations
  integrity-check              PRAGMA integrity_check
  create-user ID --tier TIER [--telegram N] [--name NAME]
  create-admin ID [--tier TIER] [--telegram N] [--name NAME]
  create-token USER_ID [--name NAME]
                               prints a new API token once; only its SHA-256 is stored
  bind-ea UUID USER_ID         routes USER_ID's fires to the EA with this UUID (the EA never
                               says whose it is; an operator binds it)

--db defaults to $BITTEN_DB, else data/bitten.db; --risk-config to config/risk.json.
)";

struct Args {
  std::string db;
  std::string risk_config = "config/risk.json";
  std::vector<std::string> positional;
  std::map<std::string, std::string> opts;
};

std::optional<Args> parse(const std::vector<std::string>& in, std::ostream& err) {
  Args a;
  const char* env = std::getenv("BITTEN_DB");
  a.db = env && *env ? env : "data/bitten.db";
  for (size_t i = 0; i < in.size(); ++i) {
    const std::string& s = in[i];
    if (s.rfind("--", 0) == 0) {
      if (i + 1 >= in.size()) {
        err << "bitten-admin: " << s << " needs a value\n";
        return std::nullopt;
      }
      const std::string v = in[++i];
      if (s == "--db") a.db = v;
      else if (s == "--risk-config") a.risk_config = v;
      else a.opts[s.substr(2)] = v;
    } else {
      a.positional.push_back(s);
    }
  }
  return a;
}

int fail(std::ostream& err, const Error& e) {
  err << "bitten-admin: " << e.code << ": " << e.message << "\n";
  return 1;
}

int64_t now_ns() { return SystemClock::instance().now_ns(); }

void audit(store::Database& db, const std::string& action, const std::string& target, nlohmann::json detail) {
  (void)store::AuditRepo(db).append({0, now_ns(), "bitten-admin", action, target, detail.dump()});
}

int create_user(Args& a, bool admin, std::ostream& out, std::ostream& err) {
  if (a.positional.size() != 2) {
    err << kUsage;
    return 2;
  }
  store::UserRecord u;
  u.user_id = a.positional[1];
  u.role = admin ? "admin" : "trader";
  u.tier = a.opts.count("tier") ? a.opts["tier"] : (admin ? "PRESS" : "");
  if (u.tier.empty()) {
    err << "bitten-admin: create-user needs --tier\n";
    return 2;
  }
  auto cfg = risk::load_risk_config(a.risk_config);
  if (!cfg) return fail(err, cfg.error());
  if (!cfg->tier(u.tier)) {
    err << "bitten-admin: unknown tier " << u.tier << " (tiers are the keys of " << a.risk_config << ")\n";
    return 1;
  }
  if (a.opts.count("telegram")) {
    char* end = nullptr;
    const long long t = std::strtoll(a.opts["telegram"].c_str(), &end, 10);
    if (!end || *end) {
      err << "bitten-admin: --telegram must be an integer\n";
      return 2;
    }
    u.telegram_id = static_cast<int64_t>(t);
  }
  if (a.opts.count("name")) u.display_name = a.opts["name"];
  u.created_ns = u.updated_ns = now_ns();
  auto db = store::Database::open({a.db});
  if (!db) return fail(err, db.error());
  if (auto s = store::UserRepo(*db).create(u); !s) return fail(err, s.error());
  audit(*db, admin ? "create_admin" : "create_user", u.user_id, {{"tier", u.tier}, {"role", u.role}});
  out << "created " << u.role << " " << u.user_id << " (tier " << u.tier << ")\n";
  return 0;
}

}  // namespace

int run(const std::vector<std::string>& in, std::ostream& out, std::ostream& err) {
  auto parsed = parse(in, err);
  if (!parsed || parsed->positional.empty()) {
    err << kUsage;
    return 2;
  }
  Args& a = *parsed;
  const std::string& cmd = a.positional[0];

  if (cmd == "backup") {
    if (a.positional.size() != 2) {
      err << kUsage;
      return 2;
    }
    auto db = store::Database::open({a.db, 5000, /*create=*/false});
    if (!db) return fail(err, db.error());
    auto r = store::backup_to(*db, a.positional[1]);
    if (!r) return fail(err, r.error());
    out << "backup " << a.positional[1] << ": " << r->pages << " pages, integrity " << r->integrity << "\n";
    return 0;
  }
  if (cmd == "restore") {
    if (a.positional.size() != 2) {
      err << kUsage;
      return 2;
    }
    auto r = store::restore_from(a.positional[1], a.db);
    if (!r) return fail(err, r.error());
    auto db = store::Database::open({a.db});  // migrates an older backup forward
    if (!db) return fail(err, db.error());
    auto counts = store::table_row_counts(*db);
    if (!counts) return fail(err, counts.error());
    out << "restored " << a.positional[1] << " into " << a.db << ": integrity " << r->integrity << "\n";
    for (const auto& [t, n] : *counts) out << "  " << t << " " << n << "\n";
    audit(*db, "restore", a.db, {{"from", a.positional[1]}});
    return 0;
  }
  if (cmd == "migrate") {
    int before = 0;
    {
      auto probe = store::Database::open({a.db, 5000, /*create=*/true, /*migrate=*/false});
      if (probe) before = store::latest_schema_version();
      else if (probe.error().code != "db_schema_mismatch") return fail(err, probe.error());
      else before = -1;
    }
    auto db = store::Database::open({a.db});
    if (!db) return fail(err, db.error());
    auto v = db->schema_version();
    if (!v) return fail(err, v.error());
    out << (before == *v ? "schema already at version " : "schema migrated to version ") << *v << "\n";
    if (before != *v) audit(*db, "migrate", a.db, {{"version", *v}});
    return 0;
  }
  if (cmd == "integrity-check") {
    auto db = store::Database::open({a.db, 5000, false, false, true});
    if (!db) return fail(err, db.error());
    auto r = db->integrity_check();
    if (!r) return fail(err, r.error());
    out << *r << "\n";
    return *r == "ok" ? 0 : 1;
  }
  if (cmd == "create-user") return create_user(a, false, out, err);
  if (cmd == "create-admin") return create_user(a, true, out, err);
  if (cmd == "create-token") {
    if (a.positional.size() != 2) {
      err << kUsage;
      return 2;
    }
    auto db = store::Database::open({a.db, 5000, false});
    if (!db) return fail(err, db.error());
    auto user = store::UserRepo(*db).get(a.positional[1]);
    if (!user) return fail(err, user.error());
    if (!*user) {
      err << "bitten-admin: no user " << a.positional[1] << "\n";
      return 1;
    }
    auto t = store::AuthRepo(*db).create_api_token(a.positional[1], a.opts.count("name") ? a.opts["name"] : "", now_ns());
    if (!t) return fail(err, t.error());
    audit(*db, "create_token", a.positional[1], {{"token_id", t->record.token_id}});
    out << t->token << "\n";
    err << "token " << t->record.token_id << " for " << a.positional[1]
        << " (shown once; only its SHA-256 is stored)\n";
    return 0;
  }
  if (cmd == "bind-ea") {
    if (a.positional.size() != 3) {
      err << kUsage;
      return 2;
    }
    const std::string& uuid = a.positional[1];
    const std::string& user_id = a.positional[2];
    auto db = store::Database::open({a.db, 5000, false});
    if (!db) return fail(err, db.error());
    auto user = store::UserRepo(*db).get(user_id);
    if (!user) return fail(err, user.error());
    if (!*user) {
      err << "bitten-admin: no user " << user_id << "\n";
      return 1;
    }
    store::EaRepo eas(*db);
    auto existing = eas.get(uuid);
    if (!existing) return fail(err, existing.error());
    if (!*existing) {
      // Not seen yet: register it so the binding is there when the EA says HELLO.
      store::EaReport r;
      r.uuid = uuid;
      r.seen_ns = 0;  // never seen: the EA-offline rule must keep refusing until it says HELLO
      if (auto up = eas.upsert(r); !up) return fail(err, up.error());
    }
    if (auto st = eas.bind_user(uuid, user_id); !st) return fail(err, st.error());
    audit(*db, "bind_ea", user_id, {{"uuid", uuid}});
    out << "bound " << uuid << " to " << user_id << "\n";
    return 0;
  }
  err << "bitten-admin: unknown command " << cmd << "\n" << kUsage;
  return 2;
}

}  // namespace bitten::admin
