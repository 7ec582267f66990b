#!/usr/bin/env python3
"""Memory of the idle fleet: every daemon under a private PM2 (no EA simulator, no EA at all, the
one-shot ml_trainer left out), idle for --idle s after all are online and publishing health; then
VmRSS of each (/proc/<pid>/status, pids from `pm2 jlist`) and the total.

  bench_idle_memory.py [--idle 20] [--timeout S]
Prints `RESULT idle_memory total_mib=.. max_daemon=name:mib`.
"""
import argparse
import sys
import time

from common import Fleet, Health, TimeBound, log, result, time_bound, zmq

DAEMONS = ["event_bus", "telemetry_bridge", "ml_filter", "command_router", "confirm_listener", "elite_guard",
           "pattern_detector", "signal_relay", "outcome_tracker", "webapp"]


def vm(pid, key):
    try:
        for line in open(f"/proc/{pid}/status"):
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--idle", type=float, default=20)
    ap.add_argument("--timeout", type=int, default=180)
    a = ap.parse_args()
    time_bound(a.timeout, "bench_idle_memory")
    ctx = zmq.Context()
    fleet = Fleet(apps=DAEMONS)
    fleet.env["BITTEN_EA_SIM"] = "0"
    try:
        with fleet:
            fleet.wait_online(DAEMONS, timeout=40)
            health = Health(ctx, fleet)
            seen = set()

            def all_healthy():
                seen.update(health.pump(200).keys())
                return seen >= set(DAEMONS)
            from common import wait_for
            wait_for(all_healthy, 30, "health from every daemon")
            time.sleep(a.idle)
            apps = {x["name"]: x for x in fleet.jlist()}
            rows = []
            for n in DAEMONS:
                pid = apps[n]["pid"]
                rows.append((n, pid, vm(pid, "VmRSS"), vm(pid, "VmHWM"), apps[n]["pm2_env"]["restart_time"]))
            total = sum(r[2] for r in rows)
            print(f"{'daemon':20s} {'VmRSS MiB':>10s} {'VmHWM MiB':>10s} {'restarts':>9s}")
            for n, _pid, rss, hwm, rs in rows:
                print(f"{n:20s} {rss / 1024:10.1f} {hwm / 1024:10.1f} {rs:9d}")
            print(f"{'total':20s} {total / 1024:10.1f}   (after {a.idle:.0f} s idle, no EA)")
            big = max(rows, key=lambda r: r[2])
            health.close()
            result("idle_memory", total_mib=f"{total / 1024:.1f}", max_daemon=f"{big[0]}:{big[2] / 1024:.1f}",
                   daemons=len(rows))
    except TimeBound as e:
        log(str(e))
        result("idle_memory", error="timeout")
        return 1
    finally:
        fleet.stop()
        ctx.destroy(linger=0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
