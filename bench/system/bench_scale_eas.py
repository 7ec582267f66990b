#!/usr/bin/env python3
"""How many EAs the real fleet holds connected and heartbeating at once (private PM2: event_bus,
telemetry_bridge, command_router).

Each simulated EA is what a v2.05 terminal opens: a DEALER on 5555 (identity = its UUID) that says
HELLO and then HEARTBEAT, and a PUSH on 5556 that sends a handshake and then telemetry heartbeats
(every --period s, wall-clock timestamps: the bridge detects the broker offset and checks the clock
as for a real terminal). Worker processes of up to 1,000 EAs each (every EA has its own two TCP
connections). The count steps up (--steps); a step passes when the bridge's `eas_online` gauge and
the router's `eas_live` gauge both reach it within --step-timeout s and stay there for --hold s.

  bench_scale_eas.py [--steps 500,1000,2000,5000] [--step-timeout 90] [--hold 5] [--timeout S]
Prints `RESULT scale_eas max_eas=.. steps=n:seconds,...`.
"""
import argparse
import subprocess
import sys
import time

from common import (Fleet, Health, TimeBound, ea_dealer_heartbeat, ea_handshake, ea_heartbeat, ea_hello, log,
                    raise_nofile, result, spawn, stop_children, time_bound, zmq)

APPS = ["event_bus", "telemetry_bridge", "command_router"]
PER_WORKER = 1000


def worker(ep_router, ep_telemetry, first, count, period):
    raise_nofile()
    ctx = zmq.Context()
    ctx.MAX_SOCKETS = 4 * count + 64
    eas = []
    for i in range(first, first + count):
        uuid = f"SCALE_EA_{i:06d}"
        login = 8000000 + i
        d = ctx.socket(zmq.DEALER)
        d.setsockopt(zmq.IDENTITY, uuid.encode())
        d.setsockopt(zmq.LINGER, 0)
        d.setsockopt(zmq.RCVHWM, 10)
        d.connect(ep_router)
        p = ctx.socket(zmq.PUSH)
        p.setsockopt(zmq.LINGER, 0)
        p.connect(ep_telemetry)
        now = int(time.time())
        d.send(ea_hello(uuid, login, now))
        p.send(ea_handshake(uuid, login, now))
        eas.append((uuid, login, d, p))
    print(f"UP {count}", flush=True)
    beat = 0
    while True:
        time.sleep(period)
        beat += 1
        now = int(time.time())
        for uuid, login, d, p in eas:
            try:
                d.send(ea_dealer_heartbeat(uuid, login, now, beat), zmq.NOBLOCK)
                p.send(ea_heartbeat(uuid, login, now, beat), zmq.NOBLOCK)
            except zmq.Again:
                pass
            try:
                while True:
                    d.recv(zmq.NOBLOCK)  # whatever the router says back is read and dropped
            except zmq.Again:
                pass


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", default="500,1000,2000,5000")
    ap.add_argument("--step-timeout", type=float, default=90)
    ap.add_argument("--hold", type=float, default=5)
    ap.add_argument("--period", type=float, default=5, help="heartbeat period per EA (s)")
    ap.add_argument("--timeout", type=int, default=600)
    a = ap.parse_args()
    time_bound(a.timeout, "bench_scale_eas")
    steps = [int(s) for s in a.steps.split(",")]
    ctx = zmq.Context()
    procs = []
    passed = []
    fleet = Fleet(apps=APPS, overrides={"telemetry_bridge": {"log_level": "warn"}, "command_router": {"log_level": "warn"}})
    try:
        with fleet:
            fleet.wait_online(APPS, timeout=30)
            health = Health(ctx, fleet)
            health.wait("command_router", lambda d: True, 20, "router health")
            running = 0
            for step in steps:
                t0 = time.monotonic()
                while running < step:
                    n = min(PER_WORKER, step - running)
                    procs.append(spawn([__file__, "worker", fleet.endpoint(5555), fleet.endpoint(5556), str(running),
                                        str(n), str(a.period)], stdout=subprocess.PIPE, text=True))
                    running += n
                try:
                    def reached(_):
                        b = health.latest.get("telemetry_bridge", {}).get("gauges", {}).get("eas_online", 0)
                        r = health.latest.get("command_router", {}).get("gauges", {}).get("eas_live", 0)
                        return b >= step and r >= step
                    health.wait("command_router", reached, a.step_timeout, f"{step} EAs online")
                    took = time.monotonic() - t0
                    time.sleep(a.hold)
                    health.pump(200)
                    b = health.latest["telemetry_bridge"]["gauges"].get("eas_online", 0)
                    r = health.latest["command_router"]["gauges"].get("eas_live", 0)
                    dropped = health.latest["telemetry_bridge"]["counters"].get("dropped", 0)
                    ok = b >= step and r >= step
                    print(f"{step:6d} EAs: online in {took:5.1f} s; after {a.hold:.0f} s hold bridge eas_online={b:.0f} "
                          f"router eas_live={r:.0f} bridge dropped={dropped} -> {'ok' if ok else 'FAILED'}", flush=True)
                    if not ok:
                        break
                    passed.append((step, took))
                except AssertionError as e:
                    b = health.latest.get("telemetry_bridge", {}).get("gauges", {}).get("eas_online", 0)
                    r = health.latest.get("command_router", {}).get("gauges", {}).get("eas_live", 0)
                    print(f"{step:6d} EAs: not reached in {a.step_timeout:.0f} s (bridge {b:.0f}, router {r:.0f})", flush=True)
                    break
            health.close()
    except TimeBound as e:
        log(str(e))
    finally:
        stop_children(procs)
        fleet.stop()
        ctx.destroy(linger=0)
    result("scale_eas", max_eas=passed[-1][0] if passed else 0,
           steps=",".join(f"{s}:{t:.1f}s" for s, t in passed) or "none", tried=a.steps)
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "worker":
        worker(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), float(sys.argv[6]))
    else:
        sys.exit(main())
