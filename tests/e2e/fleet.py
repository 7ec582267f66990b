"""A BITTEN fleet under a real, private PM2 for end-to-end tests.

Each Fleet gets its own temporary folder holding: a copy of config/ with every port moved by an
offset and the IPC queue moved inside the folder, the PM2 home, logs and databases. It is always
torn down (pm2 delete + kill) on exit, on exceptions and on SIGTERM/SIGINT, so nothing is left running.
"""
import atexit
import json
import os
import pathlib
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]
PM2 = ROOT / "node_modules" / ".bin" / "pm2"


def wait_for(predicate, timeout, what, interval=0.05):
    """Polls predicate() until it returns a truthy value or the deadline passes."""
    deadline = time.monotonic() + timeout
    last_exc = None
    while time.monotonic() < deadline:
        try:
            value = predicate()
            if value:
                return value
        except Exception as exc:  # a condition that cannot be evaluated yet
            last_exc = exc
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}" + (f" (last error: {last_exc})" if last_exc else ""))


def roomy_risk_tiers():
    """config/risk.json's tiers with COMMANDER's limits opened (50 slots, 1,000 trades a day, no daily
    loss limit), for fault tests whose subject is not the risk rules but need auto-fires to keep coming:
    with 3 slots, open positions or a losing start refuse every new fire for minutes of wall time."""
    tiers = json.loads((ROOT / "config" / "risk.json").read_text())["tiers"]
    tiers["COMMANDER"].update({"slots": 50, "max_trades_per_day": 1000, "daily_loss_pct": 100.0})
    return tiers


def free_port_offset():
    """An offset that moves 5555..5571 and 8888..8891 onto ports that are free right now."""
    for attempt in range(200):
        offset = 20000 + ((os.getpid() * 7 + attempt * 131) % 400) * 50
        ports = [p + offset for p in (5555, 5556, 5557, 5558, 5559, 5560, 5570, 5571, 8888, 8899, 8890, 8891)]
        if all(_port_free(p) for p in ports):
            return offset
    raise RuntimeError("no free port range found")


def _port_free(port):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


class Fleet:
    def __init__(self, apps=None, bin_dir=None, overrides=None):
        self.dir = pathlib.Path(tempfile.mkdtemp(prefix="bitten-e2e-"))
        self.offset = free_port_offset()
        self.apps = apps
        self.bin_dir = pathlib.Path(bin_dir or os.environ.get("BITTEN_BIN_DIR", ROOT / "build" / "bin"))
        self.config_dir = self.dir / "config"
        self.state_dir = self.dir / "var"
        self.env = dict(os.environ)
        self.env.update({
            "PM2_HOME": str(self.dir / "pm2"),
            "BITTEN_CONFIG_DIR": str(self.config_dir),
            "BITTEN_STATE_DIR": str(self.state_dir),
            "BITTEN_BIN_DIR": str(self.bin_dir),
        })
        if apps:
            self.env["BITTEN_APPS"] = ",".join(apps)
        self._write_config(overrides or {})
        self._started = False

    def port(self, p):
        return p + self.offset

    def endpoint(self, p):
        return f"tcp://127.0.0.1:{self.port(p)}"

    @property
    def cmd_queue(self):
        return f"ipc://{self.dir}/cmdqueue"

    def _rewrite(self, text):
        text = re.sub(r"(tcp://[^:\"]+:)(\d+)", lambda m: m.group(1) + str(int(m.group(2)) + self.offset), text)
        return text.replace("ipc:///tmp/bitten_cmdqueue", self.cmd_queue)

    def _write_config(self, overrides):
        self.config_dir.mkdir(parents=True)
        for f in (ROOT / "config").glob("*.json"):
            doc = json.loads(self._rewrite(f.read_text()))
            for key, value in overrides.get(f.stem, {}).items():
                doc[key] = value
            (self.config_dir / f.name).write_text(json.dumps(doc, indent=2))

    def pm2(self, *args, check=True):
        r = subprocess.run([str(PM2), *args], env=self.env, cwd=ROOT, check=False,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=60)
        if check and r.returncode != 0:
            raise RuntimeError(f"pm2 {' '.join(args)} exited {r.returncode}\n{r.stdout[-2000:]}\n{r.stderr[-2000:]}")
        return r

    def start(self):
        self.state_dir.joinpath("logs").mkdir(parents=True, exist_ok=True)
        _LIVE.append(self)
        self._started = True
        self.pm2("start", str(ROOT / "ecosystem.config.js"))
        return self

    def jlist(self):
        return json.loads(self.pm2("jlist").stdout)

    def app(self, name):
        for a in self.jlist():
            if a["name"] == name:
                return a
        return None

    def wait_online(self, names, timeout=20):
        def all_online():
            apps = {a["name"]: a for a in self.jlist()}
            return all(n in apps and apps[n]["pm2_env"]["status"] == "online" and apps[n]["pid"] for n in names)
        wait_for(all_online, timeout, f"{names} online under PM2", interval=0.3)

    def log(self, name):
        p = self.state_dir / "logs" / f"{name}.out.log"
        return p.read_text() if p.exists() else ""

    def stop(self):
        if self._started:
            self.pm2("delete", "all", check=False)
            self.pm2("kill", check=False)
            self._started = False
        if self in _LIVE:
            _LIVE.remove(self)
        if not os.environ.get("BITTEN_KEEP_E2E"):
            shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


_LIVE = []


def _stop_all(*_):
    for f in list(_LIVE):
        f.stop()


def _on_signal(signum, _frame):
    _stop_all()
    sys.exit(128 + signum)


atexit.register(_stop_all)
signal.signal(signal.SIGTERM, _on_signal)
signal.signal(signal.SIGINT, _on_signal)
