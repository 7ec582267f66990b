"""Shared pieces of the fleet-level benchmarks (bench/system): the private PM2 fleet from
tests/e2e/fleet.py, EA v2.05 message bytes, health on the event bus, real quotes, a hard time bound
and child processes that die with their parent.

Every benchmark prints one line starting with `RESULT <name>` followed by key=value pairs; that is
what scripts/bench.sh puts in its summary table.
"""
import calendar
import ctypes
import json
import os
import pathlib
import signal
import subprocess
import sys
import time

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))
from fleet import Fleet, wait_for  # noqa: E402,F401

import zmq  # noqa: E402

REAL_TICKS = ROOT.parent / "shared" / "data" / "real" / "lean" / "normalized" / "EURUSD_oanda_ticks_utc.csv"
SMALL_TICKS = ROOT / "tests" / "data" / "ticks" / "EURUSD_oanda_ticks_2014-05-08_12-14utc.csv"


class TimeBound(Exception):
    pass


def time_bound(seconds, what):
    """Raises TimeBound in the main thread after `seconds`: the `with Fleet` blocks then stop it."""
    def fire(_sig, _frm):
        raise TimeBound(f"{what}: time bound of {seconds}s reached")
    signal.signal(signal.SIGALRM, fire)
    signal.alarm(int(seconds))


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def result(name, **kv):
    print("RESULT " + name + " " + " ".join(f"{k}={v}" for k, v in kv.items()), flush=True)


def pct(values, p):
    if not values:
        return float("nan")
    v = sorted(values)
    return v[min(len(v) - 1, int(len(v) * p / 100))]


_libc = ctypes.CDLL(None, use_errno=True)


def _die_with_parent():
    _libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG: never outlive the benchmark


def spawn(args, **kw):
    """A child python process (this interpreter) that is killed when the benchmark exits."""
    return subprocess.Popen([sys.executable, *args], preexec_fn=_die_with_parent, **kw)


def stop_children(procs):
    for p in procs:
        if p.poll() is None:
            p.terminate()
    deadline = time.monotonic() + 3
    for p in procs:
        try:
            p.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def broker_time(epoch):
    return time.strftime("%Y.%m.%d %H:%M:%S", time.gmtime(epoch))


def ea_tick(symbol, bid, ask, broker_epoch, uuid, digits=5):
    """Byte for byte the v2.05 EA's TICK (tests/data/ea/tick.json; docs/protocol.md)."""
    spread = round((ask - bid) * 10 ** digits, 1)
    return (f'{{"type":"TICK","node_id":"NODE_1234567_998877","user_uuid":"{uuid}","symbol":"{symbol}",'
            f'"bid":{bid:.{digits}f},"ask":{ask:.{digits}f},"spread":{spread:.1f},"volume":0,'
            f'"timestamp":"{broker_time(broker_epoch)}"}}').encode()


def ea_hello(uuid, login, ts):
    return (f'{{"type":"HELLO","target_uuid":"{uuid}","node_id":"NODE_{login}_1","account_login":"{login}",'
            f'"broker":"Broker-Demo","company":"Broker Ltd","terminal":"MetaTrader 5","currency":"USD",'
            f'"balance":1000.00,"equity":1000.00,"leverage":500,"margin":0.00,"free_margin":1000.00,'
            f'"margin_level":0.00,"symbols":22,"version":"2.05","timestamp":"{broker_time(ts)}"}}').encode()


def ea_dealer_heartbeat(uuid, login, ts, ticks=0):
    """tests/data/ea/heartbeat_dealer.json (DEALER 5555, upper case)."""
    return (f'{{"type":"HEARTBEAT","target_uuid":"{uuid}","node_id":"NODE_{login}_1","currency":"USD",'
            f'"balance":1000.00,"equity":1000.00,"leverage":500,"margin":0.00,"free_margin":1000.00,'
            f'"margin_level":0.00,"ticks_processed":{ticks},"timestamp":"{broker_time(ts)}"}}').encode()


def ea_handshake(uuid, login, ts):
    return (f'{{"type":"handshake","deployment_mode":"universal_dealer","node_id":"NODE_{login}_1",'
            f'"user_uuid":"{uuid}","account":{login},"broker":"Broker Ltd","server":"Broker-Demo",'
            f'"chart_symbol":"EURUSD","monitored_symbols":22,"symbol_list":"EURUSD,GBPUSD,USDJPY,XAUUSD",'
            f'"currency":"USD","balance":1000.00,"equity":1000.00,"leverage":500,"version":"2.05",'
            f'"socket_type":"DEALER","timestamp":"{broker_time(ts)}"}}').encode()


def ea_heartbeat(uuid, login, ts, ticks=0):
    return (f'{{"type":"heartbeat","node_id":"NODE_{login}_1","user_uuid":"{uuid}","account":{login},'
            f'"currency":"USD","balance":1000.00,"equity":1000.00,"leverage":500,"free_margin":1000.00,'
            f'"margin_level":0.00,"symbols_monitored":22,"ticks_processed":{ticks},"socket_type":"DEALER",'
            f'"timestamp":"{broker_time(ts)}"}}').encode()


def real_quotes(limit=None, prefer_large=True):
    """(utc_epoch_s_float, bid, ask) in time order: the large real EURUSD tick set when present,
    else the 2-hour excerpt shipped in tests/data/ticks."""
    path = REAL_TICKS if prefer_large and REAL_TICKS.exists() else SMALL_TICKS
    out = []
    with open(path) as f:
        next(f)
        for line in f:
            t, bid, ask = line.rstrip().split(",")[:3]
            epoch = calendar.timegm((int(t[0:4]), int(t[5:7]), int(t[8:10]), int(t[11:13]), int(t[14:16]), int(t[17:19])))
            out.append((epoch + (float("0" + t[19:-1]) if len(t) > 20 else 0.0), float(bid), float(ask)))
            if limit and len(out) >= limit:
                break
    return path, out


class Health:
    """Latest health.<daemon> data from the fleet's event bus."""
    def __init__(self, ctx, fleet):
        self.sock = ctx.socket(zmq.SUB)
        self.sock.setsockopt(zmq.LINGER, 0)
        self.sock.connect(fleet.endpoint(5570))
        self.sock.setsockopt_string(zmq.SUBSCRIBE, "health.")
        self.latest = {}

    def pump(self, timeout_ms=100):
        while self.sock.poll(timeout_ms):
            _topic, payload = self.sock.recv_multipart()
            d = json.loads(payload)["data"]
            self.latest[d["daemon"]] = d
            timeout_ms = 0
        return self.latest

    def get(self, daemon):
        self.pump(0)
        return self.latest.get(daemon)

    def wait(self, daemon, pred, timeout, what):
        def ok():
            self.pump(100)
            d = self.latest.get(daemon)
            return d if d and pred(d) else None
        return wait_for(ok, timeout, what, interval=0.01)

    def close(self):
        self.sock.close()


def raise_nofile():
    import resource
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return hard
