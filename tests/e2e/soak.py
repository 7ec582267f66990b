"""Soak driver: the whole fleet under a private PM2 with the EA simulator playing N EAs, some of them
bound to AUTO traders so that fires flow, for a given wall time; then four checks.

  1. ticks   every message the simulated EAs handed to ZeroMQ reached a daemon (sim messages_sent ==
             bridge messages_in + router ea_frames_in + confirm_listener messages_in, at quiescence),
             none would-block at the simulator, the bridge dropped no valid tick, and every distinct
             quote was published exactly once (ticks_in == N x ticks_out). Coalesced copies (the same
             quote from the other N-1 EAs) are counted and split into same-time duplicates
             (ticks_coalesced) and late duplicates (drop_out_of_order, see docs/soak.md).
  2. fires   every fire reaches a final state, no fire executed twice at the EAs, one distinct ticket
             per filled fire, and the EAs executed exactly the fires the database holds as filled.
  3. memory  RSS of every daemon after warm-up and at the end; growth above a threshold fails.
  4. logs    no error/critical line in any daemon log (unless it matches an allowed pattern).
plus: no daemon restarted (PM2 restart count and pid unchanged).

Quiescence: at the end the driver publishes an `ea.handshake` of a non-simulator UUID on the event
bus. The simulator's idle switch (docs/ea_sim.md) then stops every TICK/OHLC at once, at the same
replay point for all EAs; heartbeats continue (every 30 s of wall time, see heartbeat_period_s below)
and the counters are read when two consecutive rounds of health reports agree.

Used by scripts/soak.sh (full runs) and tests/e2e/test_soak.py (bounded CI run)."""
import json
import os
import pathlib
import re
import sqlite3
import subprocess
import sys
import threading
import time

import zmq

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from fleet import Fleet, wait_for  # noqa: E402

DAEMONS = ["event_bus", "telemetry_bridge", "ml_filter", "command_router", "confirm_listener", "elite_guard",
           "pattern_detector", "signal_relay", "outcome_tracker", "webapp"]
APPS = DAEMONS + ["ea_sim"]
FINAL_STATES = ("REJECTED", "UNDELIVERABLE", "FILLED", "FAILED", "TIMEOUT", "CLOSED")
LOG_BAD = re.compile(r"^\S+ (error|critical) \[", re.M)
# Drop reasons that can only be a late copy of a quote/bar another EA already delivered (see docs/soak.md).
LATE_DUPLICATE_DROPS = {"drop_out_of_order", "drop_bar_out_of_order"}


class HealthWatch:
    """Keeps the latest health report of every daemon (a background thread on the event bus)."""

    def __init__(self, ctx, endpoint):
        self.latest = {}   # daemon -> (monotonic receive time, data)
        self.pids = {}     # daemon -> set of pids seen
        self.lock = threading.Lock()
        self._stop = threading.Event()
        self._sock = ctx.socket(zmq.SUB)
        self._sock.setsockopt(zmq.RCVHWM, 0)
        self._sock.connect(endpoint)
        self._sock.setsockopt_string(zmq.SUBSCRIBE, "health.")
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        while not self._stop.is_set():
            if not self._sock.poll(100):
                continue
            while True:
                try:
                    _, payload = self._sock.recv_multipart(zmq.NOBLOCK)
                except zmq.Again:
                    break
                d = json.loads(payload)["data"]
                with self.lock:
                    self.latest[d["daemon"]] = (time.monotonic(), d)
                    self.pids.setdefault(d["daemon"], set()).add(d["pid"])

    def get(self, daemon):
        with self.lock:
            v = self.latest.get(daemon)
        return v[1] if v else None

    def after(self, t):
        """The latest reports of every daemon, once each has reported after monotonic time t."""
        with self.lock:
            if all(d in self.latest and self.latest[d][0] > t for d in APPS):
                return {d: self.latest[d][1] for d in APPS}
        return None

    def close(self):
        self._stop.set()
        self._thread.join(timeout=2)
        self._sock.close(0)


def rss_kb(pid):
    try:
        for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return None


def fd_count(pid):
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return None


def pm2_apps(fleet):
    return {a["name"]: a for a in fleet.jlist()}


def cpu_ticks(pid):
    try:
        f = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return int(f[11]) + int(f[12])
    except (OSError, IndexError, ValueError):
        return None


def setup_users(fleet, users):
    """COMMANDER traders in AUTO mode, user i bound to SIM_EA_<i>."""
    db_path = fleet.state_dir / "bitten.db"
    fleet.state_dir.mkdir(parents=True, exist_ok=True)

    def admin(*args):
        r = subprocess.run([str(fleet.bin_dir / "bitten-admin"), "--db", str(db_path),
                            "--risk-config", str(fleet.config_dir / "risk.json"), *args],
                           capture_output=True, text=True, timeout=60)
        assert r.returncode == 0, (args, r.stderr)
    admin("migrate")
    for i, u in enumerate(users, 1):
        admin("create-user", u, "--tier", "COMMANDER")
        admin("bind-ea", f"SIM_EA_{i:06d}", u)
    with sqlite3.connect(str(db_path)) as c:
        for u in users:
            c.execute("INSERT INTO user_modes(user_id, mode, updated_ns) VALUES (?, 'AUTO', 0) "
                      "ON CONFLICT(user_id) DO UPDATE SET mode='AUTO'", (u,))
    return db_path


def sim_config_compat(fleet, doc):
    """The soak paces itself: the simulator's catch-up warm-up (warmup_s) is turned off."""
    doc["warmup_s"] = 0
    return doc


def soak_overrides(eas, speed, extra=None):
    # Real EAs heartbeat every 30 s of wall time; at xspeed a 30 s replay-time period would be speed
    # times denser than production, so the period is scaled to stay 30 s of wall time.
    hb = max(30, int(round(30 * speed))) if speed > 0 else 3600
    o = {
        "ml_filter": {"cold_start_min_confidence": 0.0},
        "ea_sim": {"eas": eas, "speed": speed, "loop": True, "heartbeat_period_s": hb, "stats_interval_s": 1,
                   "idle": {"when_real_ea_online": True, "event_bus_sub": None, "real_ea_ttl_s": 600}},
        "elite_guard": {"timeframe": "M1"},
        "pattern_detector": {"timeframe": "M1"},
        "risk": {"auto_fire": {"min_probability": 0.65, "allow_cold_start": True, "cold_start_min_confidence": 0}},
    }
    for k, v in (extra or {}).items():
        o.setdefault(k, {}).update(v)
    return o


class Soak:
    def __init__(self, eas=1000, seconds=1800, speed=60.0, auto_users=8, rss_growth_pct=50.0, rss_growth_min_mb=24.0,
                 warmup_s=20, progress_s=30, allowed_log=(), log=print, keep=False):
        self.eas, self.seconds, self.speed = eas, seconds, speed
        self.users = [f"soak_{i}" for i in range(1, min(auto_users, eas) + 1)]
        self.rss_growth_pct, self.rss_growth_min_kb = rss_growth_pct, rss_growth_min_mb * 1024
        self.warmup_s, self.progress_s = warmup_s, progress_s
        self.allowed_log = [re.compile(p) for p in allowed_log]
        self.log = log
        self.failures = []
        self.report = {}

    def check(self, ok, what):
        self.log(("  ok   " if ok else "  FAIL ") + what)
        if not ok:
            self.failures.append(what)
        return ok

    def run(self):
        overrides = soak_overrides(self.eas, self.speed)
        fleet = Fleet(apps=APPS, overrides={})
        # The idle watcher listens on the event bus XPUB (already port-shifted in fleet's config copy).
        sim_cfg = json.loads((fleet.config_dir / "ea_sim.json").read_text())
        overrides["ea_sim"]["idle"]["event_bus_sub"] = sim_cfg["idle"]["event_bus_sub"]
        for name, values in overrides.items():
            p = fleet.config_dir / f"{name}.json"
            doc = json.loads(p.read_text())
            doc.update(values)
            if name == "ea_sim":
                sim_config_compat(fleet, doc)
            p.write_text(json.dumps(doc, indent=2))
        ctx = zmq.Context()
        health = None
        try:
            db_path = setup_users(fleet, self.users)
            t0 = time.monotonic()
            fleet.start()
            fleet.wait_online(APPS, timeout=90)
            health = HealthWatch(ctx, fleet.endpoint(5570))
            try:
                self._run(fleet, health, db_path, t0)
            except AssertionError as exc:  # a deadline passed: a failed check, reported as such
                self.check(False, str(exc))
        finally:
            if health:
                health.close()
            fleet.stop()
            ctx.term()
        self.report["failures"] = self.failures
        return self.report

    # ---------------------------------------------------------------------------------------------
    def _run(self, fleet, health, db_path, t0):
        N = self.eas
        log = self.log

        def q(sql, *a):
            with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=10) as c:
                return c.execute(sql, a).fetchall()

        # Warm-up: every daemon reports, every EA is online at the bridge and the router, ticks flow.
        def warmed():
            s, b, r = health.get("ea_sim"), health.get("telemetry_bridge"), health.get("command_router")
            return (health.after(0) and s and b and r and s["gauges"].get("eas") == N
                    and b["gauges"].get("eas_online") == N and r["gauges"].get("eas_live") == N
                    and b["counters"].get("ticks_out", 0) > 0)
        wait_for(warmed, max(120, N * 0.15), f"{N} EAs online at the bridge and the router", interval=0.5)
        log(f"fleet up and {N} EAs online after {time.monotonic() - t0:.1f} s; warming up {self.warmup_s} s")
        time.sleep(self.warmup_s)  # warm-up period by design (not synchronisation): RSS baseline after it
        apps = pm2_apps(fleet)
        pids = {n: apps[n]["pid"] for n in APPS}
        restarts0 = {n: apps[n]["pm2_env"]["restart_time"] for n in APPS}
        rss0 = {n: rss_kb(pids[n]) for n in APPS}
        fd0 = {n: fd_count(pids[n]) for n in APPS}
        cpu0 = {n: cpu_ticks(pids[n]) for n in APPS}

        # Steady state for the requested wall time, with a progress line every progress_s.
        start = time.monotonic()
        end = start + self.seconds
        s_prev = health.get("ea_sim")
        b_prev = health.get("telemetry_bridge")
        s_first, b_first, t_prev = s_prev, b_prev, start
        samples = []
        while time.monotonic() < end:
            time.sleep(min(self.progress_s, max(0.0, end - time.monotonic())))  # pacing of the report
            now = time.monotonic()
            s, b = health.get("ea_sim"), health.get("telemetry_bridge")
            dt = now - t_prev
            rate = lambda cur, prev, k: (cur["counters"].get(k, 0) - prev["counters"].get(k, 0)) / dt  # noqa: E731
            replay_speed = (s["gauges"]["replay_time_s"] - s_prev["gauges"]["replay_time_s"]) / dt
            fires = q("SELECT COUNT(*) FROM fires")[0][0]
            sample = {"t": round(now - start), "replay_x": round(replay_speed, 1),
                      "sim_msgs_per_s": round(rate(s, s_prev, "messages_sent")),
                      "bridge_ticks_in_per_s": round(rate(b, b_prev, "ticks_in")),
                      "bridge_ticks_out_per_s": round(rate(b, b_prev, "ticks_out"), 1),
                      "would_block": s["counters"].get("send_would_block", 0),
                      "fires": fires, "eas_online": b["gauges"].get("eas_online")}
            samples.append(sample)
            log("  " + " ".join(f"{k}={v}" for k, v in sample.items()))
            s_prev, b_prev, t_prev = s, b, now
        wall = time.monotonic() - start
        s_last, b_last = health.get("ea_sim"), health.get("telemetry_bridge")
        self.report["throughput"] = {
            "wall_s": round(wall, 1),
            "replay_x": round((s_last["gauges"]["replay_time_s"] - s_first["gauges"]["replay_time_s"]) / wall, 2),
            "ea_ticks_per_s": round((b_last["counters"]["ticks_in"] - b_first["counters"]["ticks_in"]) / wall),
            "bridge_msgs_per_s": round((b_last["counters"]["messages_in"] - b_first["counters"]["messages_in"]) / wall),
            "distinct_ticks_per_s": round((b_last["counters"]["ticks_out"] - b_first["counters"]["ticks_out"]) / wall, 1),
        }
        self.report["samples"] = samples
        apps = pm2_apps(fleet)
        rss1 = {n: rss_kb(apps[n]["pid"]) for n in APPS}
        fd1 = {n: fd_count(apps[n]["pid"]) for n in APPS}
        cpu1 = {n: cpu_ticks(apps[n]["pid"]) for n in APPS}
        hz = os.sysconf("SC_CLK_TCK")
        cpu_pct = {n: (round(100.0 * (cpu1[n] - cpu0[n]) / hz / wall, 1) if cpu0[n] is not None and cpu1[n] is not None
                       else None) for n in APPS}

        # Quiesce: a "real EA" on the event bus makes every simulated EA stop TICK/OHLC at once.
        log("quiescing: a non-simulator EA handshake on the event bus idles the simulator")
        pub = health._sock.context.socket(zmq.PUB)
        pub.setsockopt(zmq.LINGER, 0)
        pub.connect(fleet.endpoint(5571))
        envelope = json.dumps({"type": "ea_status", "v": 1, "src": "soak", "seq": 1, "ts": time.time_ns(),
                               "data": {"kind": "handshake", "uuid": "SOAKQUIESCE_REAL_EA"}})

        def idle():
            pub.send_multipart([b"ea.handshake", envelope.encode()])
            return "a real EA is online: going idle" in fleet.log("ea_sim")
        try:
            wait_for(idle, 60, "the simulator to go idle (it reads the bus between replay steps)", interval=0.5)
        finally:
            pub.close(0)

        # Every fire settles (confirmation timeout and the queued sweep bound it).
        def settled():
            return not q("SELECT fire_id FROM fires WHERE state IN ('REQUESTED','QUEUED','SENT')")
        wait_for(settled, 150, "every fire to reach a final state", interval=1)

        # Consistent counters: two consecutive rounds of reports from every daemon agree and balance.
        def accounting(rep):
            s, b, r, c = (rep[d]["counters"] for d in ("ea_sim", "telemetry_bridge", "command_router",
                                                       "confirm_listener"))
            received = b.get("messages_in", 0) + r.get("ea_frames_in", 0) + c.get("messages_in", 0) + \
                c.get("drop_bad_frames", 0)
            return s.get("messages_sent", 0), received
        state = {"prev": None, "since": time.monotonic()}

        def quiet():
            rep = health.after(state["since"])  # a full round: every daemon reported since the last one
            if not rep:
                return None
            state["since"] = time.monotonic()
            sent, received = accounting(rep)
            b = rep["telemetry_bridge"]["counters"]
            key = (sent, received, rep["ea_sim"]["counters"].get("fires_executed"),
                   tuple(sorted((k, v) for k, v in b.items() if k.startswith(("ticks", "drop", "bars")))))
            prev, state["prev"] = state["prev"], key
            return rep if prev == key and sent == received else None
        try:
            rep = wait_for(quiet, 120, "balanced, unchanging counters after quiescence", interval=0.2)
            balanced = True
        except AssertionError:
            rep = health.after(0)
            balanced = False
        s, b = rep["ea_sim"]["counters"], rep["telemetry_bridge"]["counters"]
        sent, received = accounting(rep)
        self._check_ticks(N, s, b, rep, sent, received, balanced)
        self._check_fires(q, s)

        # Restarts: none.
        apps = pm2_apps(fleet)
        restarted = [n for n in APPS if apps[n]["pm2_env"]["restart_time"] != restarts0[n] or apps[n]["pid"] != pids[n]]
        self.check(not restarted, f"no daemon restarted during the soak (restarted: {restarted or 'none'})")

        self._check_rss(rss0, rss1, fd0, fd1, cpu_pct)
        self._check_logs(fleet)

    # ---------------------------------------------------------------------------------------------
    def _check_ticks(self, N, s, b, rep, sent, received, balanced):
        log = self.log
        drops = {k: v for k, v in b.items() if k.startswith("drop_") and v}
        late = sum(v for k, v in drops.items() if k in LATE_DUPLICATE_DROPS)
        other = {k: v for k, v in drops.items() if k not in LATE_DUPLICATE_DROPS}
        ti, to, tc = b.get("ticks_in", 0), b.get("ticks_out", 0), b.get("ticks_coalesced", 0)
        ooo = b.get("drop_out_of_order", 0)
        t = {
            "sim_messages_sent": sent, "sim_send_would_block": s.get("send_would_block", 0),
            "received_by_daemons": received, "bridge_messages_in": b.get("messages_in", 0),
            "router_ea_frames_in": rep["command_router"]["counters"].get("ea_frames_in", 0),
            "confirm_messages_in": rep["confirm_listener"]["counters"].get("messages_in", 0),
            "bridge_ticks_in": ti, "bridge_ticks_out": to, "ticks_coalesced_same_time": tc,
            "ticks_late_duplicates(drop_out_of_order)": ooo, "bars_out": b.get("bars_out", 0),
            "bars_coalesced": b.get("bars_coalesced", 0), "bars_late_duplicates": b.get("drop_bar_out_of_order", 0),
            "bridge_drops_other": other, "publish_failed": b.get("publish_failed", 0),
            "quotes_replayed": s.get("quotes_replayed", 0),
        }
        self.report["ticks"] = t
        log("tick accounting: " + json.dumps(t))
        self.check(t["sim_send_would_block"] == 0, f"no message would-block at the simulator ({t['sim_send_would_block']})")
        self.check(balanced and sent == received,
                   f"every message the EAs sent reached a daemon: sent {sent} == received {received}")
        self.check(not other, f"the bridge dropped no valid message for any other reason ({other or 'none'})")
        self.check(ti == to + tc + ooo,
                   f"every tick in is published, coalesced or a late duplicate: {ti} == {to} + {tc} + {ooo}")
        self.check(to > 0 and ti == N * to,
                   f"every distinct quote published exactly once: ticks_in {ti} == {N} EAs x ticks_out {to}")
        self.check(t["publish_failed"] == 0, f"the bridge PUB never refused a message ({t['publish_failed']})")
        _ = late

    def _check_fires(self, q, s):
        states = dict(q("SELECT state, COUNT(*) FROM fires GROUP BY state"))
        filled = states.get("FILLED", 0) + states.get("CLOSED", 0)
        pending = q("SELECT COUNT(*) FROM fires WHERE state NOT IN (%s)" % ",".join("?" * len(FINAL_STATES)),
                    *FINAL_STATES)[0][0]
        tickets = [t for (t,) in q("SELECT ticket FROM fires WHERE state IN ('FILLED','CLOSED')")]
        executed = s.get("fires_executed", 0)
        self.report["fires"] = {"states": states, "filled": filled, "sim_fires_executed": executed,
                                "sim_fires_executed_twice": s.get("fires_executed_twice", 0)}
        self.log(f"fires: {json.dumps(self.report['fires'])}")
        self.check(sum(states.values()) > 0, f"fires happened ({sum(states.values())})")
        self.check(pending == 0, f"every fire reached a final state ({pending} not final)")
        self.check(s.get("fires_executed_twice", 0) == 0, "no fire executed twice at the EAs")
        self.check(all(tickets) and len(tickets) == len(set(tickets)),
                   f"one distinct ticket per filled fire ({len(tickets)} filled, {len(set(tickets))} distinct tickets)")
        self.check(executed == filled, f"the EAs executed exactly the filled fires ({executed} executed, {filled} filled)")

    def _check_rss(self, rss0, rss1, fd0, fd1, cpu_pct):
        rows = []
        self.log(f"{'daemon':<18}{'RSS start MB':>13}{'RSS end MB':>12}{'growth MB':>11}{'growth %':>10}"
                 f"{'fds':>10}{'CPU %':>8}  flag")
        for n in APPS:
            a, b = rss0[n], rss1[n]
            grow = (b - a) if a and b else None
            pct = 100.0 * grow / a if grow is not None else None
            flag = grow is None or (grow > self.rss_growth_min_kb and pct > self.rss_growth_pct)
            rows.append({"daemon": n, "rss_start_kb": a, "rss_end_kb": b, "growth_kb": grow,
                         "growth_pct": round(pct, 1) if pct is not None else None, "fds": [fd0[n], fd1[n]],
                         "cpu_pct": cpu_pct[n], "flagged": flag})
            self.log(f"{n:<18}{(a or 0) / 1024:>13.1f}{(b or 0) / 1024:>12.1f}{(grow or 0) / 1024:>11.1f}"
                     f"{(pct or 0):>10.1f}{f'{fd0[n]}->{fd1[n]}':>10}{cpu_pct[n] if cpu_pct[n] is not None else '?':>8}"
                     f"  {'FLAG' if flag else ''}")
        self.report["rss"] = rows
        flagged = [r["daemon"] for r in rows if r["flagged"]]
        self.check(not flagged, f"no daemon's RSS grew more than {self.rss_growth_pct:.0f}% and "
                                f"{self.rss_growth_min_kb / 1024:.0f} MB ({flagged or 'none'})")

    def _check_logs(self, fleet):
        bad = []
        for n in APPS:
            for suffix in ("out", "err"):
                p = fleet.state_dir / "logs" / f"{n}.{suffix}.log"
                text = p.read_text(errors="replace") if p.exists() else ""
                for line in text.splitlines():
                    if (LOG_BAD.search(line) or (suffix == "err" and line.strip())) and \
                            not any(a.search(line) for a in self.allowed_log):
                        bad.append(f"{n}.{suffix}: {line[:300]}")
        for line in bad[:20]:
            self.log("    " + line)
        self.report["log_errors"] = bad
        self.check(not bad, f"no error/critical line in any daemon log ({len(bad)} found)")


def main(argv=None):
    import argparse
    ap = argparse.ArgumentParser(description="BITTEN soak: the whole fleet with N simulated EAs (docs/soak.md)")
    ap.add_argument("--eas", type=int, default=1000)
    ap.add_argument("--minutes", type=float, default=30)
    ap.add_argument("--speed", type=float, default=8, help="replay speed (x real time) of the simulated EAs")
    ap.add_argument("--auto-users", type=int, default=8)
    ap.add_argument("--rss-growth-pct", type=float, default=50)
    ap.add_argument("--rss-growth-min-mb", type=float, default=24)
    ap.add_argument("--warmup-s", type=float, default=20)
    ap.add_argument("--progress-s", type=float, default=30)
    ap.add_argument("--report", help="write the report as JSON here")
    a = ap.parse_args(argv)
    soak = Soak(eas=a.eas, seconds=a.minutes * 60, speed=a.speed, auto_users=a.auto_users,
                rss_growth_pct=a.rss_growth_pct, rss_growth_min_mb=a.rss_growth_min_mb, warmup_s=a.warmup_s,
                progress_s=a.progress_s, log=lambda m: print(m, flush=True))
    print(f"soak: {a.eas} EAs at x{a.speed:g} for {a.minutes:g} min", flush=True)
    rep = soak.run()
    rep["params"] = vars(a)
    if a.report:
        pathlib.Path(a.report).write_text(json.dumps(rep, indent=2))
    print(f"soak: {'PASSED' if not rep['failures'] else 'FAILED: ' + '; '.join(rep['failures'])}", flush=True)
    return 0 if not rep["failures"] else 1


if __name__ == "__main__":
    sys.exit(main())
