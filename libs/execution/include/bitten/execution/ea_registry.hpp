#pragma once
// Who is connected on ROUTER 5555: UUID -> the ZeroMQ identity that last spoke for it, its node_id
// and when it was last heard from. Pure bookkeeping (no sockets, no database, time injected).
//
// Duplicate identity (original-system.md §8.1: a test DEALER with a production UUID took its fires
// for days): while a UUID is live (heard within the TTL), a report for it from a different node_id
// — or, when node_ids cannot tell, from a different identity — is a duplicate. The first holder
// keeps the entry; the caller blocks routing to the UUID at once (a rival never gets a fire).
//
// Handover: a restarted terminal is a new node_id on the same UUID, and it usually speaks again
// before the TTL has passed. So when the rival keeps reporting and the holder has stayed silent
// since the rival appeared, for at least `handover_ns`, the rival takes over (Claim::TakenOver)
// and the caller may lift the block it set. If the holder speaks again after the rival appeared,
// both are alive: a confirmed duplicate, and only an admin lifts the block.
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace bitten::execution {

struct EaSession {
  std::string uuid;
  std::string identity;   // ZeroMQ routing id (bytes as received)
  std::string node_id;
  bool req_style = false;  // peer framed [identity, "", payload]: answer the same way
  int64_t first_seen_ns = 0;
  int64_t last_seen_ns = 0;
  int64_t last_upsert_ns = 0;  // last ea_instances write (rate limit)
  bool blocked = false;        // mirror of ea_instances.blocked
  bool blocked_by_router = false;  // blocked for this session's duplicate claim (not by an admin)
  bool offline_announced = false;
  // The last duplicate claim seen (for the alert and the admin page).
  std::string rival_identity;
  std::string rival_node_id;
  int64_t rival_first_ns = 0;       // when the current rival first claimed the UUID
  bool duplicate_confirmed = false;  // the holder spoke after the rival appeared: both are alive
};

enum class Claim {
  New,          // first report for this UUID (or it was offline): the entry now names this peer
  Refreshed,    // the same peer again
  Reconnected,  // the same node on a new identity (an EA re-init), entry updated
  Duplicate,    // another peer claims a live UUID: entry unchanged, rival recorded
  TakenOver,    // the rival kept reporting while the holder stayed silent for handover_ns: it holds now
};
const char* to_string(Claim c);

class EaRegistry {
 public:
  // handover_ns: how long the holder must have been silent (since the rival appeared) before the
  // rival's next report takes the UUID over; just over the EA's 30 s heartbeat by default.
  explicit EaRegistry(int64_t ttl_ns, int64_t handover_ns = 40LL * 1'000'000'000)
      : ttl_ns_(ttl_ns), handover_ns_(handover_ns) {}

  Claim observe(const std::string& uuid, const std::string& identity, const std::string& node_id, bool req_style,
                int64_t now_ns);
  EaSession* find(const std::string& uuid);
  const EaSession* find(const std::string& uuid) const;
  bool is_live(const EaSession& s, int64_t now_ns) const { return now_ns - s.last_seen_ns <= ttl_ns_; }
  // Entries that went silent for longer than the TTL since the last call (reported once each).
  std::vector<EaSession*> newly_offline(int64_t now_ns);
  size_t size() const { return sessions_.size(); }
  size_t live_count(int64_t now_ns) const;
  int64_t ttl_ns() const { return ttl_ns_; }

 private:
  int64_t ttl_ns_;
  int64_t handover_ns_;
  std::unordered_map<std::string, EaSession> sessions_;
};

}  // namespace bitten::execution
