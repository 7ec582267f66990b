#!/usr/bin/env python3
"""The whole fleet under real PM2 on private ports: every app comes online and publishes health on
the event bus; real EURUSD ticks pushed into 5556 exactly as a v2.05 EA writes them come out of 5560
normalised to UTC; SIGKILL of the bridge is repaired by PM2 and the flow resumes."""
import csv
import json
import os
import pathlib
import sys
import time

import zmq

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from fleet import ROOT, Fleet, wait_for  # noqa: E402

APPS = ["event_bus", "telemetry_bridge", "ml_filter", "command_router", "confirm_listener", "elite_guard",
        "pattern_detector", "signal_relay", "outcome_tracker", "webapp"]
BROKER_OFFSET = 3 * 3600  # the simulated terminal's broker runs at UTC+3


def real_quotes():
    path = ROOT / "tests" / "data" / "ticks" / "EURUSD_oanda_ticks_2014-05-08_12-14utc.csv"
    out = []
    with open(path) as f:
        for r in csv.DictReader(f):
            q = (float(r["bid"]), float(r["ask"]))
            if not out or out[-1] != q:  # identical consecutive quotes would be coalesced
                out.append(q)
    return out


def ea_tick(symbol, bid, ask, broker_epoch, uuid="E2E_UUID_0001"):
    # Byte for byte the v2.05 EA's string concatenation (see docs/protocol.md).
    ts = time.strftime("%Y.%m.%d %H:%M:%S", time.gmtime(broker_epoch))
    spread = round((ask - bid) * 1e5, 1)
    return (f'{{"type":"TICK","node_id":"NODE_1234567_998877","user_uuid":"{uuid}","symbol":"{symbol}",'
            f'"bid":{bid:.5f},"ask":{ask:.5f},"spread":{spread:.1f},"volume":0,"timestamp":"{ts}"}}')


def main():
    quotes = real_quotes()
    ctx = zmq.Context()
    with Fleet(apps=APPS) as fleet:
        fleet.wait_online(APPS, timeout=30)

        # Every daemon publishes a health heartbeat on the event bus.
        bus = ctx.socket(zmq.SUB)
        bus.connect(fleet.endpoint(5570))
        bus.setsockopt_string(zmq.SUBSCRIBE, "health.")
        seen = set()

        def all_healthy():
            while bus.poll(100):
                topic, payload = bus.recv_multipart()
                env = json.loads(payload)
                assert env["type"] == "health" and env["v"] == 1
                seen.add(env["data"]["daemon"])
            return seen >= set(APPS)
        wait_for(all_healthy, 20, f"health from every daemon (seen {seen})")

        sub = ctx.socket(zmq.SUB)
        sub.setsockopt(zmq.RCVHWM, 0)
        sub.connect(fleet.endpoint(5560))
        sub.setsockopt_string(zmq.SUBSCRIBE, "tick.")
        push = ctx.socket(zmq.PUSH)
        push.setsockopt(zmq.LINGER, 0)
        push.connect(fleet.endpoint(5556))

        state = {"i": 0}

        def send_one():
            # Stamped with the current second (the bridge checks event time against its clock);
            # prices are the real ECB-day quotes in order.
            bid, ask = quotes[state["i"] % len(quotes)]
            state["i"] += 1
            utc = int(time.time())
            push.send_string(ea_tick("EURUSD", bid, ask, utc + BROKER_OFFSET))
            return utc, bid, ask

        def flow_works(count):
            sent = [send_one() for _ in range(count)]
            got = []
            deadline = time.monotonic() + 10
            while len(got) < count and time.monotonic() < deadline:
                if sub.poll(100):
                    topic, payload = sub.recv_multipart()
                    assert topic == b"tick.EURUSD", topic
                    got.append(json.loads(payload)["data"])
            return sent, got

        # Wait for the subscription to reach the bridge, then check a real burst end to end.
        wait_for(lambda: len(flow_works(1)[1]) == 1, 15, "first tick through the bridge")
        sent, got = flow_works(500)
        assert len(got) == 500, f"only {len(got)} of 500 ticks arrived"
        for (utc, bid, ask), t in zip(sent, got):
            assert t["time_ns"] == utc * 10**9, (t, utc)
            assert abs(t["bid"] - bid) < 1e-9 and abs(t["ask"] - ask) < 1e-9
            assert t["uuid"] == "E2E_UUID_0001"

        # SIGKILL the bridge: PM2 restarts it and the flow resumes.
        before = fleet.app("telemetry_bridge")
        os.kill(before["pid"], 9)
        wait_for(lambda: (a := fleet.app("telemetry_bridge")) and a["pid"] and a["pid"] != before["pid"]
                 and a["pm2_env"]["status"] == "online", 20, "PM2 to restart telemetry_bridge", interval=0.3)
        after = fleet.app("telemetry_bridge")
        assert after["pm2_env"]["restart_time"] >= before["pm2_env"]["restart_time"] + 1
        wait_for(lambda: len(flow_works(1)[1]) == 1, 15, "ticks flowing again after the restart")
        sent, got = flow_works(200)
        assert len(got) == 200, f"after restart only {len(got)} of 200 ticks arrived"

        # The bridge counted nothing as bad.
        dropped = None
        def bridge_health():
            nonlocal dropped
            while bus.poll(100):
                topic, payload = bus.recv_multipart()
                d = json.loads(payload)["data"]
                if d["daemon"] == "telemetry_bridge" and d["counters"].get("ticks_out", 0) >= 200:
                    dropped = d["counters"].get("dropped", 0)
                    return True
            return False
        wait_for(bridge_health, 10, "bridge health after restart")
        assert dropped == 0, f"bridge dropped {dropped} valid ticks"
    push.close(); sub.close(); bus.close(); ctx.term()
    print("e2e fleet bridge: 1 passed, 0 failed")


if __name__ == "__main__":
    main()
