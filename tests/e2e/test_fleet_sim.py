#!/usr/bin/env python3
"""The EA simulator feeding the fleet under real PM2: real ECB-day prices replayed as a v2.05 EA
reach 5560 as ticks and M1 bars for every replayed symbol, in event-time order, with the
simulator's handshake on the bus, and the bridge refuses nothing it sends."""
import json
import pathlib
import sys
import time

import zmq

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from fleet import Fleet, wait_for  # noqa: E402

APPS = ["event_bus", "telemetry_bridge", "ea_sim"]
SYMBOLS = {"EURUSD", "XAUUSD", "NZDUSD"}


def main():
    ctx = zmq.Context()
    with Fleet(apps=APPS) as fleet:
        fleet.wait_online(APPS, timeout=30)
        sub = ctx.socket(zmq.SUB)
        sub.setsockopt(zmq.RCVHWM, 0)
        sub.connect(fleet.endpoint(5560))
        for t in ("tick.", "bar.", "ea."):
            sub.setsockopt_string(zmq.SUBSCRIBE, t)
        bus = ctx.socket(zmq.SUB)
        bus.connect(fleet.endpoint(5570))
        bus.setsockopt_string(zmq.SUBSCRIBE, "health.telemetry_bridge")

        ticks, bars, last_time, kinds = {}, {}, {}, set()

        def drain():
            while sub.poll(50):
                topic, payload = sub.recv_multipart()
                env = json.loads(payload)
                d = env["data"]
                t = topic.decode()
                if t.startswith("tick."):
                    assert d["uuid"].startswith("SIM_"), d
                    sym = d["symbol"]
                    assert d["time_ns"] >= last_time.get(sym, 0), "ticks out of event-time order"
                    assert 0 < d["bid"] <= d["ask"]
                    last_time[sym] = d["time_ns"]
                    ticks[sym] = ticks.get(sym, 0) + 1
                elif t.startswith("bar."):
                    assert d["source"] == "ea" and d["timeframe"] == "M1"
                    assert d["low"] <= min(d["open"], d["close"]) <= max(d["open"], d["close"]) <= d["high"]
                    bars[d["symbol"]] = bars.get(d["symbol"], 0) + 1
                else:
                    kinds.add(d["kind"])
            return SYMBOLS <= set(ticks) and all(ticks[s] >= 20 for s in SYMBOLS) and SYMBOLS <= set(bars)

        # At x60 a minute of prices passes every second: bars arrive within seconds.
        wait_for(drain, 60, "ticks and M1 bars of every replayed symbol from the simulator")
        print(f"ticks per symbol: {ticks}; bars: {bars}; ea events: {sorted(kinds)}")

        def bridge_clean():
            while bus.poll(100):
                _, payload = bus.recv_multipart()
                c = json.loads(payload)["data"]["counters"]
                if c.get("ticks_out", 0) > 0:
                    return c
            return None
        counters = wait_for(bridge_clean, 10, "bridge health")
        assert counters.get("dropped", 0) == 0, f"the bridge refused simulator traffic: {counters}"
    sub.close(); bus.close(); ctx.term()
    print("e2e fleet sim: 1 passed, 0 failed")


if __name__ == "__main__":
    main()
