#!/usr/bin/env python3
"""Faults under real PM2 with the EA simulator feeding real prices:
1. SIGKILL of every daemon in turn: PM2 brings each back, its health heartbeat resumes, and ticks
   keep flowing end to end afterwards.
2. A malformed config on restart: the daemon refuses to start with a clear message listing the
   problem, PM2 shows it errored (not flapping forever), and it comes back once the file is fixed."""
import json
import os
import pathlib
import sys
import time

import zmq

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from fleet import Fleet, wait_for  # noqa: E402

DAEMONS = ["event_bus", "telemetry_bridge", "ml_filter", "command_router", "confirm_listener", "elite_guard",
           "pattern_detector", "signal_relay", "outcome_tracker", "webapp"]
APPS = DAEMONS + ["ea_sim"]


def main():
    ctx = zmq.Context()
    with Fleet(apps=APPS) as fleet:
        fleet.wait_online(APPS, timeout=40)
        bus = ctx.socket(zmq.SUB)
        bus.connect(fleet.endpoint(5570))
        bus.setsockopt_string(zmq.SUBSCRIBE, "health.")
        ticks = ctx.socket(zmq.SUB)
        ticks.connect(fleet.endpoint(5560))
        ticks.setsockopt_string(zmq.SUBSCRIBE, "tick.")

        def heartbeat_from(name, after_pid):
            while bus.poll(100):
                _, payload = bus.recv_multipart()
                d = json.loads(payload)["data"]
                if d["daemon"] == name and d["pid"] == after_pid:
                    return True
            return False

        def ticks_flow():
            deadline = time.monotonic() + 1
            while time.monotonic() < deadline:
                if ticks.poll(100):
                    ticks.recv_multipart()
                    return True
            return False

        wait_for(ticks_flow, 30, "ticks from the simulator through the bridge")
        for name in DAEMONS:
            before = fleet.app(name)
            os.kill(before["pid"], 9)
            wait_for(lambda: (a := fleet.app(name)) and a["pid"] and a["pid"] != before["pid"]
                     and a["pm2_env"]["status"] == "online", 20, f"PM2 to restart {name}", interval=0.3)
            pid = fleet.app(name)["pid"]
            # The event bus itself carries the heartbeats: after its restart the subscriber reconnects.
            wait_for(lambda: heartbeat_from(name, pid), 20, f"a health heartbeat from the new {name} (pid {pid})")
            print(f"{name}: killed pid {before['pid']}, back as pid {pid}")
        wait_for(ticks_flow, 30, "ticks flowing after every daemon was killed once")

        # A malformed config: an unknown key and a wrong type.
        cfg_path = fleet.config_dir / "telemetry_bridge.json"
        good = cfg_path.read_text()
        bad = json.loads(good)
        bad["pull_rcvhwm"] = "lots"
        bad["no_such_key"] = 1
        cfg_path.write_text(json.dumps(bad))
        fleet.pm2("restart", "telemetry_bridge")
        seen = {}

        def given_up():
            # PM2 stops restarting after max_restarts (30) unstable starts: "errored", or (PM2 7)
            # parked in "waiting restart" with the restart count no longer moving. The status is judged
            # on this one sample: a second look may catch one more short-lived start shown as "online".
            env = fleet.app("telemetry_bridge")["pm2_env"]
            seen.update(status=env["status"], restarts=env["restart_time"])
            return env["status"] in ("errored", "stopped") or (env["status"] != "online" and env["restart_time"] >= 29)
        wait_for(given_up, 60, "PM2 to give up on the misconfigured bridge", interval=0.5)
        print(f"misconfigured telemetry_bridge: {seen['status']} after {seen['restarts']} restarts")
        err = (fleet.state_dir / "logs" / "telemetry_bridge.err.log").read_text()
        assert "no_such_key: unknown key" in err, err[-2000:]
        assert "pull_rcvhwm: expected an integer" in err, err[-2000:]
        # On a slow machine the unstable starts can outlast PM2's window (min_uptime x max_restarts),
        # so PM2 keeps cycling it instead of marking it errored; a restart issued while it is
        # "launching" is refused. Stop it first (retrying until PM2 accepts), then fix and restart.
        def stopped():
            fleet.pm2("stop", "telemetry_bridge", check=False)
            return fleet.app("telemetry_bridge")["pm2_env"]["status"] in ("stopped", "errored")
        wait_for(stopped, 30, "PM2 to stop the misconfigured bridge", interval=0.5)
        cfg_path.write_text(good)
        wait_for(lambda: fleet.pm2("restart", "telemetry_bridge", check=False).returncode == 0, 30,
                 "PM2 to accept the restart of the fixed bridge", interval=0.5)
        fleet.wait_online(["telemetry_bridge"], timeout=20)
        wait_for(ticks_flow, 30, "ticks flowing once the config is fixed")
    bus.close(); ticks.close(); ctx.term()
    print("e2e faults restart: 1 passed, 0 failed")


if __name__ == "__main__":
    main()
