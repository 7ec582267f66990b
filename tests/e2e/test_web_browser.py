"""Real headless Chromium (playwright-core) against the webapp under real PM2.

A trader signs in with a genuinely signed Telegram Login Widget payload (a test bot token passed
through the environment, exactly as production passes the real one), sees a signal arrive live over
WebSocket, opens the mission brief and fires; the real command_router delivers the fire to the
trader's EA and the real confirm_listener takes the EA's confirmation, and the page shows the fire
FILLED. An admin halts trading on the Throne and the trader's next fire is refused. Screenshots of
every page go to tests/artifacts/. The node script (browser/web_flow.js) and this file talk over
stdin/stdout lines. This file plays the trader's EA on the wire, byte for byte as v2.05 writes
(the golden messages of tests/data/ea: HELLO and HEARTBEAT on its DEALER, the confirmation on 5558).
"""
import hashlib
import hmac
import json
import os
import pathlib
import sqlite3
import subprocess
import sys
import time
import urllib.request

from fleet import Fleet, ROOT, wait_for

import zmq

BOT_TOKEN = "777000:TEST-ONLY-browser-bot-token"
NS = 1_000_000_000


def login_payload(telegram_id, name):
    fields = {"id": str(telegram_id), "first_name": name, "username": name.lower(), "auth_date": str(int(time.time()))}
    dcs = "\n".join(f"{k}={fields[k]}" for k in sorted(fields))
    fields["hash"] = hmac.new(hashlib.sha256(BOT_TOKEN.encode()).digest(), dcs.encode(), hashlib.sha256).hexdigest()
    return fields


def envelope(type_, src, seq, data):
    return json.dumps({"type": type_, "v": 1, "src": src, "seq": seq, "ts": time.time_ns(), "data": data})


EA_UUID = "ea-alice"
EA_NODE = "NODE_5001_424242"
GOLDEN = ROOT / "tests" / "data" / "ea"


def broker_now():
    return time.strftime("%Y.%m.%d %H:%M:%S", time.gmtime())


def golden(name, **fields):
    """A golden EA message with some fields replaced, keys in the EA's order."""
    msg = json.loads((GOLDEN / name).read_text())
    for k, v in fields.items():
        assert k in msg, (name, k)
        msg[k] = v
    return json.dumps(msg, separators=(",", ":")).encode()


class World:
    """Plays the rest of the fleet: ticks on 5560, scored signals on 5557, signal_relay's mission
    rows, and the trader's EA (DEALER on 5555, confirmations on 5558)."""

    def __init__(self, fleet):
        self.fleet = fleet
        self.db_path = fleet.state_dir / "bitten.db"
        self.ctx = zmq.Context()
        self.market = self.ctx.socket(zmq.PUB)
        self.market.bind(fleet.endpoint(5560))
        self.signals = self.ctx.socket(zmq.PUB)
        self.signals.bind(fleet.endpoint(5557))
        self.dealer = self.ctx.socket(zmq.DEALER)
        self.dealer.setsockopt(zmq.IDENTITY, EA_UUID.encode())
        self.dealer.setsockopt(zmq.LINGER, 0)
        self.dealer.connect(fleet.endpoint(5555))
        self.confirm = self.ctx.socket(zmq.PUSH)
        self.confirm.setsockopt(zmq.LINGER, 0)
        self.confirm.connect(fleet.endpoint(5558))
        self.seq = 0
        self.ticket = 31_000_000

    def ea_hello(self):
        self.dealer.send(golden("hello.json", target_uuid=EA_UUID, node_id=EA_NODE, account_login="5001",
                                timestamp=broker_now()))

    def ea_heartbeat(self):
        self.dealer.send(golden("heartbeat_dealer.json", target_uuid=EA_UUID, node_id=EA_NODE, timestamp=broker_now()))

    def ea_take_fire(self):
        """The EA reads the fire command the router sent and executes it: a v2.05 confirmation."""
        assert self.dealer.poll(10000), "no fire command reached the trader's EA"
        fired = json.loads(self.dealer.recv())
        assert fired["type"] == "fire" and fired["target_uuid"] == EA_UUID, fired
        self.ticket += 1
        self.confirm.send(golden("confirmation_success.json", fire_id=fired["fire_id"], node_id=EA_NODE,
                                 user_uuid=EA_UUID, ticket=self.ticket, price=1.10005, lot=fired["lot"],
                                 account=5001, timestamp=broker_now()))
        return fired

    def db(self):
        c = sqlite3.connect(self.db_path, timeout=5)
        c.execute("PRAGMA foreign_keys=ON")
        return c

    def seed(self):
        now = time.time_ns()
        with self.db() as c:
            c.execute("INSERT INTO users(user_id,telegram_id,display_name,tier,role,created_ns,updated_ns) VALUES"
                      "('alice',1001,'Alice','GLADIATOR','trader',?,?),('root',1002,'Root','COMMANDER','admin',?,?)",
                      (now, now, now, now))
            c.execute("INSERT INTO ea_instances(uuid,user_id,account_login,broker,currency,leverage,balance,equity,free_margin,"
                      "first_seen_ns,last_seen_ns) VALUES('ea-alice','alice','5001','DemoBroker','USD',100,10000,10000,10000,?,?)",
                      (now, now))

    def tick(self):
        self.seq += 1
        t = {"symbol": "EURUSD", "bid": 1.10000, "ask": 1.10005, "spread_points": 5, "time_ns": time.time_ns(),
             "uuid": "ea-alice", "broker_time": ""}
        self.market.send_multipart([b"tick.EURUSD", envelope("tick", "telemetry_bridge", self.seq, t).encode()])

    def signal(self, signal_id):
        now = time.time_ns()
        data = {"signal_id": signal_id, "symbol": "EURUSD", "direction": "BUY", "pattern": "LIQUIDITY_SWEEP_REVERSAL",
                "timeframe": "M5", "signal_class": "RAPID", "session": "LONDON", "entry": 1.1, "sl": 1.098, "tp": 1.104,
                "sl_pips": 20, "tp_pips": 40, "rr": 2, "confidence": 81, "spread_pips": 0.5, "atr_pips": 10,
                "bar_time_ns": now, "detected_ns": now, "source": "elite_guard", "features": {},
                "score": {"accepted": True, "probability": 0.72, "threshold": 0.6, "model_version": "m-test",
                          "reason": "model_accept", "scored_ns": now}}
        # What signal_relay does: persist the signal and offer a mission to the entitled user.
        with self.db() as c:
            c.execute("INSERT INTO signals(signal_id,symbol,direction,pattern,timeframe,signal_class,session,entry,sl,tp,sl_pips,"
                      "tp_pips,rr,confidence,spread_pips,atr_pips,accepted,probability,model_version,score_reason,bar_time_ns,"
                      "detected_ns,source,payload_json,created_ns) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,1,?,?,?,?,?,?,?,?)",
                      (signal_id, "EURUSD", "BUY", data["pattern"], "M5", "RAPID", "LONDON", 1.1, 1.098, 1.104, 20, 40, 2, 81,
                       0.5, 10, 0.72, "m-test", "model_accept", now, now, "elite_guard", json.dumps(data), now))
            c.execute("INSERT INTO missions(mission_id,user_id,signal_id,lot_preview,created_ns,expires_ns) VALUES(?,?,?,?,?,?)",
                      ("M_" + signal_id, "alice", signal_id, 0.5, now, now + 900 * NS))
        self.seq += 1
        for _ in range(3):  # PUB has no delivery guarantee to a late joiner; the webapp dedups by id
            self.signals.send_multipart([b"signal.EURUSD", envelope("signal", "ml_filter", self.seq, data).encode()])
            time.sleep(0.05)

    def close(self):
        for s in (self.market, self.signals, self.dealer, self.confirm):
            s.close(linger=0)
        self.ctx.term()


def main():
    chromium = "/usr/bin/chromium"
    if not pathlib.Path(chromium).exists() or not (ROOT / "node_modules" / "playwright-core").exists():
        print("test_web_browser: SKIP (needs /usr/bin/chromium and node_modules/playwright-core)")
        return 0
    os.environ["BITTEN_TELEGRAM_BOT_TOKEN"] = BOT_TOKEN
    artifacts = ROOT / "tests" / "artifacts"
    artifacts.mkdir(parents=True, exist_ok=True)
    apps = ["event_bus", "command_router", "confirm_listener", "webapp"]
    overrides = {"webapp": {"expected_daemons": ["event_bus", "command_router", "confirm_listener"]}}
    with Fleet(apps=apps, overrides=overrides) as fleet:
        fleet.wait_online(apps)
        wait_for(lambda: urllib.request.urlopen(f"http://127.0.0.1:{fleet.port(8888)}/healthz", timeout=2).status == 200,
                 20, "webapp healthy")
        world = World(fleet)
        try:
            world.seed()
            world.ea_hello()
            world.ea_heartbeat()
            ports = {"trader": fleet.port(8888), "throne": fleet.port(8899), "tracking": fleet.port(8890),
                     "confidence": fleet.port(8891)}
            cfg = {"ports": ports, "alice": login_payload(1001, "Alice"), "root": login_payload(1002, "Root"),
                   "artifacts": str(artifacts), "chromium": chromium, "profile": str(fleet.dir / "chromium-profile")}
            node = subprocess.Popen(["node", str(pathlib.Path(__file__).parent / "browser" / "web_flow.js")], cwd=ROOT,
                                    stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
            node.stdin.write(json.dumps(cfg) + "\n")
            node.stdin.flush()
            fired = None
            deadline = time.monotonic() + 240
            for line in node.stdout:
                line = line.strip()
                print("browser:", line)
                if time.monotonic() > deadline:
                    raise AssertionError("browser flow took too long")
                if line.startswith("NEED "):
                    what = line.split(" ", 1)[1]
                    world.ea_heartbeat()  # the EA stays live at the router (v2.05 beats every 30 s)
                    if what.startswith("signal "):
                        world.tick()
                        world.signal(what.split(" ", 1)[1])
                        world.tick()
                    elif what == "command":
                        fired = world.ea_take_fire()
                    node.stdin.write("OK\n")
                    node.stdin.flush()
            rc = node.wait(timeout=30)
            assert rc == 0, f"browser flow failed (exit {rc})"
            assert fired is not None, "the trader's fire never reached the EA"
            with world.db() as c:
                states = dict(c.execute("SELECT state, COUNT(*) FROM fires GROUP BY state").fetchall())
                ticket = c.execute("SELECT ticket FROM fires WHERE state='FILLED'").fetchone()
            assert states.get("FILLED") == 1 and states.get("REJECTED", 0) >= 1, states
            assert ticket and ticket[0] == world.ticket, (ticket, world.ticket)
            audit = [r[0] for r in world.db().execute("SELECT action FROM audit_log").fetchall()]
            assert "global_halt" in audit, audit
        finally:
            world.close()
    print("test_web_browser: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
