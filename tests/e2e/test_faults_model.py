#!/usr/bin/env python3
"""A corrupt model at fleet level (docs/learning_loop.md, ml_filter hot reload).

A real model is trained the way production does it (ml_trainer --from-csv) on labelled rows built from the
real M1 bid/ask bars in tests/data (rule signals every other bar, graded on the following bars: the same
recipe as the ML tests' fallback), registered and promoted; ml_filter loads it. Then, while signals flow
(the detectors on the simulator's real prices, plus candidates this test pushes on 5559), a new version is
promoted whose model.json is garbage, then one whose garbage carries a matching checksum (so XGBoost itself
must refuse it), then one whose model.json is truncated: the production trigger is the
models registry (ModelHost polls it). ml_filter must refuse each with one clear log line and the
`model_refused` counter, keep scoring with the previous model, and not restart. Finally ml_filter is
restarted while the current model is corrupt: it refuses it, says the cold-start rule keeps scoring, and scores
on the rule (`model_version` "none")."""
import csv
import json
import pathlib
import shutil
import sqlite3
import subprocess
import sys
import time

import zmq

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from fleet import ROOT, Fleet, wait_for  # noqa: E402

APPS = ["event_bus", "telemetry_bridge", "ml_filter", "elite_guard", "pattern_detector", "ea_sim"]
DATA = ROOT / "tests" / "data"
SETS = [("EURUSD", DATA / "market" / "EURUSD_oanda_M1_2014-05-01_excerpt.csv", 0.0001),
        ("EURUSD", DATA / "replay" / "EURUSD_oanda_M1_bidask_2014-05-08_12-14utc.csv", 0.0001),
        ("NZDUSD", DATA / "replay" / "NZDUSD_oanda_M1_bidask_2014-05-08_12-14utc.csv", 0.0001),
        ("XAUUSD", DATA / "replay" / "XAUUSD_oanda_M1_bidask_2014-05-08_12-14utc.csv", 0.1)]
HORIZON = 15  # bars (minutes)


def fnv1a64(data):
    h = 0xcbf29ce484222325
    for b in data:
        h = ((h ^ b) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return h


def training_rows(path):
    """Rule signals on real bars, labelled on the following real bars (SL first on an ambiguous bar)."""
    with open(path) as f:
        header = f.readline().strip().split(",")
    rows = []
    n = 0
    for symbol, fn, pip in SETS:
        with open(fn) as f:
            bars = list(csv.DictReader(f))
        if "bid_open" not in bars[0]:
            bars = [{**b, **{f"bid_{k}": b[k] for k in ("open", "high", "low", "close")},
                     **{f"ask_{k}": str(float(b[k]) + pip) for k in ("open", "high", "low", "close")}}
                    for b in bars if "open" in b]
        for i in range(14, len(bars) - HORIZON, 2):
            atr = sum(float(b["bid_high"]) - float(b["bid_low"]) for b in bars[i - 14:i]) / 14
            if atr <= 0:
                continue
            close = float(bars[i]["bid_close"])
            sma = sum(float(b["bid_close"]) for b in bars[i - 14:i]) / 14
            buy = close < sma
            rr = [1.0, 1.5, 2.0, 3.0][n % 4]
            entry = float(bars[i]["ask_close"]) if buy else close
            sl = entry - 1.5 * atr if buy else entry + 1.5 * atr
            tp = entry + rr * 1.5 * atr if buy else entry - rr * 1.5 * atr
            label = None
            for b in bars[i + 1:i + 1 + HORIZON]:
                lo, hi = (float(b["bid_low"]), float(b["bid_high"])) if buy else (float(b["ask_low"]), float(b["ask_high"]))
                if (buy and lo <= sl) or (not buy and hi >= sl):
                    label = 0
                    break
                if (buy and hi >= tp) or (not buy and lo <= tp):
                    label = 1
                    break
            if label is None:
                continue
            t = bars[i]["time_utc"] if "time_utc" in bars[i] else bars[i][next(iter(bars[i]))]
            ts = int(time.mktime(time.strptime(t[:19], "%Y-%m-%dT%H:%M:%S")) - time.timezone) * 1_000_000_000
            hour = time.gmtime(ts // 1_000_000_000).tm_hour
            dow = time.gmtime(ts // 1_000_000_000).tm_wday
            atr_pips = round(atr / pip, 2)
            row = {h: "" for h in header}
            row.update({"signal_id": f"SIG_FT{n:06d}", "bar_time_ns": ts,
                        "pattern": ["LIQUIDITY_SWEEP_REVERSAL", "FAIR_VALUE_GAP_FILL"][n % 2], "symbol": symbol,
                        "session": "LONDON_NY", "timeframe": "M1", "hour": hour, "day_of_week": dow,
                        "direction": 1 if buy else 0, "atr_pips": atr_pips, "spread_pips": 1.0,
                        "confidence": 60 + (n * 7) % 40, "rr": rr, "sl_pips": round(1.5 * atr_pips, 1),
                        "f.atr_pips": atr_pips, "f.hour": hour, "f.dow": dow, "f.spread_pips": 1.0,
                        "outcome": "WIN" if label else "LOSS", "label": label})
            rows.append(row)
            n += 1
    return header, rows


def main():
    overrides = {
        "ml_filter": {"reload_poll_ms": 500, "cold_start_min_confidence": 0.0},
        "ea_sim": {"speed": 60},
        "elite_guard": {"timeframe": "M1"},
        "pattern_detector": {"timeframe": "M1"},
        "ml_trainer": {"min_rows": 50, "horizon_min": HORIZON, "walk_forward_folds": 2, "min_category_count": 1,
                       "threshold": {"min_count": 5, "lo": 0.30, "hi": 0.90, "step": 0.01},
                       "params": {"rounds": 20, "max_depth": 3, "eta": 0.3, "subsample": 1.0, "colsample_bytree": 1.0,
                                  "min_child_weight": 1, "lambda": 1.0, "seed": 42, "nthread": 1}},
    }
    fleet = Fleet(apps=APPS, overrides=overrides)
    ctx = zmq.Context()
    socks = []
    try:
        state = fleet.state_dir
        state.mkdir(parents=True, exist_ok=True)
        db_path = state / "bitten.db"
        subprocess.run([str(fleet.bin_dir / "bitten-admin"), "--db", str(db_path), "migrate"], check=True,
                       capture_output=True, timeout=30)
        # 1. A real model, trained as production trains it.
        sample = fleet.dir / "header.csv"
        subprocess.run([str(fleet.bin_dir / "bitten-backtest"), "--config-dir", str(fleet.config_dir), "--quiet",
                        "--format", "lean-m1", "--timeframe", "M1", "--file", str(SETS[1][1]), "--symbol", "EURUSD",
                        "--training-out", str(sample)], check=True, capture_output=True, timeout=120)
        header, rows = training_rows(sample)
        rows_csv = fleet.dir / "rows.csv"
        with open(rows_csv, "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=header)
            w.writeheader()
            w.writerows(rows)
        r = subprocess.run([str(fleet.bin_dir / "ml_trainer"), "--config", str(fleet.config_dir / "ml_trainer.json"),
                            "--from-csv", str(rows_csv)], env=fleet.env, capture_output=True, text=True, timeout=180)
        assert r.returncode == 0, (r.stdout[-2000:], r.stderr[-2000:])

        def db(sql, *a):
            with sqlite3.connect(str(db_path), timeout=10) as c:
                return c.execute(sql, a).fetchall()
        good = db("SELECT version, path FROM models ORDER BY created_ns DESC LIMIT 1")
        assert good, f"ml_trainer recorded no model ({len(rows)} rows): {r.stdout[-1500:]}"
        good_v, good_path = good[0]
        good_dir = pathlib.Path(good_path) if good_path and pathlib.Path(good_path).is_dir() else state / "models" / good_v
        print(f"trained model {good_v} on {len(rows)} labelled rows from tests/data")

        def promote(version):
            with sqlite3.connect(str(db_path), timeout=10) as c:
                c.execute("UPDATE models SET is_current = 0 WHERE is_current = 1")
                c.execute("UPDATE models SET is_current = 1, promoted_ns = ? WHERE version = ?", (time.time_ns(), version))

        def add_broken(version, damage, fix_checksum=False):
            d = state / "models" / version
            shutil.copytree(good_dir, d)
            damage(d / "model.json")
            meta = json.loads((d / "metadata.json").read_text())
            meta["model_version"] = version
            if fix_checksum:  # past the checksum: XGBoost itself must refuse the bytes, without crashing
                meta["model_checksum"] = "fnv1a64:%016x" % fnv1a64((d / "model.json").read_bytes())
            (d / "metadata.json").write_text(json.dumps(meta))
            db("INSERT INTO models(version, path, created_ns, metrics_json, threshold) VALUES (?, ?, ?, '{}', 0.5)",
               version, str(d), time.time_ns())
            promote(version)
        promote(good_v)

        fleet.start()
        fleet.wait_online(APPS, timeout=60)
        scored = ctx.socket(zmq.SUB)
        scored.connect(fleet.endpoint(5557))
        scored.setsockopt_string(zmq.SUBSCRIBE, "signal.")
        bus = ctx.socket(zmq.SUB)
        bus.connect(fleet.endpoint(5570))
        bus.setsockopt_string(zmq.SUBSCRIBE, "health.ml_filter")
        push = ctx.socket(zmq.PUSH)
        push.connect(fleet.endpoint(5559))
        socks += [scored, bus, push]
        example = json.loads((ROOT / "proto" / "examples" / "signal.json").read_text())
        sent = [0]
        health = {}

        def push_candidates(k=5):
            for _ in range(k):
                env = json.loads(json.dumps(example))
                env["src"], env["seq"] = "faulttest", sent[0]
                env["data"]["signal_id"] = f"SIG_FTPUSH{sent[0]:07d}"
                env["data"].pop("score", None)
                push.send_multipart([f"signal.{env['data']['symbol']}".encode(), json.dumps(env).encode()])
                sent[0] += 1

        def versions_seen(window_s=1.0):
            """Pushes candidates and returns the model versions of what ml_filter published meanwhile."""
            push_candidates()
            seen = set()
            end = time.monotonic() + window_s
            while time.monotonic() < end:
                if scored.poll(50):
                    _, payload = scored.recv_multipart()
                    seen.add(json.loads(payload)["data"]["score"]["model_version"])
            return seen

        def counters():
            while bus.poll(0):
                _, payload = bus.recv_multipart()
                health["c"] = json.loads(payload)["data"]["counters"]
            return health.get("c", {})

        wait_for(lambda: versions_seen() == {good_v}, 60, f"ml_filter scoring with model {good_v}")
        pid = fleet.app("ml_filter")["pid"]
        print(f"ml_filter (pid {pid}) scores with {good_v}")

        # 2. Corrupt models promoted while serving: garbage, garbage XGBoost must parse, truncated.
        for n, (version, damage, fix) in enumerate([
                ("FT-GARBAGE", lambda p: p.write_bytes(b"\x00\xffthis is not a model" * 100), False),
                ("FT-UNPARSABLE", lambda p: p.write_bytes(b"{\"learner\": [1, 2" + b"\xff" * 64), True),
                ("FT-TRUNCATED", lambda p: p.write_bytes(p.read_bytes()[: p.stat().st_size // 2]), False)], 1):
            add_broken(version, damage, fix)
            wait_for(lambda: counters().get("model_refused", 0) >= n, 30, f"ml_filter to refuse {version}", interval=0.2)
            wait_for(lambda: f"refusing model {version}" in fleet.log("ml_filter"), 10, f"the refusal of {version} logged")
            line = next(l for l in fleet.log("ml_filter").splitlines() if f"refusing model {version}" in l)
            print(line)
            assert "model_corrupt" in line and "the model in service keeps serving" in line, line
            before = counters().get("scored_by_model", 0)
            assert versions_seen(2.0) == {good_v}, f"after {version} the previous model must keep scoring"
            wait_for(lambda: counters().get("scored_by_model", 0) > before, 10, "scored_by_model still rising")
            assert fleet.app("ml_filter")["pid"] == pid, "ml_filter restarted"
        assert fleet.log("ml_filter").count("refusing model FT-TRUNCATED") == 1, "a refused model is not retried"

        # 3. A corrupt current model at start: cold start, and the log says so.
        fleet.pm2("restart", "ml_filter")
        wait_for(lambda: (a := fleet.app("ml_filter")) and a["pid"] and a["pid"] != pid
                 and a["pm2_env"]["status"] == "online", 30, "ml_filter restarted", interval=0.3)
        wait_for(lambda: versions_seen() == {"none"}, 60, "ml_filter scoring on the cold-start rule")
        log = fleet.log("ml_filter")
        start = log.rfind("starting (config")
        assert "refusing model FT-TRUNCATED" in log[start:] and "the cold-start rule keeps scoring" in log[start:], \
            log[start:][-2000:]
        print("at start: " + next(l for l in log[start:].splitlines() if "refusing model" in l))
        restarts = fleet.app("ml_filter")["pm2_env"]["restart_time"]
        assert restarts == 1, f"ml_filter restarted {restarts} times (1 expected: ours)"
    finally:
        fleet.stop()
        for s in socks:
            s.close(0)
        ctx.destroy(linger=0)  # closes every socket, also on a failure path
    print("e2e faults model: 1 passed, 0 failed")


if __name__ == "__main__":
    main()
