#!/usr/bin/env python3
"""A slow subscriber on the event bus while the simulator replays real prices fast.

A SUB socket connects to the bus (XPUB 5570) with a tiny RCVHWM and receive buffer and never reads,
while this test floods the bus (PUB -> XSUB 5571) with 1 KB events. The HWM policy (docs/operations.md,
docs/architecture.md): the bus never blocks and never queues without bound; a subscriber that falls `hwm`
events behind loses the newer ones, the other subscribers are served in full, and the bus counts and logs
each time a subscriber starts losing events (`subscriber_hwm_drops`); the events lost are visible to that
subscriber as gaps in `seq`. Checked:
a fast subscriber gets every flooded event in order; the webapp keeps receiving heartbeats (/healthz 200)
and the detectors keep receiving ticks (their counters move); event_bus RSS stays bounded; the bus
counts and logs the drop episode; the slow subscriber kept the oldest events and lost the rest."""
import json
import pathlib
import sys
import time
import urllib.error
import urllib.request

import zmq

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from fleet import Fleet, wait_for  # noqa: E402

APPS = ["event_bus", "telemetry_bridge", "ml_filter", "elite_guard", "pattern_detector", "webapp", "ea_sim"]
BUS_HWM = 2000
FLOOD = 60000
PAYLOAD_PAD = "x" * 1000


def rss_kb(pid):
    for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def main():
    overrides = {"event_bus": {"hwm": BUS_HWM}, "ea_sim": {"speed": 600},
                 "elite_guard": {"timeframe": "M1"}, "pattern_detector": {"timeframe": "M1"}}
    ctx = zmq.Context()
    socks = []
    try:
        run(ctx, socks, overrides)
    finally:
        ctx.destroy(linger=0)  # closes every socket, also on a failure path
    print("e2e faults slow subscriber: 1 passed, 0 failed")


def run(ctx, socks, overrides):
    with Fleet(apps=APPS, overrides=overrides) as fleet:
        fleet.wait_online(APPS, timeout=60)
        health = {}

        fast = ctx.socket(zmq.SUB)
        fast.setsockopt(zmq.RCVHWM, 0)
        fast.connect(fleet.endpoint(5570))
        fast.setsockopt_string(zmq.SUBSCRIBE, "health.")
        fast.setsockopt_string(zmq.SUBSCRIBE, "faulttest.")
        socks.append(fast)
        flood_got = []

        def drain_fast():
            while fast.poll(0):
                topic, payload = fast.recv_multipart()
                if topic.startswith(b"health."):
                    d = json.loads(payload)["data"]
                    health[d["daemon"]] = d
                elif topic == b"faulttest.flood":
                    flood_got.append(json.loads(payload)["seq"])

        def counters(name):
            drain_fast()
            return health.get(name, {}).get("counters", {})

        def detector_input(name):
            c = counters(name)
            return sum(v for k, v in c.items() if k.startswith(("ticks", "bars", "messages_in")))

        wait_for(lambda: detector_input("elite_guard") > 0 and detector_input("pattern_detector") > 0, 90,
                 "the detectors receiving the replayed prices", interval=0.2)
        bus_pid = fleet.app("event_bus")["pid"]

        # The slow subscriber: connects, subscribes to everything, never reads.
        slow = ctx.socket(zmq.SUB)
        slow.setsockopt(zmq.RCVHWM, 10)
        slow.setsockopt(zmq.RCVBUF, 4096)
        slow.connect(fleet.endpoint(5570))
        slow.setsockopt_string(zmq.SUBSCRIBE, "")
        socks.append(slow)
        pub = ctx.socket(zmq.PUB)
        pub.setsockopt(zmq.SNDHWM, 0)  # nothing is lost before the bus: every loss below is the bus's
        pub.connect(fleet.endpoint(5571))
        socks.append(pub)

        # Both subscriptions reach the bus: probes until the fast one sees one (the slow one subscribed first).
        def probe():
            pub.send_multipart([b"faulttest.probe", b"{}"])
            return fast.poll(100) and any(fast.recv_multipart()[0] == b"faulttest.probe" for _ in [0])
        wait_for(probe, 20, "the bus to forward to a new subscriber")
        rss_before = rss_kb(bus_pid)
        dropped_before = counters("event_bus").get("subscriber_hwm_drops", 0)
        eg_before, pd_before = detector_input("elite_guard"), detector_input("pattern_detector")
        t0 = time.monotonic()
        sent = 0
        while sent < FLOOD:
            for _ in range(200):
                pub.send_multipart([b"faulttest.flood", json.dumps(
                    {"type": "faulttest", "v": 1, "src": "faulttest", "seq": sent, "ts": 0, "pad": PAYLOAD_PAD}).encode()])
                sent += 1
            # Pace on the fast subscriber so that it never falls BUS_HWM behind: it must get everything.
            deadline = time.monotonic() + 30
            while len(flood_got) < sent - BUS_HWM // 4 and time.monotonic() < deadline:
                if fast.poll(100):
                    drain_fast()
        wait_for(lambda: (drain_fast(), len(flood_got) >= FLOOD)[1], 60, "the fast subscriber to get the whole flood")
        print(f"flooded {FLOOD} events of ~1 KB in {time.monotonic() - t0:.1f}s")
        assert flood_got == list(range(FLOOD)), "the fast subscriber lost or reordered events"
        rss_after = rss_kb(bus_pid)

        # The others are still served while the slow subscriber is stuck.
        base = f"http://127.0.0.1:{fleet.port(8888)}"
        def webapp_sees_fresh_heartbeats():
            # /healthz is 503 here because this fleet runs only part of the daemons; each one it runs must be fresh.
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=5) as r:
                    body = json.loads(r.read())
            except urllib.error.HTTPError as e:
                body = json.loads(e.read())
            daemons = body["daemons"]
            if isinstance(daemons, list):
                daemons = {d.get("daemon", d.get("name")): d for d in daemons}
            return all(daemons.get(n, {}).get("status") in ("ok", "degraded") for n in APPS if n != "ea_sim")
        wait_for(webapp_sees_fresh_heartbeats, 30,
                 "the webapp seeing fresh heartbeats of every daemon (they reach it through the bus)", interval=0.5)
        wait_for(lambda: detector_input("elite_guard") > eg_before and detector_input("pattern_detector") > pd_before,
                 30, "the detectors still receiving prices", interval=0.2)

        dropped = wait_for(lambda: (counters("event_bus").get("subscriber_hwm_drops", 0) - dropped_before) or None, 20,
                           "the bus to count what the slow subscriber lost", interval=0.2)

        # The slow subscriber reads now: the oldest flood events up to its queue, then a gap in seq.
        slow_seqs = []
        while slow.poll(500):
            topic, payload = slow.recv_multipart()
            if topic == b"faulttest.flood":
                slow_seqs.append(json.loads(payload)["seq"])
        lost = FLOOD - len(slow_seqs)
        print(f"slow subscriber: got {len(slow_seqs)} of {FLOOD} (lost {lost}: seq {len(slow_seqs)}..{FLOOD - 1}); "
              f"bus subscriber_hwm_drops +{dropped}; event_bus RSS {rss_before} -> {rss_after} kB")
        assert lost > FLOOD // 2, "the slow subscriber should have lost most of the flood"
        assert slow_seqs == sorted(slow_seqs), "the slow subscriber's events are out of order"
        # Drop-newest: it kept the oldest events, without a hole, and lost everything after its queue.
        assert slow_seqs == list(range(len(slow_seqs))), "the slow subscriber's kept events have holes"
        assert dropped >= 1, "the bus did not count the slow subscriber's drop episode"
        # Bounded: the flood was ~60 MB; the bus may hold about BUS_HWM events per subscriber.
        assert rss_after - rss_before < 40 * 1024, f"event_bus RSS grew {rss_after - rss_before} kB"
        log = fleet.log("event_bus")
        assert "a slow subscriber reached its high-water mark" in log, log[-2000:]
        assert fleet.app("event_bus")["pid"] == bus_pid, "the bus restarted"


if __name__ == "__main__":
    main()
