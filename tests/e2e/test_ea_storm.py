#!/usr/bin/env python3
"""EA disconnect/reconnect storms under real PM2 while bound users' fires flow.

150 simulated EAs (30 of them bound to traders) lose their sockets in turn (ea_sim faults
disconnect_every_s / reconnect_after_s): first with a graceful DISCONNECT, then (ea_sim restarted with
the other setting) as silent network cuts; then the faults are switched off. Fires for the bound
traders are queued the way the risk engine queues them (a QUEUED row in `fires` + the command on the
IPC queue) four times a second throughout. Checks:
  - the bridge publishes ea.disconnect for every graceful disconnect and ea.offline (TTL) for every
    silent cut, the router ea.offline for both, and ea.handshake for every reconnect;
  - a fire queued for an EA that is offline ends UNDELIVERABLE (ea_offline or unroutable), never
    silence; every fire reaches a final state; no fire executed twice; one ticket per filled fire;
  - no daemon crashed or restarted, and their descriptor counts (/proc/<pid>/fd) come back to what
    they were with every EA connected;
  - after the storm: eas_online (bridge) and eas_live (router) converge to 150 and fires fill again."""
import json
import pathlib
import random
import re
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import datetime, timezone

import zmq

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from fleet import Fleet, wait_for  # noqa: E402
from soak import HealthWatch, fd_count, sim_config_compat  # noqa: E402

DAEMONS = ["event_bus", "telemetry_bridge", "command_router", "confirm_listener"]
APPS = DAEMONS + ["ea_sim"]
EAS = 150
BOUND = 30
SPEED = 60
TTL_S = 3           # bridge ea_ttl_s and the router's (risk) ea_ttl_s, wall seconds
PHASE_S = 45        # wall seconds per storm phase
DISCONNECT_EVERY = 10  # replay seconds: one EA every 1/6 s of wall time, each EA every 25 s
# ea_blocked: a simulator restart is a new node_id on each UUID; until the handover (the previous
# node silent since the claim) the router refuses to route to either node.
UNDELIVERABLE_REASONS = ("ea_offline", "unroutable", "ea_blocked")
LOG_LINE = re.compile(r"^(\S+)Z \w+ \[ea_sim\] (SIM_EA_\d+): fault injection: (disconnected \((graceful|network cut)\)|reconnected)",
                      re.M)


def ts_of(s):
    return datetime.strptime(s, "%Y-%m-%dT%H:%M:%S.%f").replace(tzinfo=timezone.utc).timestamp()


class EaEvents:
    """ea.* from the bridge (5560) and the router (event bus), with wall receive times, on a thread."""

    def __init__(self, ctx, fleet):
        self.events = []  # (t, source, kind, uuid)
        self.lock = threading.Lock()
        self._stop = threading.Event()
        self.bridge = ctx.socket(zmq.SUB)
        self.bridge.setsockopt(zmq.RCVHWM, 0)
        self.bridge.connect(fleet.endpoint(5560))
        for t in ("ea.", "tick.EURUSD"):
            self.bridge.setsockopt_string(zmq.SUBSCRIBE, t)
        self.bus = ctx.socket(zmq.SUB)
        self.bus.setsockopt(zmq.RCVHWM, 0)
        self.bus.connect(fleet.endpoint(5570))
        self.bus.setsockopt_string(zmq.SUBSCRIBE, "ea.")
        self.bid = None
        self.th = threading.Thread(target=self._run, daemon=True)
        self.th.start()

    def _run(self):
        poller = zmq.Poller()
        poller.register(self.bridge, zmq.POLLIN)
        poller.register(self.bus, zmq.POLLIN)
        while not self._stop.is_set():
            for sock, _ in poller.poll(100):
                while True:
                    try:
                        topic, payload = sock.recv_multipart(zmq.NOBLOCK)
                    except zmq.Again:
                        break
                    d = json.loads(payload)["data"]
                    if topic.startswith(b"tick."):
                        self.bid = d["bid"]
                        continue
                    src = "bridge" if sock is self.bridge else "router"
                    with self.lock:
                        self.events.append((time.time(), src, d["kind"], d["uuid"]))

    def since(self, t0):
        with self.lock:
            return [e for e in self.events if e[0] >= t0]

    def close(self):
        self._stop.set()
        self.th.join(timeout=2)
        self.bridge.close(0)
        self.bus.close(0)


def main():
    overrides = {
        "telemetry_bridge": {"ea_ttl_s": TTL_S},
        "confirm_listener": {"confirm_timeout_s": 15, "queued_timeout_s": 10},
    }
    fleet = Fleet(apps=APPS, overrides=overrides)
    ctx = zmq.Context()
    health = events = push = None
    risk_path = fleet.config_dir / "risk.json"
    risk = json.loads(risk_path.read_text())
    risk["ea_ttl_s"] = TTL_S
    risk_path.write_text(json.dumps(risk, indent=2))
    sim_path = fleet.config_dir / "ea_sim.json"
    sim_base = json.loads(sim_path.read_text())

    starts = [0]

    def set_sim(faults):
        # A new seed per simulator start: a restarted terminal's broker goes on with new ticket
        # numbers (a repeated seed would replay the same tickets, which no broker does).
        starts[0] += 1
        doc = json.loads(json.dumps(sim_base))
        doc.update({"eas": EAS, "speed": SPEED, "seed": 7 + starts[0]})
        doc["idle"]["when_real_ea_online"] = False
        doc["faults"].update(faults)
        sim_config_compat(fleet, doc)
        sim_path.write_text(json.dumps(doc, indent=2))

    try:
        db_path = fleet.state_dir / "bitten.db"
        fleet.state_dir.mkdir(parents=True, exist_ok=True)

        def admin(*args):
            r = subprocess.run([str(fleet.bin_dir / "bitten-admin"), "--db", str(db_path),
                                "--risk-config", str(risk_path), *args], capture_output=True, text=True, timeout=60)
            assert r.returncode == 0, (args, r.stderr)
        admin("migrate")
        bound = {}
        for i in range(1, BOUND + 1):
            admin("create-user", f"storm_{i}", "--tier", "COMMANDER")
            admin("bind-ea", f"SIM_EA_{i:06d}", f"storm_{i}")
            bound[f"SIM_EA_{i:06d}"] = f"storm_{i}"

        # Start with every EA connected and no faults: the reference descriptor counts.
        set_sim({"disconnect_every_s": 0})
        fleet.start()
        fleet.wait_online(APPS, timeout=120)
        health = HealthWatch(ctx, fleet.endpoint(5570))
        events = EaEvents(ctx, fleet)

        def converged():
            b, r = health.get("telemetry_bridge"), health.get("command_router")
            return b and r and b["gauges"].get("eas_online") == EAS and r["gauges"].get("eas_live") == EAS
        wait_for(converged, 90, f"{EAS} EAs online at the bridge and the router")
        wait_for(lambda: events.bid, 30, "EURUSD ticks")
        apps0 = {a["name"]: a for a in fleet.jlist()}
        pids = {n: apps0[n]["pid"] for n in DAEMONS}
        restarts = {n: apps0[n]["pm2_env"]["restart_time"] for n in DAEMONS}
        fds0 = {n: fd_count(pids[n]) for n in DAEMONS}
        print(f"all {EAS} EAs online; fds with every EA connected: {fds0}", flush=True)

        # Fires: QUEUED rows for bound users, pushed on the command queue as the risk engine does.
        push = ctx.socket(zmq.PUSH)
        push.setsockopt(zmq.LINGER, 1000)
        push.connect(fleet.cmd_queue)
        fires = []  # (fire_id, uuid, queued wall time)
        seq = [0]

        def queue_fire(uuid):
            seq[0] += 1
            fid = f"STORM{seq[0]:06d}"
            now = time.time_ns()
            bid = events.bid
            sl, tp = round(bid - 0.0100, 5), round(bid + 0.0100, 5)
            with sqlite3.connect(str(db_path), timeout=10) as c:
                c.execute("INSERT INTO fires(fire_id, user_id, ea_uuid, mode, symbol, direction, lot, entry, sl, tp, "
                          "state, requested_ns, queued_ns, updated_ns) VALUES (?,?,?,'MANUAL','EURUSD','BUY',0.01,?,?,?,"
                          "'QUEUED',?,?,?)", (fid, bound[uuid], uuid, bid, sl, tp, now, now, now))
            env = {"type": "command", "v": 1, "src": "storm_test", "seq": seq[0], "ts": now,
                   "data": {"command_id": fid, "kind": "fire", "target_uuid": uuid, "user_id": bound[uuid],
                            "symbol": "EURUSD", "direction": "BUY", "sl": sl, "tp": tp, "lot": 0.01, "ticket": 0,
                            "requested_ns": now}}
            push.send_multipart([b"command.fire", json.dumps(env).encode()])
            fires.append((fid, uuid, now / 1e9))

        rng = random.Random(11)
        sim_health = []  # the simulator's last report before each restart

        def run_phase(name, faults, seconds):
            if faults is not None:
                sim_health.append(health.get("ea_sim"))
                set_sim(faults)
                fleet.pm2("restart", "ea_sim")
                fleet.wait_online(["ea_sim"], timeout=60)
            t0 = time.time()
            while time.time() < t0 + seconds:
                queue_fire(rng.choice(list(bound)))
                time.sleep(0.25)  # the pace of the fire stream, not a synchronisation
            return t0, time.time()

        phases = {}
        phases["graceful"] = run_phase("graceful", {"disconnect_every_s": DISCONNECT_EVERY, "reconnect_after_s": 300,
                                                    "disconnect_graceful": True}, PHASE_S)
        phases["silent"] = run_phase("silent", {"disconnect_every_s": DISCONNECT_EVERY, "reconnect_after_s": 600,
                                                "disconnect_graceful": False}, PHASE_S)
        # The storm ends: faults off, every EA connects again.
        sim_health.append(health.get("ea_sim"))
        set_sim({"disconnect_every_s": 0})
        fleet.pm2("restart", "ea_sim")
        fleet.wait_online(["ea_sim"], timeout=60)
        calm0 = time.time()
        wait_for(converged, 60, f"eas_online and eas_live to converge to {EAS} after the storm", interval=0.2)
        print(f"converged to {EAS} online {time.time() - calm0:.1f} s after the storm", flush=True)
        # Restarted terminals were handed over (no EA is left blocked as a duplicate).
        def none_blocked():
            with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=10) as c:
                return not c.execute("SELECT uuid FROM ea_instances WHERE blocked != 0").fetchall()
        wait_for(none_blocked, 90, "every restarted EA to be handed over (no EA left blocked)", interval=0.5)
        # Every bound EA takes a fire again.
        calm_fires = len(fires)
        for uuid in bound:
            queue_fire(uuid)

        def q(sql, *a):
            with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=10) as c:
                return c.execute(sql, a).fetchall()
        wait_for(lambda: not q("SELECT 1 FROM fires WHERE state IN ('REQUESTED','QUEUED','SENT')"), 60,
                 "every fire to reach a final state", interval=0.5)
        rows = {f: (s, r, t) for f, s, r, t in q("SELECT fire_id, state, reason, ticket FROM fires")}
        states = {}
        for s, _, _ in rows.values():
            states[s] = states.get(s, 0) + 1
        print(f"{len(fires)} fires: {states}", flush=True)

        # --- EA tracking: every disconnect in the simulator's log has its events -----------------
        log = fleet.log("ea_sim")
        cuts = [(ts_of(m.group(1)), m.group(2), m.group(4)) for m in LOG_LINE.finditer(log) if m.group(4)]
        reconnects = [(ts_of(m.group(1)), m.group(2)) for m in LOG_LINE.finditer(log) if not m.group(4)]
        evs = events.since(0)
        by = {}
        for t, src, kind, uuid in evs:
            by.setdefault((src, kind, uuid), []).append(t)

        def has(src, kind, uuid, lo, hi):
            return any(lo <= t <= hi for t in by.get((src, kind, uuid), []))
        missing = []
        starts = [ts_of(m.group(1)) for m in re.finditer(r"^(\S+)Z \w+ \[ea_sim\] starting \(config", log, re.M)]

        def back_at(uuid, t):
            # Back online at its next reconnect or when the simulator was restarted, whichever is first.
            return min([r for r, u in reconnects if u == uuid and r > t] + [s for s in starts if s > t] + [float("inf")])
        for t, uuid, how in cuts:
            # An EA back within the TTL (+ the 1 s timer + scheduling) was never silent long enough.
            long_gone = back_at(uuid, t) - t > TTL_S + 3
            if how == "graceful":
                if not has("bridge", "disconnect", uuid, t - 1, t + 5):
                    missing.append(("bridge ea.disconnect", uuid, t))
            else:
                if long_gone and not has("bridge", "offline", uuid, t, t + TTL_S + 6):
                    missing.append(("bridge ea.offline", uuid, t))
            # The router reports the silent holder offline, unless a new node (the restarted
            # simulator) took the UUID over in the same timer tick: then the entry is live again.
            # A node the router holds as a rival (a duplicate claim not yet handed over) was never
            # routable, so its cut is no router offline: the router's last word on it was "duplicate".
            before = [(tt, k) for (src, k, u), ts in by.items() if src == "router" and u == uuid
                      for tt in ts if tt <= t and k in ("duplicate", "handover", "hello", "heartbeat")]
            rival = bool(before) and max(before)[1] == "duplicate"  # no takeover since the claim
            if long_gone and not rival and not (has("router", "offline", uuid, t, t + TTL_S + 6)
                                  or any(has("router", k, uuid, t + TTL_S - 1, t + TTL_S + 6)
                                         for k in ("hello", "heartbeat", "handover"))):
                missing.append(("router ea.offline", uuid, t))
        for t, uuid in reconnects:
            if not has("bridge", "handshake", uuid, t - 1, t + 5):
                missing.append(("bridge ea.handshake", uuid, t))
        n_graceful = sum(1 for c in cuts if c[2] == "graceful")
        print(f"{len(cuts)} disconnects ({n_graceful} graceful, {len(cuts) - n_graceful} network cuts), "
              f"{len(reconnects)} reconnects; missing events: {missing[:10]}", flush=True)
        assert n_graceful >= 100 and len(cuts) - n_graceful >= 100, "the storm was too small"
        assert all(sum(1 for c in cuts if c[1] == u) >= 2 for u in list(bound)[:5]), "EAs did not disconnect repeatedly"
        assert not missing, f"{len(missing)} disconnects/reconnects without their event: {missing[:10]}"

        # --- fires ----------------------------------------------------------------------------------
        # Offline at queue time: disconnected at least 1 s before (graceful) / the bridge reported it
        # offline (cut), and not reconnected until at least 1 s after.
        intervals = {}
        for t, uuid, how in cuts:
            back = back_at(uuid, t)
            if how == "graceful":
                start = t + 1
            else:
                start = min([x for x in by.get(("bridge", "offline", uuid), []) if x >= t] + [float("inf")])
            intervals.setdefault(uuid, []).append((start, back - 1))
        offline_fires = [(f, u) for f, u, t in fires[:calm_fires]
                         if any(a <= t <= b for a, b in intervals.get(u, []))]
        wrong = [(f, rows[f]) for f, _ in offline_fires
                 if rows[f][0] != "UNDELIVERABLE" or not rows[f][1].startswith(UNDELIVERABLE_REASONS)]
        print(f"{len(offline_fires)} fires queued for an offline EA; not UNDELIVERABLE: {wrong[:10]}", flush=True)
        assert len(offline_fires) >= 10, "too few fires met an offline EA to prove anything"
        assert not wrong, f"fires to offline EAs that did not end UNDELIVERABLE: {wrong[:10]}"
        not_final = [f for f, (s, _, _) in rows.items() if s in ("REQUESTED", "QUEUED", "SENT")]
        assert not not_final, not_final
        calm = [rows[f][0] for f, _, _ in fires[calm_fires:]]
        assert all(s in ("FILLED", "CLOSED") for s in calm), f"after the storm every bound EA fills: {calm}"
        tickets = [t for (s, _, t) in rows.values() if s in ("FILLED", "CLOSED")]
        assert all(tickets) and len(tickets) == len(set(tickets)), "a filled fire without its own ticket"

        def sim_final():
            h = health.get("ea_sim")
            return h if h and h["pid"] == fleet.app("ea_sim")["pid"] and h["counters"].get("fires_executed", 0) >= len(bound) else None
        sim_health.append(wait_for(sim_final, 20, "the simulator's count of the fires after the storm"))
        executed = sum(h["counters"].get("fires_executed", 0) for h in sim_health if h)
        twice = sum(h["counters"].get("fires_executed_twice", 0) for h in sim_health if h)
        print(f"EAs executed {executed} fires (per process: "
              f"{[h['counters'].get('fires_executed', 0) for h in sim_health if h]}), twice: {twice}", flush=True)
        assert twice == 0, "a fire was executed twice"

        # --- daemons: no crash, no restart, no leaked descriptors -----------------------------------
        apps1 = {a["name"]: a for a in fleet.jlist()}
        for n in DAEMONS:
            assert apps1[n]["pid"] == pids[n] and apps1[n]["pm2_env"]["restart_time"] == restarts[n], \
                f"{n} crashed or restarted during the storm"
        wait_for(lambda: all(fd_count(pids[n]) <= fds0[n] + 4 for n in DAEMONS), 30,
                 f"descriptor counts back to the all-connected level {fds0}", interval=0.5)
        print(f"fds after the storm: {({n: fd_count(pids[n]) for n in DAEMONS})}", flush=True)
    finally:
        if push:
            push.close(0)
        if events:
            events.close()
        if health:
            health.close()
        fleet.stop()
        ctx.term()
    print("e2e ea storm: 1 passed, 0 failed")


if __name__ == "__main__":
    main()
