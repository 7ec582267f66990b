#!/usr/bin/env python3
"""The money path end to end under real PM2, fed by the EA simulator replaying real prices:
real detectors -> ml_filter (cold-start rule) -> signal_relay missions -> a trader's
POST /api/fire (Bearer token) -> risk -> command_router -> the simulated EA fills it ->
confirm_listener FILLED in the database -> SL or TP hit in the replay -> CLOSED (inferred).
A second trader in AUTO mode gets fires without clicking, through the same path.
Every fire reaches the EA at most once: one ticket per fire, no fire id twice in the EA's orders."""
import json
import pathlib
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from fleet import Fleet, wait_for  # noqa: E402

APPS = ["event_bus", "telemetry_bridge", "ml_filter", "command_router", "confirm_listener", "elite_guard",
        "pattern_detector", "signal_relay", "outcome_tracker", "webapp", "ea_sim"]


def main():
    overrides = {
        "ml_filter": {"cold_start_min_confidence": 0.0},        # accept every candidate at cold start
        "ea_sim": {"eas": 2, "speed": 60},                       # two terminals, a minute of prices a second
        # M1 detection: ~50 bars of warm-up take under a minute at x60 (M5 would take four).
        "elite_guard": {"timeframe": "M1"},
        "pattern_detector": {"timeframe": "M1"},
        "risk": {"auto_fire": {"min_probability": 0.65, "allow_cold_start": True, "cold_start_min_confidence": 0}},
    }
    fleet = Fleet(apps=APPS, overrides=overrides)
    try:
        db_path = fleet.state_dir / "bitten.db"
        fleet.state_dir.mkdir(parents=True, exist_ok=True)

        def admin(*args):
            r = subprocess.run([str(fleet.bin_dir / "bitten-admin"), "--db", str(db_path),
                                "--risk-config", str(fleet.config_dir / "risk.json"), *args],
                               capture_output=True, text=True, timeout=30)
            assert r.returncode == 0, (args, r.stderr)
            return r.stdout.strip()
        admin("migrate")
        admin("create-user", "manual_trader", "--tier", "COMMANDER")
        admin("create-user", "auto_trader", "--tier", "COMMANDER")
        admin("bind-ea", "SIM_EA_000001", "manual_trader")
        admin("bind-ea", "SIM_EA_000002", "auto_trader")
        tokens = {u: admin("create-token", u) for u in ("manual_trader", "auto_trader")}
        fleet.start()
        fleet.wait_online(APPS, timeout=40)
        base = f"http://127.0.0.1:{fleet.port(8888)}"

        def api(method, path, user, body=None):
            req = urllib.request.Request(base + path, method=method,
                                         data=None if body is None else json.dumps(body).encode(),
                                         headers={"Authorization": f"Bearer {tokens[user]}",
                                                  "Content-Type": "application/json"})
            try:
                with urllib.request.urlopen(req, timeout=5) as r:
                    return r.status, json.loads(r.read() or b"null")
            except urllib.error.HTTPError as e:
                return e.code, json.loads(e.read() or b"null")

        status, body = api("POST", "/api/mode", "auto_trader", {"mode": "AUTO"})
        assert status == 200, (status, body)

        # 1. Missions arrive for the manual trader; the freshest is fired with one click. At x600 the
        #    price can run through a stop before the click: that refusal (with its reason) is the
        #    risk engine doing its job, and the trader takes the next mission.
        tried = set()
        def fire_one():
            s, b = api("GET", "/api/missions", "manual_trader")
            items = b.get("missions", b) if isinstance(b, dict) else b
            for m in (items or []) if s == 200 else []:
                if m["mission_id"] in tried:
                    continue
                tried.add(m["mission_id"])
                key = "e2e-" + m["mission_id"]
                st, f = api("POST", "/api/fire", "manual_trader", {"mission_id": m["mission_id"], "idempotency_key": key})
                if st == 202:
                    return m, key, f
                assert st == 422 and f.get("reason"), (st, f)
                print(f"mission {m['mission_id']} refused: {f['reason']} ({f.get('reason_detail')})")
            return None
        m, key, fire = wait_for(fire_one, 240, "a mission the trader can fire (detector -> filter -> relay -> risk)",
                                interval=1)
        fire_id = fire["fire_id"]
        # The same click again (network retry) returns the same fire.
        status, again = api("POST", "/api/fire", "manual_trader", {"mission_id": m["mission_id"], "idempotency_key": key})
        assert status == 200 and again["fire_id"] == fire_id, (status, again)

        def db_fire(fid):
            with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=5) as c:
                c.row_factory = sqlite3.Row
                r = c.execute("SELECT * FROM fires WHERE fire_id = ?", (fid,)).fetchone()
                return dict(r) if r else None
        filled = wait_for(lambda: (f := db_fire(fire_id)) and f["state"] in ("FILLED", "CLOSED") and f,
                          60, f"fire {fire_id} FILLED by the simulated EA", interval=0.5)
        assert filled["ticket"], filled
        print(f"manual fire {fire_id}: FILLED ticket {filled['ticket']} at {filled.get('fill_price')}")
        closed = wait_for(lambda: (f := db_fire(fire_id)) and f["state"] == "CLOSED" and f, 240,
                          f"fire {fire_id} CLOSED when the replay reaches its SL or TP", interval=1)
        assert closed["close_inferred"] == 1, closed
        print(f"manual fire {fire_id}: CLOSED ({closed.get('close_result')}, inferred)")

        # 2. The AUTO trader's fires happen without a click, through the same path.
        def auto_filled():
            with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=5) as c:
                return c.execute("SELECT fire_id FROM fires WHERE user_id='auto_trader' AND state IN ('FILLED','CLOSED')"
                                 ).fetchone()
        auto = wait_for(auto_filled, 180, "an auto-fire for the AUTO trader filled by its EA", interval=1)
        print(f"auto fire {auto[0]} filled")

        # 3. At most once: no fire id reached an EA twice (each filled fire has its own ticket).
        with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=5) as c:
            rows = c.execute("SELECT fire_id, ticket FROM fires WHERE ticket IS NOT NULL AND ticket != 0").fetchall()
        tickets = [t for _, t in rows]
        assert len(tickets) == len(set(tickets)), f"a ticket appears twice: {rows}"
    finally:
        fleet.stop()
    print("e2e money path: 1 passed, 0 failed")


if __name__ == "__main__":
    main()
