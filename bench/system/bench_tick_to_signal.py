#!/usr/bin/env python3
"""Tick to signal through the real fleet (private PM2: event_bus, telemetry_bridge, elite_guard,
pattern_detector on M1, ml_filter): the time from the EA's PUSH of the tick that closes a bar (the
first tick of the next bar) to the scored signal for that bar published on 5557.

Real EURUSD ticks (../shared/data/real/lean/normalized/EURUSD_oanda_ticks_utc.csv when present,
else the 2-hour excerpt in tests/data/ticks) are replayed as EA v2.05 TICKs from UUID SIM_BENCH_LAT
(a replay source: the bridge takes history at any speed). Per bar: the ticks inside it go out as
fast as the PUSH takes them; then a short pause lets the pipeline drain (--gap-ms), the send time
of the next bar's first tick is taken, and after another pause the replay goes on. A signal is
matched to its bar by `bar_time_ns` (the open of the bar it was decided on). The throttle is off
(cooldown 0, hourly cap very high) and the stop/spread limits are loose so that most detections
become signals.

  bench_tick_to_signal.py [--bars N] [--gap-ms G] [--timeout S]
Prints `RESULT tick_to_signal p50_ms=.. p99_ms=.. signals=.. matched=.. bars=..`.
"""
import argparse
import json
import sys
import threading
import time

from common import ROOT, Fleet, Health, TimeBound, ea_tick, log, pct, real_quotes, result, time_bound, zmq

UUID = "SIM_BENCH_LAT"
APPS = ["event_bus", "telemetry_bridge", "elite_guard", "pattern_detector", "ml_filter"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bars", type=int, default=2000, help="M1 bars to replay (the first ~50 are warm-up)")
    ap.add_argument("--gap-ms", type=float, default=10.0)
    ap.add_argument("--timeout", type=int, default=300)
    a = ap.parse_args()
    time_bound(a.timeout, "bench_tick_to_signal")

    path, quotes = real_quotes()
    # Group by minute (UTC = broker time: replay offset 0); keep the first --bars + 1 minutes.
    bars = []
    for t, bid, ask in quotes:
        m = int(t) // 60
        if not bars or bars[-1][0] != m:
            if len(bars) > a.bars:
                break
            bars.append((m, []))
        bars[-1][1].append(ea_tick("EURUSD", bid, ask, int(t), UUID))
    del quotes
    log(f"replaying {len(bars) - 1} M1 bars ({sum(len(b[1]) for b in bars)} ticks) from {path.name}")

    # Signals often: no throttle, and stops up to 20 ATR / spread up to the whole stop are allowed
    # (the pipeline's cost per signal does not depend on these; the real settings make M1 signals rare).
    pat = json.loads((ROOT / "config" / "patterns.json").read_text())
    loose = {k: dict(v, sl_atr_max=20.0) for k, v in pat.items() if isinstance(v, dict) and "sl_atr_max" in v}
    loose["throttle"] = {"cooldown_s": 0, "hourly_cap": 1000000}
    loose["spread"] = dict(pat["spread"], max_fraction_of_sl=1.0)
    overrides = {
        "elite_guard": {"timeframe": "M1", "log_level": "warn"},
        "pattern_detector": {"timeframe": "M1", "log_level": "warn"},
        "patterns": loose,
        "ml_filter": {"cold_start_min_confidence": 0.0, "log_level": "warn"},
        "telemetry_bridge": {"log_level": "warn"},
    }
    ctx = zmq.Context()
    fleet = Fleet(apps=APPS, overrides=overrides)
    stop = threading.Event()
    got = []  # (recv perf_counter, bar_time_s, source, accepted)
    try:
        with fleet:
            fleet.wait_online(APPS, timeout=30)
            health = Health(ctx, fleet)
            health.wait("ml_filter", lambda d: True, 20, "ml_filter health")
            health.wait("elite_guard", lambda d: True, 20, "elite_guard health")
            health.wait("pattern_detector", lambda d: True, 20, "pattern_detector health")

            sig = ctx.socket(zmq.SUB)
            sig.setsockopt(zmq.RCVHWM, 0)
            sig.setsockopt(zmq.LINGER, 0)
            sig.connect(fleet.endpoint(5557))
            sig.setsockopt(zmq.SUBSCRIBE, b"signal.")

            def rx():
                while not stop.is_set():
                    if sig.poll(50):
                        _topic, payload = sig.recv_multipart()
                        now = time.perf_counter()
                        d = json.loads(payload)["data"]
                        got.append((now, d["bar_time_ns"] // 10**9, d.get("source", ""),
                                    bool(d.get("score", {}).get("accepted"))))
            th = threading.Thread(target=rx, daemon=True)
            th.start()

            # The detectors subscribe to 5560; make sure their subscriptions have reached the
            # bridge before the replay starts (a tick of another symbol shows up in their health).
            push = ctx.socket(zmq.PUSH)
            push.setsockopt(zmq.LINGER, 0)
            push.connect(fleet.endpoint(5556))
            t0 = bars[0][0] * 60 - 3600
            k = [0]

            def probed(d):
                push.send(ea_tick("GBPUSD", 1.3 + k[0] * 1e-5, 1.30012 + k[0] * 1e-5, t0 + k[0], UUID))
                k[0] += 1
                return d["counters"].get("ticks_in", 0) > 0
            health.wait("elite_guard", probed, 20, "elite_guard receiving ticks")
            health.wait("pattern_detector", probed, 20, "pattern_detector receiving ticks")

            sent_at = {}  # bar open (s) -> perf_counter of the PUSH of the tick that closed it
            gap = a.gap_ms / 1000.0
            t_start = time.monotonic()
            for i, (minute, ticks) in enumerate(bars):
                if i > 0:
                    time.sleep(gap)
                    sent_at[bars[i - 1][0] * 60] = time.perf_counter()
                    push.send(ticks[0])
                    time.sleep(gap)
                    rest = ticks[1:]
                else:
                    rest = ticks
                for m in rest:
                    push.send(m)
            replay_s = time.monotonic() - t_start
            time.sleep(1.0)
            stop.set()
            th.join(2)
            d_eg = health.wait("elite_guard", lambda d: True, 5, "elite_guard health")
            d_pd = health.wait("pattern_detector", lambda d: True, 5, "pattern_detector health")
            d_br = health.wait("telemetry_bridge", lambda d: True, 5, "bridge health")
            lat = []
            unmatched = 0
            for recv, bar_s, _src, _acc in got:
                if bar_s in sent_at:
                    lat.append((recv - sent_at[bar_s]) * 1000)
                else:
                    unmatched += 1
            closed = d_eg["counters"].get("bars_closed", 0)
            log(f"replay took {replay_s:.1f} s; bars closed elite_guard={closed} "
                f"pattern_detector={d_pd['counters'].get('bars_closed', 0)}; signals out "
                f"elite_guard={d_eg['counters'].get('signals_out', 0)} pattern_detector="
                f"{d_pd['counters'].get('signals_out', 0)}; bridge dropped={d_br['counters'].get('dropped', 0)}")
            log("elite_guard", {k: v for k, v in d_eg["counters"].items() if v and ("rejected" in k or "detections" in k or "throttled" in k)})
            log("pattern_detector", {k: v for k, v in d_pd["counters"].items() if v and ("rejected" in k or "detections" in k or "throttled" in k)})
            p50, p99 = pct(lat, 50), pct(lat, 99)
            print(f"tick->signal over {len(lat)} signals ({unmatched} unmatched, "
                  f"{sum(1 for g in got if g[3])} accepted): p50 {p50:.2f} ms  p99 {p99:.2f} ms  "
                  f"max {max(lat) if lat else float('nan'):.2f} ms")
            result("tick_to_signal", p50_ms=f"{p50:.2f}", p99_ms=f"{p99:.2f}", signals=len(got), matched=len(lat),
                   bars=len(bars) - 1, gap_ms=a.gap_ms)
            sig.close()
            push.close()
            health.close()
    except TimeBound as e:
        log(str(e))
        result("tick_to_signal", error="timeout")
        return 1
    finally:
        stop.set()
        fleet.stop()
        ctx.destroy(linger=0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
