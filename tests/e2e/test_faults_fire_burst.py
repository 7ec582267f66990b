#!/usr/bin/env python3
"""SIGKILL of command_router, confirm_listener and webapp in the middle of bursts of fires (eight
AUTO traders, each on its own simulated EA, fire on every accepted signal): after PM2 restarts
them every fire reaches a final state (nothing stays QUEUED or SENT), no fire was executed twice at
the simulated EAs (counted there), and none is lost (every filled fire has exactly one ticket)."""
import json
import os
import pathlib
import sqlite3
import subprocess
import sys
import time

import zmq

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from fleet import Fleet, roomy_risk_tiers, wait_for  # noqa: E402

APPS = ["event_bus", "telemetry_bridge", "ml_filter", "command_router", "confirm_listener", "elite_guard",
        "pattern_detector", "signal_relay", "outcome_tracker", "webapp", "ea_sim"]
USERS = [f"burst_{i}" for i in range(1, 9)]
VICTIMS = ["command_router", "confirm_listener", "webapp"]


def main():
    # The kills are under test, not the limits: auto-fires keep coming between the kills.
    tiers = roomy_risk_tiers()
    overrides = {
        "ml_filter": {"cold_start_min_confidence": 0.0},
        "ea_sim": {"eas": len(USERS), "speed": 60},
        "elite_guard": {"timeframe": "M1"},
        "pattern_detector": {"timeframe": "M1"},
        "risk": {"auto_fire": {"min_probability": 0.65, "allow_cold_start": True, "cold_start_min_confidence": 0},
                 "tiers": tiers},
        "confirm_listener": {"confirm_timeout_s": 20},
    }
    fleet = Fleet(apps=APPS, overrides=overrides)
    ctx = zmq.Context()
    try:
        db_path = fleet.state_dir / "bitten.db"
        fleet.state_dir.mkdir(parents=True, exist_ok=True)

        def admin(*args):
            r = subprocess.run([str(fleet.bin_dir / "bitten-admin"), "--db", str(db_path),
                                "--risk-config", str(fleet.config_dir / "risk.json"), *args],
                               capture_output=True, text=True, timeout=30)
            assert r.returncode == 0, (args, r.stderr)
        admin("migrate")
        for i, u in enumerate(USERS, 1):
            admin("create-user", u, "--tier", "COMMANDER")
            admin("bind-ea", f"SIM_EA_{i:06d}", u)
        with sqlite3.connect(str(db_path)) as c:  # AUTO mode, as the trader would set it on the page
            for u in USERS:
                c.execute("INSERT INTO user_modes(user_id, mode, updated_ns) VALUES (?, 'AUTO', 0) "
                          "ON CONFLICT(user_id) DO UPDATE SET mode='AUTO'", (u,))
        fleet.start()
        fleet.wait_online(APPS, timeout=40)

        def q(sql, *a):
            with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=5) as c:
                return c.execute(sql, a).fetchall()
        def fire_count():
            return q("SELECT COUNT(*) FROM fires WHERE mode='AUTO' AND state != 'REJECTED'")[0][0]

        for victim in VICTIMS:
            before = fire_count()
            wait_for(lambda: fire_count() > before, 240, f"a burst of auto-fires before killing {victim}", interval=0.5)
            app = fleet.app(victim)
            os.kill(app["pid"], 9)
            print(f"killed {victim} (pid {app['pid']}) with {fire_count()} fires so far")
            wait_for(lambda: (a := fleet.app(victim)) and a["pid"] and a["pid"] != app["pid"]
                     and a["pm2_env"]["status"] == "online", 20, f"PM2 to restart {victim}", interval=0.3)

        # Every fire reaches a final state (the confirmation timeout sweep covers lost replies).
        def settled():
            return not q("SELECT fire_id FROM fires WHERE state IN ('REQUESTED','QUEUED','SENT')")
        wait_for(settled, 120, "every fire to leave QUEUED/SENT", interval=1)
        states = dict(q("SELECT state, COUNT(*) FROM fires GROUP BY state"))
        print(f"fire states: {states}")
        assert states.get("FILLED", 0) + states.get("CLOSED", 0) > 0, states

        # At the EAs: nothing executed twice; every execution is a filled (or timed-out-then-late) fire.
        bus = ctx.socket(zmq.SUB)
        bus.connect(fleet.endpoint(5570))
        bus.setsockopt_string(zmq.SUBSCRIBE, "health.ea_sim")
        def sim_counters():
            while bus.poll(200):
                _, payload = bus.recv_multipart()
                return json.loads(payload)["data"]["counters"]
            return None
        c = wait_for(sim_counters, 15, "the simulator's health")
        assert c.get("fires_executed_twice", 0) == 0, c
        tickets = q("SELECT ticket FROM fires WHERE ticket IS NOT NULL AND ticket != 0")
        assert len(tickets) == len(set(tickets)), "a ticket appears on two fires"
        filled = states.get("FILLED", 0) + states.get("CLOSED", 0)
        assert filled <= c.get("fires_executed", 0), (filled, c)
        bus.close()
    finally:
        fleet.stop()
        ctx.term()
    print("e2e faults fire burst: 1 passed, 0 failed")


if __name__ == "__main__":
    main()
