#!/usr/bin/env python3
"""Backtester parity with the live fleet. The EA simulator replays real files as a v2.05 EA into the
real daemons under PM2 (event_bus, telemetry_bridge, elite_guard, pattern_detector, on private ports);
this test binds the PULL on 5559 that ml_filter would, so it receives every candidate the two detector
daemons publish. `bitten-backtest --as-ea` then replays the same ea_sim.json with the same config folder,
as the fleet receives it but without sockets (the simulated EA's messages through the bridge's and the
detectors' logic). The two must be the same signals: the same ids, in the same number, with the same
direction, bar time, entry, SL and TP. For information the test also prints how the plain file backtest
(every source quote at full precision) compares: the EA rounds prices to the symbol's digits and sends
at most one TICK per symbol per second, so stops and targets can differ by a point or two.

Set 1 (shipped excerpts, always): the demo's feeds, 2014-05-08 12:00-14:00 UTC (EURUSD Oanda ticks,
XAUUSD and NZDUSD Oanda M1 bid/ask), detectors on M1 with the cooldown and hourly cap off so that
every detection is compared.
Set 2 (only with ../shared/data/real): two weeks of XAUUSD (Oanda) and NZDUSD (FXCM) M1 bid/ask,
detectors on M5 with the default config, as the demo runs them.

The comparison is only valid if nothing was dropped on the way, so the test also requires the
simulator's would-block count and the detectors' sequence gaps to be zero, and every message the
bridge published to have been read by both detectors."""
import csv
import json
import os
import pathlib
import re
import subprocess
import sys
import tempfile
import time

import zmq

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from fleet import ROOT, Fleet, wait_for  # noqa: E402

# command_router takes the simulated EA's HELLO and HEARTBEAT on 5555, as in the fleet.
APPS = ["event_bus", "telemetry_bridge", "command_router", "elite_guard", "pattern_detector"]
DETECTORS = ["elite_guard", "pattern_detector"]
SHARED = pathlib.Path(os.environ.get("BITTEN_SHARED_DATA", ROOT.parent / "shared" / "data" / "real"))

# (ea_sim format, backtester format, symbol, path)
EXCERPTS = [
    ("lean_ticks", "lean-ticks", "EURUSD", ROOT / "tests/data/ticks/EURUSD_oanda_ticks_2014-05-08_12-14utc.csv"),
    ("lean_m1", "lean-m1", "XAUUSD", ROOT / "tests/data/replay/XAUUSD_oanda_M1_bidask_2014-05-08_12-14utc.csv"),
    ("lean_m1", "lean-m1", "NZDUSD", ROOT / "tests/data/replay/NZDUSD_oanda_M1_bidask_2014-05-08_12-14utc.csv"),
]
# Both 2014-05-01..15 (the EURUSD M1 sets also hold days of 2018, years of replay away).
TWO_WEEKS = [
    ("lean_m1", "lean-m1", "XAUUSD", SHARED / "lean/normalized/XAUUSD_oanda_M1_bidask_utc.csv"),
    ("lean_m1", "lean-m1", "NZDUSD", SHARED / "lean/normalized/NZDUSD_fxcm_M1_bidask_utc.csv"),
]


def backtester():
    return pathlib.Path(os.environ.get("BITTEN_BIN_DIR", ROOT / "build" / "bin")) / "bitten-backtest"


def read_signals(path):
    found = {}
    with open(path) as f:
        for row in csv.DictReader(f):
            assert row["signal_id"] not in found, f"backtester id twice: {row['signal_id']}"
            found[row["signal_id"]] = row
    return found


def backtest_as_ea(config_dir, timeframe, out_dir):
    """Signals of bitten-backtest --as-ea on the fleet's own config folder: {id: row}."""
    out = pathlib.Path(out_dir) / "as_ea.csv"
    r = subprocess.run([str(backtester()), "--as-ea", "--config-dir", str(config_dir), "--timeframe", timeframe,
                        "--signals-out", str(out)], check=True, stdout=subprocess.PIPE, text=True, timeout=600)
    print("  " + r.stdout.splitlines()[0])
    return read_signals(out)


def backtest_files(config_dir, feeds, timeframe, out_dir):
    """Signals of the plain file backtest on the same files: {id: row} (for information)."""
    found = {}
    for _, fmt, symbol, path in feeds:
        out = pathlib.Path(out_dir) / f"bt_{symbol}.csv"
        subprocess.run([str(backtester()), "--config-dir", str(config_dir), "--format", fmt, "--file", str(path),
                        "--symbol", symbol, "--timeframe", timeframe, "--quiet", "--signals-out", str(out)],
                       check=True, stdout=subprocess.DEVNULL, timeout=600)
        found.update(read_signals(out))
    return found


def iso(ns):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ns // 1_000_000_000))


def run_set(name, feeds, timeframe, speed, throttle_off):
    overrides = {
        "elite_guard": {"timeframe": timeframe},
        "pattern_detector": {"timeframe": timeframe},
        "ea_sim": {"feeds": [{"symbol": s, "format": f, "path": str(p)} for f, _, s, p in feeds],
                   "speed": speed, "loop": False, "shift_to_now": False, "warmup_s": 0, "eas": 1,
                   "stats_interval_s": 1},
    }
    if throttle_off:
        patterns = json.loads((ROOT / "config" / "patterns.json").read_text())
        patterns["throttle"] = {"cooldown_s": 0, "hourly_cap": 100000}
        overrides["patterns"] = {"throttle": patterns["throttle"]}
    ctx = zmq.Context()
    live = {}
    sim = None
    try:
        with Fleet(apps=APPS, overrides=overrides) as fleet:
            pull = ctx.socket(zmq.PULL)
            pull.setsockopt(zmq.RCVHWM, 0)
            pull.setsockopt(zmq.LINGER, 0)
            pull.bind(fleet.endpoint(5559))
            bus = ctx.socket(zmq.SUB)
            bus.setsockopt(zmq.LINGER, 0)
            bus.connect(fleet.endpoint(5570))
            bus.setsockopt_string(zmq.SUBSCRIBE, "health.")
            fleet.wait_online(APPS, timeout=30)
            health = {}

            def pending(sock):
                """The data of every envelope waiting on sock."""
                while True:
                    try:
                        yield json.loads(sock.recv_multipart(zmq.NOBLOCK)[-1])["data"]
                    except zmq.Again:
                        return

            def drain():
                for d in pending(pull):
                    assert d["signal_id"] not in live, f"live id twice: {d['signal_id']}"
                    live[d["signal_id"]] = d
                for d in pending(bus):
                    health[d["daemon"]] = d["counters"]

            # Every daemon up and publishing health (their sockets connected at start) before the
            # simulator's first tick; a message a detector missed would fail caught_up below.
            wait_for(lambda: (drain(), all(a in health for a in APPS))[1], 30, "health from every daemon")
            sim_log = open(fleet.dir / "ea_sim.log", "w")
            t0 = time.monotonic()
            sim = subprocess.Popen([str(fleet.bin_dir / "ea_sim"), "--config", str(fleet.config_dir / "ea_sim.json"),
                                    "--no-loop"], cwd=ROOT, stdout=sim_log, stderr=subprocess.STDOUT)

            def sim_done():
                drain()
                return sim.poll() is not None
            try:
                wait_for(sim_done, 600, f"the simulator to replay {name}")
            except AssertionError:
                print((fleet.dir / "ea_sim.log").read_text()[-3000:])
                raise
            sim_log.close()
            assert sim.returncode == 0, f"ea_sim exited {sim.returncode}: {(fleet.dir / 'ea_sim.log').read_text()[-2000:]}"
            replay_s = time.monotonic() - t0

            def caught_up():
                drain()
                b = health.get("telemetry_bridge", {})
                published = b.get("ticks_out", 0) + b.get("bars_out", 0)
                # Everything published was read by both detectors, and every candidate they counted
                # has arrived here.
                return published > 0 and all(
                    health.get(d, {}).get("ticks_in", 0) + health.get(d, {}).get("bars_in", 0) == published
                    for d in DETECTORS) and sum(health[d].get("signals_out", 0) for d in DETECTORS) == len(live)
            wait_for(caught_up, 60, "both detectors to have read everything the bridge published")
            log = (fleet.dir / "ea_sim.log").read_text()
            blocked = [int(x) for x in re.findall(r"(\d+) would-block", log)]
            bridge = health["telemetry_bridge"]
            print(f"{name}: replayed in {replay_s:.1f} s; bridge ticks_out {bridge.get('ticks_out')}, bars_out "
                  f"{bridge.get('bars_out')}, dropped {bridge.get('dropped', 0)}; simulator would-block "
                  f"{blocked[-1] if blocked else 'n/a'}")
            assert blocked and blocked[-1] == 0, "the simulator dropped sends (would-block): the comparison is void"
            for d in DETECTORS:
                c = health[d]
                print(f"  {d}: ticks_in {c.get('ticks_in')}, bars_in {c.get('bars_in')}, bars_closed "
                      f"{c.get('bars_closed')}, signals_out {c.get('signals_out')}, seq gaps {c.get('dropped_seq_gap', 0)}")
                assert c.get("dropped_seq_gap", 0) == 0, f"{d} missed messages: the comparison is void"
            pull.close()
            bus.close()
            with tempfile.TemporaryDirectory(prefix="bitten-parity-") as tmp:
                expected = backtest_as_ea(fleet.config_dir, timeframe, tmp)
                plain = backtest_files(fleet.config_dir, feeds, timeframe, tmp)
    finally:
        if sim is not None and sim.poll() is None:
            sim.kill()
            sim.wait()
        ctx.destroy(linger=0)

    print(f"  live {len(live)} signals, backtester {len(expected)}")
    only_live = sorted(set(live) - set(expected))
    only_bt = sorted(set(expected) - set(live))
    for i in only_live:
        d = live[i]
        print(f"  only live: {i} {d['symbol']} {d['pattern']} {d['direction']} bar {iso(d['bar_time_ns'])}")
    for i in only_bt:
        r = expected[i]
        print(f"  only backtester: {i} {r['symbol']} {r['pattern']} {r['direction']} bar {r['bar_time_utc']}")
    assert not only_live and not only_bt, f"{name}: the signal sets differ"
    mismatched = 0
    for i, d in live.items():
        r = expected[i]
        same = (d["symbol"] == r["symbol"] and d["pattern"] == r["pattern"] and d["direction"] == r["direction"]
                and iso(d["bar_time_ns"]) == r["bar_time_utc"]
                and all(abs(d[k] - float(r[k])) <= 1e-9 * max(1.0, abs(d[k])) for k in ("entry", "sl", "tp")))
        if not same:
            mismatched += 1
            print(f"  differs: {i}: live {d['direction']} {d['entry']}/{d['sl']}/{d['tp']} bar {iso(d['bar_time_ns'])}"
                  f" vs backtester {r['direction']} {r['entry']}/{r['sl']}/{r['tp']} bar {r['bar_time_utc']}")
    assert mismatched == 0, f"{name}: {mismatched} signals differ in their prices or times"
    same_ids = set(plain) & set(live)
    same_prices = sum(1 for i in same_ids if all(abs(live[i][k] - float(plain[i][k])) <= 1e-9 * max(1.0, abs(live[i][k]))
                                                 for k in ("entry", "sl", "tp")))
    print(f"  for information, the plain file backtest: {len(plain)} signals, {len(same_ids)} with a live id, "
          f"{same_prices} of them with the same entry, SL and TP")
    patterns = {}
    for d in live.values():
        patterns[d["pattern"]] = patterns.get(d["pattern"], 0) + 1
    print(f"  {name}: {len(live)} signals identical (id, direction, bar time, entry, SL, TP): {patterns}")
    return len(live)


def main():
    n = run_set("set 1 (shipped excerpts, M1, throttle off)", EXCERPTS, "M1", 600, throttle_off=True)
    assert n >= 5, f"too few signals ({n}) for the comparison to mean anything"
    if all(p.exists() for *_, p in TWO_WEEKS):
        n2 = run_set("set 2 (two weeks of XAUUSD and NZDUSD M1, M5, default config)", TWO_WEEKS, "M5", 20000,
                     throttle_off=False)
        assert n2 >= 50, f"too few signals ({n2}) on two weeks of data"
    else:
        print(f"set 2 skipped: {SHARED} (../shared/data/real) is not here; the shipped excerpts were compared")
    print("e2e parity: 1 passed, 0 failed")


if __name__ == "__main__":
    main()
