#!/usr/bin/env python3
"""Fire path benchmark against the real fleet under a private PM2 (loopback only).

Starts event_bus, telemetry_bridge, command_router, confirm_listener and webapp (tests/e2e/fleet.py:
own PM2 home, own ports, everything stopped on every exit path), seeds 100 users with API tokens,
bound EAs and missions (bench_fire seed), then runs bench_fire run: 1,000 POST /api/fire from 100
users open-loop at --rate/s, then --sustained fires closed-loop. bench_fire plays the 100 EAs.

Benchmark-only settings (the rules are not under test here, and each is printed): the COMMANDER
tier gets enough slots and trades per day for 30 fires per user, and the per-user fire rate limit
is raised above the open-loop rate.

--floor first runs the same driver against bench_fire_floor (fire_floor.cpp): the same processes,
threads, sockets and transports as the fire path with none of its work, i.e. what this machine's
thread wake-ups and loopback hops alone cost; then the fleet, and prints the fleet/floor ratios.

Usage: run_fire_bench.py [--fires 1000] [--rate 100] [--sustained 2000] [--conns 4] [--users 100]
                         [--ea-threads per-ea|shared] [--perf APP] [--floor]
"""
import argparse
import json
import os
import pathlib
import re
import shutil
import socket
import subprocess
import sqlite3
import sys
import tempfile
import threading
import time
import urllib.request

import zmq

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))
from fleet import Fleet  # noqa: E402

APPS = ["event_bus", "telemetry_bridge", "command_router", "confirm_listener", "webapp"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--fires", type=int, default=1000)
    ap.add_argument("--rate", type=int, default=100)
    ap.add_argument("--sustained", type=int, default=2000)
    ap.add_argument("--conns", type=int, default=4)
    ap.add_argument("--users", type=int, default=100)
    ap.add_argument("--ea-threads", choices=["per-ea", "shared"], default="per-ea",
                    help="each simulated EA on its own thread (as real terminals are), or all on one")
    ap.add_argument("--perf", metavar="APP", help="record a perf profile of APP during the run (perf report --stdio)")
    ap.add_argument("--floor", action="store_true",
                    help="first measure the same hops with no work (bench_fire_floor), then the fleet")
    args = ap.parse_args()
    floor = run_floor(args) if args.floor else None
    rc, fleet_out = run_fleet(args)
    if floor:
        for name in ("fire_to_ea", "fire_to_reply"):
            a, b = percentiles(fleet_out, name), percentiles(floor, name)
            if a and b:
                print(f"fleet/floor {name}: p50 {a['p50'] / b['p50']:.2f}x ({a['p50']:.3f} vs {b['p50']:.3f} ms), "
                      f"p99 {a['p99'] / b['p99']:.2f}x ({a['p99']:.3f} vs {b['p99']:.3f} ms)")
    return rc


def percentiles(out, name):
    m = re.search(rf"^{name} p50_ms=([0-9.]+) p90_ms=([0-9.]+) p99_ms=([0-9.]+)", out, re.M)
    return {"p50": float(m.group(1)), "p90": float(m.group(2)), "p99": float(m.group(3))} if m else None


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_floor(args):
    """The driver against bench_fire_floor's front (HTTP thread + PUSH) and relay (PULL + ROUTER)."""
    bin_dir = pathlib.Path(os.environ.get("BITTEN_BIN_DIR", ROOT / "build" / "bin"))
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="bitten-floor-"))
    procs = []
    try:
        with open(tmp / "tokens.txt", "w") as f:
            for u in range(args.users):
                f.write(f"bench_u{u:03d} floor-token-{u:03d}\n")
            f.write("admin floor-admin\n")
        http_port, router_port, unused = free_port(), free_port(), free_port()
        queue = f"ipc://{tmp}/cmdqueue"
        tool = str(bin_dir / "bench_fire_floor")
        procs.append(subprocess.Popen([tool, "relay", "--pull", queue, "--router", f"tcp://127.0.0.1:{router_port}"]))
        procs.append(subprocess.Popen([tool, "front", "--port", str(http_port), "--push", queue, "--dir", str(tmp)]))
        deadline = time.monotonic() + 30
        while True:  # until the front accepts connections
            try:
                socket.create_connection(("127.0.0.1", http_port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or any(p.poll() is not None for p in procs):
                    raise RuntimeError("bench_fire_floor did not start")
                time.sleep(0.05)
        r = subprocess.run([str(bin_dir / "bench_fire"), "run", "--floor", "1", "--dir", str(tmp),
                            "--trader", f"127.0.0.1:{http_port}", "--admin", f"127.0.0.1:{unused}",
                            "--router", f"tcp://127.0.0.1:{router_port}",
                            "--telemetry", f"tcp://127.0.0.1:{unused}", "--confirm", f"tcp://127.0.0.1:{unused}",
                            "--fires", str(args.fires), "--rate", str(args.rate), "--sustained", str(args.sustained),
                            "--conns", str(args.conns), "--ea-threads", args.ea_threads],
                           capture_output=True, text=True, timeout=600)
        print("floor (the same hops, no work):")
        print(r.stdout, end="")
        print(r.stderr, end="", file=sys.stderr)
        if r.returncode != 0:
            raise RuntimeError(f"floor run failed (exit {r.returncode})")
        return r.stdout
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        shutil.rmtree(tmp, ignore_errors=True)


def run_fleet(args):
    per_user = -(-args.fires // args.users) + -(-args.sustained // args.users)
    risk = json.loads((ROOT / "config" / "risk.json").read_text())
    tiers = risk["tiers"]
    tiers["COMMANDER"].update({"slots": per_user + 10, "max_trades_per_day": per_user + 10})
    overrides = {
        "risk": {"tiers": tiers},
        "webapp": {"fire_rate": {"per_second": max(10, args.rate), "burst": per_user + 10}},
    }
    print(f"benchmark settings: COMMANDER slots/trades per day {per_user + 10}, "
          f"fire_rate {max(10, args.rate)}/s burst {per_user + 10}")
    fleet = Fleet(apps=APPS, overrides=overrides)
    tool = str(fleet.bin_dir / "bench_fire")
    try:
        fleet.state_dir.mkdir(parents=True, exist_ok=True)
        db = fleet.state_dir / "bitten.db"
        subprocess.run([tool, "seed", "--db", str(db), "--dir", str(fleet.dir), "--users", str(args.users),
                        "--missions", str(per_user)], check=True, timeout=120)
        fleet.start()
        fleet.wait_online(APPS, timeout=60)
        trader = f"127.0.0.1:{fleet.port(8888)}"
        admin = f"127.0.0.1:{fleet.port(8899)}"
        def cpu_s(pid):  # utime + stime of a process, seconds
            fields = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        # What the bus carried, to tell a loss on the bus from one in the web app.
        bus_states = {}
        stop_bus = threading.Event()

        def watch_bus():
            ctx = zmq.Context.instance()
            sub = ctx.socket(zmq.SUB)
            sub.setsockopt(zmq.RCVHWM, 1_000_000)
            sub.setsockopt(zmq.LINGER, 0)
            sub.connect(fleet.endpoint(5570))
            sub.setsockopt(zmq.SUBSCRIBE, b"fire.")
            while not stop_bus.is_set():
                if sub.poll(100):
                    frames = sub.recv_multipart()
                    data = json.loads(frames[-1]).get("data", {})
                    if "fire_id" in data:
                        bus_states[data.get("state")] = bus_states.get(data.get("state"), 0) + 1
            sub.close()
        bus_thread = threading.Thread(target=watch_bus, daemon=True)
        bus_thread.start()
        pids = {a: fleet.app(a)["pid"] for a in APPS}
        before = {a: cpu_s(p) for a, p in pids.items()}
        perf = None
        if args.perf:
            perf_data = fleet.dir / "perf.data"
            perf = subprocess.Popen(["perf", "record", "--call-graph", "dwarf,16384", "-F", "499", "-o", str(perf_data), "-p", str(pids[args.perf])],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        r = subprocess.run([tool, "run", "--dir", str(fleet.dir), "--trader", trader, "--admin", admin,
                            "--router", fleet.endpoint(5555), "--telemetry", fleet.endpoint(5556),
                            "--confirm", fleet.endpoint(5558), "--fires", str(args.fires), "--rate", str(args.rate),
                            "--sustained", str(args.sustained), "--conns", str(args.conns),
                            "--ea-threads", args.ea_threads], capture_output=True, text=True, timeout=600)
        print(r.stdout, end="")
        print(r.stderr, end="", file=sys.stderr)
        stop_bus.set()
        bus_thread.join(timeout=5)
        print(f"fire events on the bus: {bus_states}")
        if perf:
            perf.send_signal(2)
            perf.wait(timeout=60)
            rep = subprocess.run(["perf", "report", "--stdio", "--children", "-g", "none", "-i", str(perf_data), "--percent-limit", "1"],
                                 capture_output=True, text=True, timeout=300).stdout
            out = ROOT / "var" / "bench" / f"perf-{args.perf}.txt"
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(rep)
            print(f"perf profile of {args.perf}: {out}")
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10) as c:
            states = dict(c.execute("SELECT state, COUNT(*) FROM fires GROUP BY state").fetchall())
        print(f"fire states in the store: {states}")
        fires = args.fires + args.sustained
        rc = r.returncode
        if states != {"FILLED": fires}:
            print(f"not every fire FILLED in the store (expected {fires})")
            rc = rc or 1
        for a, p in pids.items():
            print(f"cpu {a} ms_per_fire={(cpu_s(p) - before[a]) * 1000 / fires:.3f}")
        metrics = urllib.request.urlopen(f"http://{admin}/metrics", timeout=10).read().decode()
        for line in metrics.splitlines():
            if line.startswith("bitten_ws_messages_dropped_total"):
                print(line)
        return rc, r.stdout
    finally:
        fleet.stop()


if __name__ == "__main__":
    sys.exit(main())
