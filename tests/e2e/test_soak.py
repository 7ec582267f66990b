#!/usr/bin/env python3
"""A bounded soak (tests/e2e/soak.py): the whole fleet with 200 simulated EAs, eight of them bound to
AUTO traders, for about 90 s of steady state. Fails if any soak check fails: a valid tick lost or
dropped, a message lost between the simulator and the daemons, a fire not final, executed twice or
without its own ticket, a daemon restarted, RSS growth over the threshold, or an error in a log.
BITTEN_SOAK_EAS / BITTEN_SOAK_SECONDS / BITTEN_SOAK_SPEED change the size."""
import os
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from soak import Soak  # noqa: E402


def main():
    eas = int(os.environ.get("BITTEN_SOAK_EAS", "200"))
    seconds = float(os.environ.get("BITTEN_SOAK_SECONDS", "90"))
    speed = float(os.environ.get("BITTEN_SOAK_SPEED", "60"))
    print(f"soak: {eas} EAs at x{speed:g} for {seconds:g} s", flush=True)
    # A short run still includes warm-up allocations (detector history, caches): the RSS threshold is
    # the same relative one as the long soak's, with a larger absolute floor.
    soak = Soak(eas=eas, seconds=seconds, speed=speed, auto_users=8, rss_growth_pct=50, rss_growth_min_mb=32,
                warmup_s=15, progress_s=15, log=lambda m: print(m, flush=True))
    report = soak.run()
    if report["failures"]:
        print("e2e soak: 0 passed, 1 failed: " + "; ".join(report["failures"]))
        sys.exit(1)
    print("e2e soak: 1 passed, 0 failed")


if __name__ == "__main__":
    main()
