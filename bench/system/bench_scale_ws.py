#!/usr/bin/env python3
"""WebSocket clients served by the real webapp binary (private PM2: event_bus + webapp).

Before the fleet starts, `bitten-admin` migrates the fleet's database and creates --users traders
with one API token each (`create-token`); clients use them round robin (Authorization: Bearer).
The client count steps up (--steps): new clients connect to the trader surface's /ws (plain
sockets + epoll, at most 256 handshakes in flight) and must get 101 and the server's hello. Then a
scored, accepted signal is published on the webapp's signal feed (this process binds the 5557 PUB
that ml_filter would) and every client must receive it; delivery time = receive - publish (same
host, monotonic clock). A step passes when every client is connected, /metrics reports them and
every client got the signal within 30 s. The file-descriptor limit of both sides (PM2 passes the
shell's hard limit) bounds the largest step.

  bench_scale_ws.py [--steps 1000,2500,5000,10000] [--users 200] [--timeout S]
Prints `RESULT scale_ws max_clients=.. p50_ms=.. p99_ms=.. (broadcast at the largest step)`.
"""
import argparse
import base64
import json
import os
import re
import selectors
import socket
import struct
import subprocess
import sys
import time
import urllib.request

from common import Fleet, TimeBound, log, pct, raise_nofile, result, time_bound, zmq

APPS = ["event_bus", "webapp"]


class Client:
    __slots__ = ("sock", "buf", "state", "got_signal_at", "idx")

    def __init__(self, idx):
        self.idx = idx
        self.sock = None
        self.buf = b""
        self.state = "new"  # -> connecting -> upgrading -> upgraded -> open | failed
        self.got_signal_at = None


def frames(c):
    """Yields (opcode, payload) of the complete server frames in c.buf (unmasked)."""
    while len(c.buf) >= 2:
        b0, b1 = c.buf[0], c.buf[1]
        n, off = b1 & 0x7F, 2
        if n == 126:
            if len(c.buf) < 4:
                return
            n, off = struct.unpack(">H", c.buf[2:4])[0], 4
        elif n == 127:
            if len(c.buf) < 10:
                return
            n, off = struct.unpack(">Q", c.buf[2:10])[0], 10
        if len(c.buf) < off + n:
            return
        payload, c.buf = c.buf[off:off + n], c.buf[off + n:]
        yield b0 & 0x0F, payload


def masked(opcode, payload):
    mask = os.urandom(4)
    body = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    return bytes([0x80 | opcode, 0x80 | len(payload)]) + mask + body


class Pool:
    def __init__(self, port, tokens):
        self.port = port
        self.tokens = tokens
        self.sel = selectors.DefaultSelector()
        self.clients = []

    def _on_read(self, c):
        try:
            data = c.sock.recv(65536)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        if not data:
            self._fail(c)
            return
        c.buf += data
        if c.state == "upgrading":
            end = c.buf.find(b"\r\n\r\n")
            if end < 0:
                return
            head, c.buf = c.buf[:end], c.buf[end + 4:]
            if not head.startswith(b"HTTP/1.1 101"):
                self._fail(c)
                return
            c.state = "upgraded"
        for op, payload in frames(c):
            if op == 1:
                if c.state == "upgraded" and b'"hello"' in payload:
                    c.state = "open"
                elif b'"type":"signal"' in payload and c.got_signal_at is None:
                    c.got_signal_at = time.perf_counter()
            elif op == 9:
                c.sock.send(masked(10, payload))
            elif op == 8:
                self._fail(c)
                return

    def _fail(self, c):
        c.state = "failed"
        try:
            self.sel.unregister(c.sock)
        except (KeyError, ValueError):
            pass
        c.sock.close()

    def _start(self, c):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        c.sock = s
        c.state = "connecting"
        try:
            s.connect(("127.0.0.1", self.port))
        except BlockingIOError:
            pass
        self.sel.register(s, selectors.EVENT_WRITE, c)

    def _on_write(self, c):
        err = c.sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
        if err:
            self._fail(c)
            return
        key = base64.b64encode(os.urandom(16)).decode()
        tok = self.tokens[c.idx % len(self.tokens)]
        req = (f"GET /ws HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
               f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\nAuthorization: Bearer {tok}\r\n\r\n")
        c.sock.send(req.encode())
        c.state = "upgrading"
        self.sel.modify(c.sock, selectors.EVENT_READ, c)

    def pump(self, timeout):
        for key, ev in self.sel.select(timeout):
            c = key.data
            if ev & selectors.EVENT_WRITE and c.state == "connecting":
                self._on_write(c)
            elif ev & selectors.EVENT_READ:
                self._on_read(c)

    def grow(self, n, deadline, in_flight=256):
        todo = [Client(len(self.clients) + i) for i in range(n)]
        self.clients.extend(todo)
        pending = list(reversed(todo))
        while time.monotonic() < deadline:
            busy = sum(1 for c in todo if c.state in ("connecting", "upgrading", "upgraded"))
            while pending and busy < in_flight:
                self._start(pending.pop())
                busy += 1
            if not pending and busy == 0:
                break
            self.pump(0.05)
        return sum(1 for c in self.clients if c.state == "open")

    def close(self):
        for c in self.clients:
            if c.sock and c.state != "failed":
                try:
                    c.sock.close()
                except OSError:
                    pass
        self.sel.close()


def signal_envelope(seq, signal_id):
    now = time.time_ns()
    data = {"signal_id": signal_id, "symbol": "EURUSD", "direction": "BUY", "pattern": "LIQUIDITY_SWEEP_REVERSAL",
            "timeframe": "M5", "signal_class": "RAPID", "session": "NEW_YORK", "entry": 1.17603, "sl": 1.17455,
            "tp": 1.17899, "sl_pips": 14.8, "tp_pips": 29.6, "rr": 2.0, "confidence": 72.5, "spread_pips": 0.1,
            "atr_pips": 9.8, "bar_time_ns": now - 300 * 10**9, "detected_ns": now, "source": "elite_guard",
            "features": {"hour": 16.0, "dow": 0.0, "atr_pips": 9.8, "spread_pips": 0.1, "confidence": 72.5,
                         "rr": 2.0, "sl_pips": 14.8},
            "score": {"accepted": True, "probability": 0.61, "threshold": 0.55, "model_version": "cold_start",
                      "reason": "model_accept", "scored_ns": now}}
    return json.dumps({"type": "signal", "v": 1, "src": "ml_filter", "seq": seq, "ts": now, "data": data}).encode()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", default="1000,2500,5000,10000")
    ap.add_argument("--users", type=int, default=200)
    ap.add_argument("--step-timeout", type=float, default=120)
    ap.add_argument("--timeout", type=int, default=600)
    a = ap.parse_args()
    time_bound(a.timeout, "bench_scale_ws")
    nofile = raise_nofile()
    steps = [int(s) for s in a.steps.split(",")]
    ctx = zmq.Context()
    fleet = Fleet(apps=APPS, overrides={"webapp": {"log_level": "warn"}})
    pool = None
    passed = []
    try:
        db = fleet.state_dir / "bitten.db"
        fleet.state_dir.mkdir(parents=True, exist_ok=True)

        def admin(*args):
            r = subprocess.run([str(fleet.bin_dir / "bitten-admin"), "--db", str(db), "--risk-config",
                                str(fleet.config_dir / "risk.json"), *args], capture_output=True, text=True, timeout=30)
            if r.returncode != 0:
                raise RuntimeError(f"bitten-admin {args}: {r.stderr}")
            return r.stdout.strip()
        t0 = time.monotonic()
        admin("migrate")
        tokens = []
        for i in range(a.users):
            admin("create-user", f"ws_bench_{i:04d}", "--tier", "COMMANDER")
            tokens.append(admin("create-token", f"ws_bench_{i:04d}", "--name", "bench"))
        log(f"created {a.users} users/tokens with bitten-admin in {time.monotonic() - t0:.1f} s; fd limit {nofile}")
        pub = ctx.socket(zmq.PUB)
        pub.setsockopt(zmq.LINGER, 0)
        pub.bind(fleet.endpoint(5557))
        with fleet:
            fleet.wait_online(APPS, timeout=30)
            port = fleet.port(8888)
            metrics_url = f"http://127.0.0.1:{port}/metrics"

            def ws_gauge():
                text = urllib.request.urlopen(metrics_url, timeout=10).read().decode()
                m = re.search(r'bitten_ws_clients\{surface="trader"\} (\d+)', text)
                return int(m.group(1)) if m else 0
            from common import wait_for
            wait_for(lambda: urllib.request.urlopen(metrics_url, timeout=2).status == 200, 20, "webapp /metrics")
            pool = Pool(port, tokens)
            seq = 0
            last = None
            for step in steps:
                t0 = time.monotonic()
                opened = pool.grow(step - len(pool.clients), t0 + a.step_timeout)
                took = time.monotonic() - t0
                failed = sum(1 for c in pool.clients if c.state == "failed")
                gauge = ws_gauge()
                if opened < step:
                    print(f"{step:6d} clients: only {opened} open after {took:.1f} s ({failed} failed, gauge {gauge})", flush=True)
                    break
                # Broadcast: one accepted signal; the webapp's SUB must have joined our PUB first
                # (retry with a fresh signal id until the first client hears one).
                for c in pool.clients:
                    c.got_signal_at = None
                deadline = time.monotonic() + 30
                sent_at = None
                while time.monotonic() < deadline:
                    seq += 1
                    sent_at = time.perf_counter()
                    pub.send_multipart([b"signal.EURUSD", signal_envelope(seq, f"SIG_BENCHWS{seq:06d}")])
                    end = time.monotonic() + 1.0
                    while time.monotonic() < end and not any(c.got_signal_at for c in pool.clients[:50]):
                        pool.pump(0.02)
                    if any(c.got_signal_at for c in pool.clients):
                        break
                    for c in pool.clients:
                        c.got_signal_at = None
                while time.monotonic() < deadline and not all(c.got_signal_at for c in pool.clients if c.state == "open"):
                    pool.pump(0.05)
                lat = [(c.got_signal_at - sent_at) * 1000 for c in pool.clients if c.got_signal_at]
                got = len(lat)
                open_now = sum(1 for c in pool.clients if c.state == "open")
                ok = got == step and open_now == step and gauge >= step
                print(f"{step:6d} clients: open in {took:5.1f} s, /metrics trader gauge {gauge}; signal to "
                      f"{got}/{step}: p50 {pct(lat, 50):.1f} ms p99 {pct(lat, 99):.1f} ms max {max(lat) if lat else 0:.1f} ms"
                      f" -> {'ok' if ok else 'FAILED'}", flush=True)
                if not ok:
                    break
                passed.append(step)
                last = (pct(lat, 50), pct(lat, 99))
            pid = (fleet.app("webapp") or {}).get("pid")
            rss = 0
            if pid:
                for line in open(f"/proc/{pid}/status"):
                    if line.startswith("VmRSS:"):
                        rss = int(line.split()[1])
            if passed:
                print(f"webapp RSS with {passed[-1]} clients: {rss / 1024:.0f} MiB", flush=True)
            pool.close()
            pool = None
            pub.close()
    except TimeBound as e:
        log(str(e))
    finally:
        if pool:
            pool.close()
        fleet.stop()
        ctx.destroy(linger=0)
    result("scale_ws", max_clients=passed[-1] if passed else 0,
           p50_ms=f"{last[0]:.1f}" if passed else "nan", p99_ms=f"{last[1]:.1f}" if passed else "nan", tried=a.steps)
    return 0


if __name__ == "__main__":
    sys.exit(main())
