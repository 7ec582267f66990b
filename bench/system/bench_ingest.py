#!/usr/bin/env python3
"""Tick ingest into the real telemetry_bridge (private PM2 fleet: event_bus + telemetry_bridge),
next to a raw ZeroMQ PULL->PUB relay (libzmq's zmq_proxy, no parsing) measured in the same run with
the same generator and the same bytes.

The generator (its own process) pushes N EA v2.05 TICK messages (real EURUSD quotes from
tests/data/ticks, one second of event time apart, UUID SIM_BENCH_0001 so the bridge treats them as
a replay and skips its wall-clock check) to 5556 as fast as a blocking PUSH allows; a SUB on the
relay's output counts what comes out. Both relays' PUB high-water mark is raised so the only loss
would be a real one; loss = sent - received, plus the bridge's drop counters from its health.

  bench_ingest.py [--count N] [--rounds R] [--timeout S]
Prints `RESULT ingest bridge_tps=.. raw_tps=.. ratio=.. lost=.. bridge_dropped=..`.
"""
import argparse
import os
import select
import subprocess
import sys
import time

from common import ROOT, _die_with_parent, Fleet, Health, TimeBound, ea_tick, log, real_quotes, result, spawn, stop_children, time_bound, zmq

UUID = "SIM_BENCH_0001"
BASE = 1399550400  # 2014-05-08 12:00:00 UTC (replay: any event time is accepted, in order)
HWM = 10_000_000


def messages(count, base):
    _, quotes = real_quotes(prefer_large=False)
    return [ea_tick("EURUSD", q[1], q[2], base + i, UUID) for i, q in
            ((i, quotes[i % len(quotes)]) for i in range(count))]


def child_sender(endpoint, count, base):
    """Builds the messages, says READY, waits for GO on stdin, pushes them all, prints the time."""
    msgs = messages(count, base)
    ctx = zmq.Context()
    push = ctx.socket(zmq.PUSH)
    push.setsockopt(zmq.LINGER, -1)
    push.connect(endpoint)
    print("READY", flush=True)
    sys.stdin.readline()
    t0 = time.perf_counter()
    send = push.send
    for m in msgs:
        send(m)
    dt = time.perf_counter() - t0
    print(f"SENT {count} {dt:.6f}", flush=True)
    push.close()  # linger -1: everything is handed over before exit
    ctx.term()


def child_relay(pull_ep, pub_ep):
    """The raw relay: zmq_proxy(PULL, PUB) in C, nothing parsed."""
    ctx = zmq.Context()
    pull = ctx.socket(zmq.PULL)
    pull.setsockopt(zmq.RCVHWM, 100000)
    pull.bind(pull_ep)
    pub = ctx.socket(zmq.PUB)
    pub.setsockopt(zmq.SNDHWM, HWM)
    pub.bind(pub_ep)
    print("READY", flush=True)
    zmq.proxy(pull, pub)


def find_counter():
    """The C++ subscriber-side counter (bench/system/sysbench_counter.cpp), else None."""
    cands = [os.environ.get("BITTEN_SYSBENCH_COUNTER", ""), os.path.join(os.environ.get("BITTEN_BIN_DIR", ""), "sysbench_counter"),
             str(ROOT / "build" / "bin" / "sysbench_counter"), str(ROOT / "build-sysbench" / "bin" / "sysbench_counter")]
    for c in cands:
        if c and os.path.isfile(c) and os.access(c, os.X_OK):
            return c
    return None


def _readline(proc, timeout):
    r, _, _ = select.select([proc.stdout], [], [], timeout)
    return proc.stdout.readline().strip() if r else ""


def measure(ctx, pull_ep, pub_ep, count, base, probe, counter):
    """One pass through a relay: returns (received, rate at the subscriber, sender rate)."""
    procs = []
    try:
        if counter:
            cnt = subprocess.Popen([counter, pub_ep, str(count), "3000"], stdout=subprocess.PIPE, text=True,
                                   preexec_fn=_die_with_parent)
            procs.append(cnt)
        else:
            sub = ctx.socket(zmq.SUB)
            sub.setsockopt(zmq.RCVHWM, 0)
            sub.setsockopt(zmq.LINGER, 0)
            sub.connect(pub_ep)
            sub.setsockopt(zmq.SUBSCRIBE, b"")
        # Wait for the subscription to take: probes (another symbol, so the bridge's per-symbol
        # ordering of the measured ticks is untouched) until one comes out.
        ppush = ctx.socket(zmq.PUSH)
        ppush.setsockopt(zmq.LINGER, 0)
        ppush.connect(pull_ep)
        deadline = time.monotonic() + 20
        joined = False
        while not joined and time.monotonic() < deadline:
            ppush.send(probe())
            joined = _readline(cnt, 0.05) == "JOINED" if counter else bool(sub.poll(50))
        if not joined:
            raise RuntimeError(f"no probe came out of {pub_ep}")
        if counter:
            if _readline(cnt, 5) != "ARMED":
                raise RuntimeError("counter did not arm")
        else:
            time.sleep(0.2)
            while sub.poll(0):
                sub.recv_multipart()
        ppush.close()

        snd = spawn([__file__, "sender", pull_ep, str(count), str(base)], stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE, text=True)
        procs.append(snd)
        if _readline(snd, 60) != "READY":
            raise RuntimeError("sender did not start")
        snd.stdin.write("GO\n")
        snd.stdin.flush()
        n = 0
        first = last = 0.0
        if counter:
            line = _readline(cnt, 120).split()
            if len(line) != 4 or line[0] != "COUNT":
                raise RuntimeError(f"counter said {line}")
            n, first, last = int(line[1]), int(line[2]) / 1e9, int(line[3]) / 1e9
        else:
            recv = sub.recv
            idle_deadline = time.monotonic() + 10
            while n < count:
                if not sub.poll(200):
                    if time.monotonic() > idle_deadline:
                        break
                    continue
                try:  # drain without polling between frames; count messages, not frames
                    while True:
                        recv(zmq.NOBLOCK)
                        if not sub.getsockopt(zmq.RCVMORE):
                            n += 1
                            if n == 1:
                                first = time.perf_counter()
                            if n >= count:
                                break
                except zmq.Again:
                    pass
                last = time.perf_counter()
                idle_deadline = time.monotonic() + 3
            sub.close()
        line = _readline(snd, 30).split()
        snd.wait(10)
        sent_rate = int(line[1]) / float(line[2]) if len(line) == 3 else float("nan")
    finally:
        stop_children(procs)
    rate = (n - 1) / (last - first) if n > 1 and last > first else 0.0
    return n, rate, sent_rate


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=200000)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--timeout", type=int, default=300)
    ap.add_argument("--python-counter", action="store_true", help="count in python even if sysbench_counter is built")
    a = ap.parse_args()
    time_bound(a.timeout, "bench_ingest")
    ctx = zmq.Context()
    procs = []
    counter = None if a.python_counter else find_counter()
    log(f"subscriber-side counter: {counter or 'python (pyzmq)'}")
    probe_n = [0]

    def probe():
        probe_n[0] += 1
        k = probe_n[0] % 1000
        return ea_tick("GBPUSD", 1.3 + k * 1e-5, 1.30012 + k * 1e-5, BASE + probe_n[0], UUID)

    apps = ["event_bus", "telemetry_bridge"]
    fleet = Fleet(apps=apps, overrides={"telemetry_bridge": {"pub_sndhwm": HWM, "log_level": "warn"}})
    try:
        with fleet:
            fleet.wait_online(apps, timeout=30)
            health = Health(ctx, fleet)
            health.wait("telemetry_bridge", lambda d: True, 20, "bridge health")
            raw_in = f"tcp://127.0.0.1:{fleet.port(5572)}"  # beside the fleet's ports, same loopback
            raw_out = f"tcp://127.0.0.1:{fleet.port(5573)}"
            relay = spawn([__file__, "relay", raw_in, raw_out], stdout=subprocess.PIPE, text=True)
            procs.append(relay)
            if relay.stdout.readline().strip() != "READY":
                raise RuntimeError("raw relay did not start")
            rows = {"raw": [], "bridge": []}
            base = BASE
            for r in range(a.rounds):
                # Each round the bridge sees event times it has not seen (its per-symbol order).
                for name, (i, o) in (("raw", (raw_in, raw_out)), ("bridge", (fleet.endpoint(5556), fleet.endpoint(5560)))):
                    n, rate, srate = measure(ctx, i, o, a.count, base, probe, counter)
                    rows[name].append((rate, a.count - n, srate))
                    log(f"round {r + 1} {name:6s}: received {n}/{a.count}  {rate:,.0f} ticks/s at the subscriber "
                        f"(sender {srate:,.0f}/s)")
                base += a.count + 10
            d = health.wait("telemetry_bridge",
                            lambda d: d["counters"].get("ticks_out", 0) >= a.rounds * a.count, 15, "bridge counters")
            c = d["counters"]
            drops = {k: v for k, v in c.items() if k.startswith("drop_") and v}
            log(f"bridge counters: messages_in={c.get('messages_in')} ticks_out={c.get('ticks_out')} "
                f"dropped={c.get('dropped', 0)} publish_failed={c.get('publish_failed', 0)} {drops}")
            best = {k: max(v) for k, v in rows.items()}
            lost = {k: sum(x[1] for x in v) for k, v in rows.items()}
            print(f"{'relay':28s} {'ticks/s (best of ' + str(a.rounds) + ')':>22s} {'lost':>6s}")
            print(f"{'raw PULL->PUB (zmq_proxy)':28s} {best['raw'][0]:22,.0f} {lost['raw']:6d}")
            print(f"{'telemetry_bridge (PM2)':28s} {best['bridge'][0]:22,.0f} {lost['bridge']:6d}")
            ratio = best["bridge"][0] / best["raw"][0] if best["raw"][0] else 0
            print(f"bridge/raw ratio {ratio:.2f}; bridge dropped {c.get('dropped', 0)}")
            result("ingest", bridge_tps=f"{best['bridge'][0]:.0f}", raw_tps=f"{best['raw'][0]:.0f}", ratio=f"{ratio:.2f}",
                   lost=lost["bridge"] + lost["raw"], bridge_dropped=c.get("dropped", 0) + c.get("publish_failed", 0),
                   count=a.count, rounds=a.rounds, counter="cpp" if counter else "python")
            health.close()
    except TimeBound as e:
        log(str(e))
        result("ingest", error="timeout")
        return 1
    finally:
        stop_children(procs)
        fleet.stop()
        ctx.destroy(linger=0)
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "sender":
        child_sender(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    elif len(sys.argv) > 1 and sys.argv[1] == "relay":
        child_relay(sys.argv[2], sys.argv[3])
    else:
        sys.exit(main())
