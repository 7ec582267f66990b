#!/usr/bin/env python3
"""The security test list, end to end, against the real binaries under a private PM2.

Fleet: event_bus, telemetry_bridge, command_router, confirm_listener, webapp, ea_sim (SIM_EA_000001
online and bound to the trader "alice"). The test plays signal_relay only by writing signal and
mission rows into the store, exactly as test_web_browser.py does; everything else is the real
thing: real HTTP on the four surfaces, real ZeroMQ on 5555/5570, real PM2.

Checks (docs/security.md says what each one proves):
 1. every route of every surface without auth -> 401 (404 where the route is not on the surface),
    also with forged user ids in query/header/body/cookies, forged and revoked sessions, bogus tokens;
 2. another user's missions/fires/positions -> 404 or absent, never the data; a trader on the Throne -> 403;
 3. forged Telegram Login Widget / WebApp initData hashes -> rejected; validly signed -> accepted;
 4. replayed payloads (same surface, other surface, other endpoint), too old / future auth_date,
    expired session -> rejected;
 5. oversized bodies (Content-Length, chunked) -> 413, oversized headers / target -> 431, a body at the
    limit -> accepted, the webapp stays up (same pid, /healthz 200);
 6. path traversal in static serving (.., %2e%2e, encoded slashes, double encoding, backslashes,
    absolute paths, NUL, symlinks out of the root) -> 400/404, never a byte of a file outside web/;
 7. CSRF: cookie-authenticated POSTs without / with a wrong / with another session's token, or from a
    foreign Origin -> 403 with nothing changed; the right token -> accepted;
 8. a rogue DEALER on 5555 claiming SIM_EA_000001 (same routing id; own routing id + HELLO) -> no
    command ever reaches it, ea.duplicate + alert.ea_duplicate on the bus, the Throne shows the EA
    blocked, fires refused (ea_blocked) until an admin clears it, then delivered to the real EA again.

Run: BITTEN_BIN_DIR=<build>/bin /usr/bin/python3 tests/e2e/test_security.py
"""
import hashlib
import hmac
import json
import os
import pathlib
import secrets
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import traceback
import urllib.parse

import zmq
import zmq.utils.monitor

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from fleet import ROOT, Fleet, wait_for  # noqa: E402

APPS = ["event_bus", "telemetry_bridge", "command_router", "confirm_listener", "webapp", "ea_sim"]
BOT_TOKEN = "424242:TEST-ONLY-security-bot-token"  # a test token, passed through the environment
OTHER_BOT_TOKEN = "424243:TEST-ONLY-some-other-bot"
EA_UUID = "SIM_EA_000001"
NS = 1_000_000_000
TG = {"alice": 5_001_001, "bob": 5_001_002, "root": 5_009_999}
MAX_BODY = 65536          # config/webapp.json max_body_bytes (asserted below)
MAX_HEADER = 16 * 1024    # the server's header limit (docs/web.md)
AUTH_MAX_AGE_S = 600      # config/webapp.json auth_max_age_s (asserted below)
SECRET_MARK = "TOP-SECRET-OUTSIDE-WEB-ROOT"


# ---- a raw HTTP/1.1 client: nothing normalised, every byte as written ------------------------------

class Resp:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers  # [(lower name, value)]
        self.body = body

    def header(self, name):
        for k, v in self.headers:
            if k == name:
                return v
        return None

    def set_cookies(self):
        out = {}
        for k, v in self.headers:
            if k == "set-cookie":
                name, _, rest = v.partition("=")
                out[name] = (rest.split(";", 1)[0], v)
        return out

    def json(self):
        return json.loads(self.body.decode())

    @property
    def text(self):
        return self.body.decode("latin-1")

    def __repr__(self):
        return f"<{self.status} {self.body[:300]!r}>"


def _read_response(sock, head_only=False):
    data = b""
    try:
        while True:
            if head_only and b"\r\n\r\n" in data:
                break
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    except (ConnectionResetError, socket.timeout):
        pass
    if not data:
        return Resp(None, [], b"")
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ", 2)
    status = int(parts[1])
    headers = []
    for line in lines[1:]:
        k, _, v = line.partition(":")
        headers.append((k.strip().lower(), v.strip()))
    r = Resp(status, headers, body)
    cl = r.header("content-length")
    if cl is not None and not head_only:
        r.body = body[: int(cl)]
    return r


def raw(port, data, head_only=False, timeout=15):
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        try:
            s.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            pass
        return _read_response(s, head_only)


def request(port, method, target, headers=None, body=None, host=True):
    if isinstance(target, str):
        target = target.encode("latin-1")
    if isinstance(body, (dict, list)):
        body = json.dumps(body).encode()
    elif isinstance(body, str):
        body = body.encode()
    lines = [method.encode() + b" " + target + b" HTTP/1.1"]
    if host:
        lines.append(f"Host: 127.0.0.1:{port}".encode())
    lines.append(b"Connection: close")
    for k, v in (headers or {}).items():
        lines.append(f"{k}: {v}".encode("latin-1"))
    if body is not None:
        lines.append(b"Content-Type: application/json")
        lines.append(f"Content-Length: {len(body)}".encode())
    data = b"\r\n".join(lines) + b"\r\n\r\n" + (body or b"")
    return raw(port, data)


def ws_handshake(port, target="/ws", headers=None):
    h = {"Upgrade": "websocket", "Connection": "Upgrade", "Sec-WebSocket-Version": "13",
         "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="}
    h.update(headers or {})
    lines = [f"GET {target} HTTP/1.1", f"Host: 127.0.0.1:{port}"] + [f"{k}: {v}" for k, v in h.items()]
    return raw(port, ("\r\n".join(lines) + "\r\n\r\n").encode(), head_only=True)


def expect(resp, status, error=None, what=""):
    """Asserts an exact status and (for JSON errors) the exact error code."""
    assert resp.status == status, f"{what}: expected {status}, got {resp!r}"
    if error is not None:
        try:
            j = resp.json()
        except Exception:
            raise AssertionError(f"{what}: expected a JSON error {error!r}, got {resp!r}")
        assert j.get("error") == error, f"{what}: expected error {error!r}, got {j}"
    return resp


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


# ---- Telegram payloads, signed exactly as Telegram documents ------------------------------------------

def _dcs(fields):
    return "\n".join(f"{k}={fields[k]}" for k in sorted(fields) if k != "hash")


def widget_sign(fields, token=BOT_TOKEN):
    out = {k: str(v) for k, v in fields.items()}
    out["hash"] = hmac.new(hashlib.sha256(token.encode()).digest(), _dcs(out).encode(), hashlib.sha256).hexdigest()
    return out


def webapp_sign(fields, token=BOT_TOKEN):
    out = dict(fields)
    secret = hmac.new(b"WebAppData", token.encode(), hashlib.sha256).digest()
    out["hash"] = hmac.new(secret, _dcs(out).encode(), hashlib.sha256).hexdigest()
    return out


def init_data(fields):
    return urllib.parse.urlencode(fields, quote_via=urllib.parse.quote)


_nonce = [0]


def widget_fields(tg_id, name, age_s=0):
    _nonce[0] += 1  # each payload distinct (a signed payload is accepted once)
    return {"id": tg_id, "first_name": name, "username": f"{name.lower()}_{_nonce[0]}",
            "auth_date": int(time.time()) - age_s}


def webapp_fields(tg_id, name, age_s=0):
    _nonce[0] += 1
    user = json.dumps({"id": tg_id, "first_name": name, "username": f"{name.lower()}_{_nonce[0]}"}, separators=(",", ":"))
    return {"query_id": f"AAQ{_nonce[0]}", "user": user, "auth_date": str(int(time.time()) - age_s)}


# ---- the world around the webapp -----------------------------------------------------------------------

class World:
    def __init__(self, fleet):
        self.fleet = fleet
        self.db_path = fleet.state_dir / "bitten.db"
        self.trader = fleet.port(8888)
        self.throne = fleet.port(8899)
        self.tracking = fleet.port(8890)
        self.confidence = fleet.port(8891)
        self.surfaces = {"trader": self.trader, "throne": self.throne, "tracking": self.tracking,
                         "confidence": self.confidence}
        self.tokens = {}
        self.seq = 0

    def admin_cli(self, *args):
        r = subprocess.run([str(self.fleet.bin_dir / "bitten-admin"), "--db", str(self.db_path),
                            "--risk-config", str(self.fleet.config_dir / "risk.json"), *args],
                           capture_output=True, text=True, timeout=60)
        assert r.returncode == 0, (args, r.stdout, r.stderr)
        return r.stdout.strip()

    def db(self):
        c = sqlite3.connect(str(self.db_path), timeout=10)
        c.execute("PRAGMA foreign_keys=ON")
        return c

    def q(self, sql, *a):
        c = self.db()
        try:
            return c.execute(sql, a).fetchall()
        finally:
            c.close()

    def quote(self):
        def get():
            r = request(self.trader, "GET", "/api/bars?symbol=EURUSD&tf=M1&limit=1", bearer(self.tokens["alice"]))
            return r.status == 200 and r.json().get("quote")
        return wait_for(get, 30, "a live EURUSD quote at the webapp", interval=0.2)

    def signal(self, accepted=True):
        """A scored signal row, as signal_relay stores it; SL/TP around the live quote."""
        self.seq += 1
        q = self.quote()
        now = time.time_ns()
        sid = f"S_sec_{os.getpid()}_{self.seq}"
        entry, sl, tp = round(q["ask"], 5), round(q["bid"] - 0.0060, 5), round(q["ask"] + 0.0120, 5)
        data = {"signal_id": sid, "symbol": "EURUSD", "direction": "BUY", "pattern": "LIQUIDITY_SWEEP_REVERSAL",
                "timeframe": "M5", "signal_class": "RAPID", "session": "LONDON", "entry": entry, "sl": sl, "tp": tp,
                "sl_pips": 60, "tp_pips": 120, "rr": 2, "confidence": 81, "spread_pips": 0.5, "atr_pips": 25,
                "bar_time_ns": now, "detected_ns": now, "source": "elite_guard", "features": {},
                "score": {"accepted": accepted, "probability": 0.72, "threshold": 0.6, "model_version": "m-sec",
                          "reason": "model_accept" if accepted else "model_reject", "scored_ns": now}}
        c = self.db()
        try:
            with c:
                c.execute("INSERT INTO signals(signal_id,symbol,direction,pattern,timeframe,signal_class,session,entry,sl,tp,"
                          "sl_pips,tp_pips,rr,confidence,spread_pips,atr_pips,accepted,probability,model_version,score_reason,"
                          "bar_time_ns,detected_ns,source,payload_json,created_ns) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                          (sid, "EURUSD", "BUY", data["pattern"], "M5", "RAPID", "LONDON", entry, sl, tp, 60, 120, 2, 81, 0.5,
                           25, 1 if accepted else 0, 0.72, "m-sec", data["score"]["reason"], now, now, "elite_guard",
                           json.dumps(data), now))
        finally:
            c.close()
        return sid

    def mission(self, user):
        sid = self.signal()
        mid = f"M_{sid}_{user}"
        now = time.time_ns()
        c = self.db()
        try:
            with c:
                c.execute("INSERT INTO missions(mission_id,user_id,signal_id,lot_preview,created_ns,expires_ns) VALUES(?,?,?,?,?,?)",
                          (mid, user, sid, 0.1, now, now + 900 * NS))
        finally:
            c.close()
        return mid, sid

    def fire(self, user, mission_id, headers=None):
        h = bearer(self.tokens[user])
        h.update(headers or {})
        return request(self.trader, "POST", "/api/fire", h,
                       {"mission_id": mission_id, "idempotency_key": "k-" + secrets.token_hex(6)})

    def fire_state(self, user, fire_id):
        r = expect(request(self.trader, "GET", "/api/fires?limit=200", bearer(self.tokens[user])), 200, what="GET /api/fires")
        for f in r.json()["fires"]:
            if f["fire_id"] == fire_id:
                return f
        return None

    def wait_fire(self, user, fire_id, states, timeout=60):
        return wait_for(lambda: (f := self.fire_state(user, fire_id)) and f["state"] in states and f,
                        timeout, f"fire {fire_id} to reach {states}", interval=0.3)

    def session(self, user, port=None):
        """Signs in on a page with an API token (POST /auth/token): the session cookie and its CSRF token."""
        r = expect(request(port or self.trader, "POST", "/auth/token", {}, {"token": self.tokens[user]}), 200,
                   what=f"token sign-in for {user}")
        ck = r.set_cookies()
        return ck["bitten_session"][0], ck["bitten_csrf"][0], r


# ---- the route table (docs/web.md; services/webapp/app.cpp) ---------------------------------------------

ALL = ("trader", "throne", "tracking", "confidence")
TRADER = ("trader",)
THRONE = ("throne",)
DASH = ("trader", "throne", "tracking", "confidence")  # /api/signals/{id}, /api/bars


def route_table(mission_id, signal_id):
    """(method, target, surfaces it exists on, access P/U/A)."""
    return [
        ("GET", "/healthz", ALL, "P"),
        ("GET", "/metrics", ALL, "P"),
        ("GET", "/auth/config", ALL, "P"),
        ("POST", "/auth/logout", ALL, "U"),
        ("GET", "/api/me", ALL, "U"),
        ("GET", "/api/signals?limit=5", TRADER, "U"),
        ("GET", f"/api/signals/{signal_id}", DASH, "U"),
        ("GET", "/api/bars?symbol=EURUSD&tf=M1&limit=5", DASH, "U"),
        ("GET", "/api/missions", TRADER, "U"),
        ("GET", f"/api/missions/{mission_id}", TRADER, "U"),
        ("POST", "/api/fire", TRADER, "U"),
        ("GET", "/api/fires", TRADER, "U"),
        ("GET", "/api/positions", TRADER, "U"),
        ("GET", "/api/account", TRADER, "U"),
        ("GET", "/api/mode", TRADER, "U"),
        ("POST", "/api/mode", TRADER, "U"),
        ("GET", "/api/admin/users", THRONE, "A"),
        ("POST", "/api/admin/users/alice", THRONE, "A"),
        ("POST", "/api/admin/users/alice/halt", THRONE, "A"),
        ("GET", "/api/admin/halt", THRONE, "A"),
        ("POST", "/api/admin/halt", THRONE, "A"),
        ("GET", "/api/admin/ea", THRONE, "A"),
        ("POST", f"/api/admin/ea/{EA_UUID}", THRONE, "A"),
        ("GET", "/api/admin/audit", THRONE, "A"),
        ("GET", "/api/admin/health", THRONE, "A"),
        ("GET", "/api/admin/models", THRONE, "A"),
        ("POST", "/api/admin/models/rollback", THRONE, "A"),
        ("POST", "/api/admin/models/m-sec/promote", THRONE, "A"),
        ("GET", "/api/admin/users/alice/fires", THRONE, "A"),
        ("GET", "/api/admin/fires?limit=5", THRONE, "A"),
        ("GET", "/api/tracking/signals", ("tracking", "throne"), "U"),
        ("GET", "/api/tracking/stats?days=7", ("tracking", "throne"), "U"),
        ("GET", "/api/confidence/calibration?days=7&buckets=5", ("confidence", "throne"), "U"),
        ("GET", "/api/confidence/models", ("confidence", "throne"), "U"),
    ]


# A body that tries to name the user, role and tier itself (no route may read any of these).
FORGED_BODY = {"user_id": "root", "uid": "root", "role": "admin", "tier": "FANG+", "telegram_id": TG["root"],
               "mission_id": "M_forged", "idempotency_key": "forged-1", "halted": True, "reason": "forged",
               "blocked": False, "mode": "AUTO"}
FORGED_HEADERS = {"X-User-Id": "root", "X-Forwarded-User": "root", "X-Remote-User": "root", "X-Role": "admin",
                  "X-Telegram-Id": str(TG["root"]), "X-Forwarded-For": "127.0.0.1",
                  "Cookie": "user_id=root; role=admin; bitten_csrf=" + "0" * 64}


def with_forged_query(target):
    return target + ("&" if "?" in target else "?") + "user_id=root&uid=root&as=root&role=admin"


# ---- the checks -----------------------------------------------------------------------------------------

def check_1_no_auth(w):
    mid, sid = w.mission("alice")
    routes = route_table(mid, sid)
    random_session = secrets.token_hex(32)
    # A session that existed and was revoked (logout) must be dead too.
    cookie, csrf, _ = w.session("bob")
    expect(request(w.trader, "POST", "/auth/logout", {"Cookie": f"bitten_session={cookie}", "X-CSRF-Token": csrf}, {}),
           200, what="bob logs out")
    variants = {
        "no credentials": lambda t: (t, {}),
        "forged ids in query/header/body/cookie": lambda t: (with_forged_query(t), dict(FORGED_HEADERS)),
        "forged session cookie + matching csrf": lambda t: (t, {"Cookie": f"bitten_session={random_session}",
                                                                "X-CSRF-Token": hashlib.sha256(f"csrf:{random_session}".encode()).hexdigest()}),
        "revoked (logged-out) session": lambda t: (t, {"Cookie": f"bitten_session={cookie}", "X-CSRF-Token": csrf}),
        "bogus bearer token": lambda t: (t, {"Authorization": "Bearer bt_" + secrets.token_hex(24)}),
        "user id as bearer": lambda t: (t, {"Authorization": "Bearer root"}),
        "basic auth": lambda t: (t, {"Authorization": "Basic cm9vdDpyb290"}),
    }
    n = 0
    for surface, port in w.surfaces.items():
        for method, target, surfaces, access in routes:
            if access == "P":
                continue
            on = surface in surfaces
            for vname, make in variants.items():
                t, h = make(target)
                body = dict(FORGED_BODY) if method == "POST" else None
                r = request(port, method, t, h, body)
                what = f"{vname}: {method} {t} on {surface}"
                if on:
                    expect(r, 401, "unauthenticated", what)
                else:
                    expect(r, 404, "not_found", what)
                assert set(r.json()) <= {"error", "message"}, f"{what}: the refusal carries data: {r!r}"
                n += 1
        # The WebSocket: refused without credentials and with forged ones.
        for vname, make in variants.items():
            _, h = make("/ws")
            r = ws_handshake(port, with_forged_query("/ws") if "forged" in vname else "/ws", h)
            assert r.status == 401, f"{vname}: /ws on {surface}: expected 401, got {r!r}"
            n += 1
        print(f"PASS [1. no auth] {surface} (:{port}): {len(routes)} routes + /ws x {len(variants)} credential variants "
              f"-> 401 (404 off-surface), no data")
    # The state-changing POSTs with forged bodies changed nothing.
    assert w.q("SELECT value FROM system_flags WHERE name='global_halt'") in ([], [("0",)], [("false",)]), \
        w.q("SELECT * FROM system_flags")
    assert w.q("SELECT role, tier, halted FROM users WHERE user_id='alice'") == [("trader", "FANG+", 0)]
    assert w.q("SELECT COUNT(*) FROM fires")[0][0] == 0, "a forged POST /api/fire created a fire"
    assert w.q("SELECT blocked FROM ea_instances WHERE uuid=?", EA_UUID) == [(0,)]
    # Positive control: the same table with the admin's token reaches every route (so the 401s above
    # came from authentication, not from a wrong path). GET only: the POSTs would change state.
    for surface, port in w.surfaces.items():
        for method, target, surfaces, access in routes:
            if method != "GET" or surface not in surfaces:
                continue
            r = request(port, method, target, bearer(w.tokens["root"]))
            ok = r.status == 200 or (target.startswith("/api/missions/") and r.status == 404)  # not root's mission
            assert ok, f"admin control: {method} {target} on {surface}: {r!r}"
            n += 1
    print(f"PASS [1. no auth] {n} requests; forged POST bodies changed nothing (no fire, no halt, no role); "
          f"the admin token reaches every GET route (control)")


def check_2_other_user(w):
    mid, sid = w.mission("alice")
    # alice fires her mission: a real fire that reaches the simulated EA and fills.
    r = expect(w.fire("alice", mid), 202, what="alice fires her own mission")
    fire_id = r.json()["fire_id"]
    filled = w.wait_fire("alice", fire_id, ("FILLED",))
    assert filled["ticket"], filled
    print(f"PASS [2. other user] control: alice's mission {mid} fired -> {fire_id} FILLED at {EA_UUID} (ticket {filled['ticket']})")
    A, B = bearer(w.tokens["alice"]), bearer(w.tokens["bob"])
    # The owner sees it (so the refusals below are about ownership, not absence).
    expect(request(w.trader, "GET", f"/api/missions/{mid}", A), 200, what="alice reads her mission")
    # Another user: the mission brief is 404, indistinguishable from a missing one.
    for h in (B, {**B, "X-User-Id": "alice"}):
        r = expect(request(w.trader, "GET", with_forged_query(f"/api/missions/{mid}").replace("root", "alice"), h),
                   404, "mission_not_found", "bob reads alice's mission")
        assert sid not in r.text and fire_id not in r.text, r
    missing = expect(request(w.trader, "GET", "/api/missions/M_does_not_exist", B), 404, "mission_not_found")
    assert missing.body == r.body, (missing, r)
    # Firing someone else's mission: 404, and nothing recorded for anyone.
    before = w.q("SELECT COUNT(*) FROM fires")[0][0]
    expect(w.fire("bob", mid, {"X-User-Id": "alice"}), 404, "mission_not_found", "bob fires alice's mission")
    assert w.q("SELECT COUNT(*) FROM fires")[0][0] == before, "bob's attempt recorded a fire"
    # Lists are the caller's own, whatever the query/header says.
    for path in ("/api/missions", "/api/fires", "/api/positions", "/api/account", "/api/mode"):
        for t, h in ((path, B), (with_forged_query(path).replace("root", "alice"), {**B, "X-User-Id": "alice"})):
            r = expect(request(w.trader, "GET", t, h), 200, what=f"bob GET {t}")
            for secret in (mid, sid, fire_id, EA_UUID, str(filled["ticket"])):
                assert secret not in r.text, f"bob's {t} shows alice's {secret}: {r!r}"
    acct = request(w.trader, "GET", "/api/account", B).json()
    assert acct["user_id"] == "bob" and acct["ea"] is None, acct
    mine = request(w.trader, "GET", "/api/positions", A).json()
    assert any(p["fire_id"] == fire_id for p in mine["open"] + mine["recent"]), mine
    mine = request(w.trader, "GET", "/api/missions", A).json()
    assert any(m["mission_id"] == mid for m in mine["missions"]), mine
    print("PASS [2. other user] bob: alice's mission brief 404 (same body as a missing mission), her fire 404 and "
          "nothing recorded; his missions/fires/positions/account/mode never show her mission, signal, fire, EA or "
          "ticket, even with ?user_id=alice / X-User-Id: alice")
    # Rejected signals are for admins only (?all=1 is ignored for a trader).
    rejected = w.signal(accepted=False)
    r = expect(request(w.trader, "GET", "/api/signals?limit=200&all=1", B), 200)
    assert rejected not in r.text, "a trader sees a rejected signal with all=1"
    r = expect(request(w.trader, "GET", "/api/signals?limit=200&all=1", bearer(w.tokens["root"])), 200)
    assert rejected in r.text, "control: the admin sees the rejected signal"
    print("PASS [2. other user] ?all=1 shows rejected signals to the admin only")
    # A trader on the Throne: 403 on every route (admin routes and the shared ones), with a token or a session.
    cookie, csrf, _ = w.session("bob", w.throne)
    routes = route_table(mid, sid)
    n = 0
    for cred in (B, {"Cookie": f"bitten_session={cookie}", "X-CSRF-Token": csrf}):
        for method, target, surfaces, access in routes:
            if "throne" not in surfaces or access == "P":
                continue
            body = {"halted": True, "reason": "bob", "role": "admin", "tier": "FANG+", "blocked": True} if method == "POST" else None
            r = expect(request(w.throne, method, target, {**cred, "Origin": f"http://127.0.0.1:{w.throne}"}, body), 403,
                       "forbidden", f"bob {method} {target} on the Throne")
            assert set(r.json()) <= {"error", "message"}, r
            n += 1
        r = ws_handshake(w.throne, "/ws", cred)
        assert r.status == 403, f"bob's /ws on the Throne: {r!r}"
        n += 1
    # The trader's admin attempts changed nothing.
    assert w.q("SELECT role, tier, halted FROM users WHERE user_id='bob'") == [("trader", "COMMANDER", 0)]
    assert w.q("SELECT role, tier, halted FROM users WHERE user_id='alice'") == [("trader", "FANG+", 0)]
    r = expect(request(w.throne, "GET", "/api/admin/halt", bearer(w.tokens["root"])), 200)
    assert r.json()["halted"] is False, r
    assert w.q("SELECT blocked FROM ea_instances WHERE uuid=?", EA_UUID) == [(0,)]
    # Control: the admin sees alice's fire on the Throne.
    r = expect(request(w.throne, "GET", "/api/admin/users/alice/fires", bearer(w.tokens["root"])), 200)
    assert fire_id in r.text, r
    print(f"PASS [2. other user] trader bob on the Throne: {n} requests (token and session, GET/POST, /ws) -> 403 "
          "forbidden, no role/tier/halt/EA change; the admin sees alice's fire there (control)")


def check_3_forged_telegram(w):
    T = w.trader
    cfg = expect(request(T, "GET", "/auth/config"), 200).json()
    assert cfg["bot_username"] == "bitten_security_test_bot", cfg
    # Positive path: a payload signed with the configured bot token signs alice in.
    r = expect(request(T, "POST", "/auth/telegram", {}, widget_sign(widget_fields(TG["alice"], "Alice"))), 200,
               what="validly signed widget payload")
    assert r.json()["user_id"] == "alice" and r.json()["role"] == "trader", r
    ck = r.set_cookies()
    assert "HttpOnly" in ck["bitten_session"][1] and "SameSite=Strict" in ck["bitten_session"][1], ck
    assert "HttpOnly" not in ck["bitten_csrf"][1], ck
    assert ck["bitten_csrf"][0] == hashlib.sha256(f"csrf:{ck['bitten_session'][0]}".encode()).hexdigest()
    me = expect(request(T, "GET", "/api/me", {"Cookie": f"bitten_session={ck['bitten_session'][0]}"}), 200).json()
    assert me["user_id"] == "alice", me
    # WebApp initData, validly signed (WebApp secret): an unknown Telegram user is registered read-only.
    newcomer = 7_700_001
    r = expect(request(T, "POST", "/auth/webapp", {}, {"init_data": init_data(webapp_sign(webapp_fields(newcomer, "Newbie")))}),
               200, what="validly signed initData")
    assert r.json()["user_id"] == f"tg{newcomer}" and r.json()["tier"] == "PRESS" and r.json()["role"] == "trader", r
    # ... who cannot fire (PRESS is read-only).
    nc = r.set_cookies()
    mid, _ = w.mission("alice")
    expect(request(T, "POST", "/api/fire", {"Cookie": f"bitten_session={nc['bitten_session'][0]}",
                                            "X-CSRF-Token": nc["bitten_csrf"][0]},
                   {"mission_id": mid, "idempotency_key": "press-1"}), 403, "forbidden", "PRESS fire")
    # The redirect flow, validly signed: 303 to / with the cookies.
    f = widget_sign(widget_fields(TG["bob"], "Bob"))
    r = expect(request(T, "GET", "/auth/telegram/callback?" + urllib.parse.urlencode(f)), 303)
    assert r.header("location") == "/" and "bitten_session" in r.set_cookies(), r.headers
    print("PASS [3. forged telegram] positive: validly signed widget (alice), WebApp initData (new user -> PRESS, "
          "fire 403) and callback (303 /) sign in; cookies HttpOnly+SameSite=Strict, csrf = sha256('csrf:'+session)")

    sessions_before = w.q("SELECT COUNT(*) FROM sessions")[0][0]
    users_before = w.q("SELECT COUNT(*) FROM users")[0][0]
    n = 0

    def refused(resp, error, what, status=401):
        nonlocal n
        expect(resp, status, error, what)
        assert "set-cookie" not in [k for k, _ in resp.headers], f"{what}: a cookie was set: {resp.headers}"
        n += 1

    # Login Widget: become the admin by changing the id of a genuine payload; tamper each field; bad hashes.
    genuine = widget_sign(widget_fields(TG["bob"], "Bob"))
    refused(request(T, "POST", "/auth/telegram", {}, {**genuine, "id": str(TG["root"])}), "bad_hash", "widget: id swapped to the admin's")
    refused(request(T, "POST", "/auth/telegram", {}, {**genuine, "id": TG["root"]}), "bad_hash", "widget: id swapped (integer)")
    refused(request(T, "POST", "/auth/telegram", {}, {**genuine, "first_name": "Bobby"}), "bad_hash", "widget: first_name tampered")
    refused(request(T, "POST", "/auth/telegram", {}, {**genuine, "auth_date": str(int(genuine["auth_date"]) + 1)}), "bad_hash",
            "widget: auth_date tampered")
    refused(request(T, "POST", "/auth/telegram", {}, {**genuine, "photo_url": "https://evil.example/x.png"}), "bad_hash",
            "widget: field added")
    dropped = dict(genuine)
    del dropped["username"]
    refused(request(T, "POST", "/auth/telegram", {}, dropped), "bad_hash", "widget: field removed")
    flipped = genuine["hash"][:-1] + ("0" if genuine["hash"][-1] != "0" else "1")
    refused(request(T, "POST", "/auth/telegram", {}, {**genuine, "hash": flipped}), "bad_hash", "widget: one hash digit changed")
    refused(request(T, "POST", "/auth/telegram", {}, {**genuine, "hash": genuine["hash"].upper()}), "bad_hash", "widget: hash upper-cased")
    refused(request(T, "POST", "/auth/telegram", {}, {**genuine, "hash": "0" * 64}), "bad_hash", "widget: zero hash")
    refused(request(T, "POST", "/auth/telegram", {}, {**genuine, "hash": genuine["hash"][:32]}), "bad_payload",
            "widget: short hash", 400)
    no_hash = dict(genuine)
    del no_hash["hash"]
    refused(request(T, "POST", "/auth/telegram", {}, no_hash), "bad_payload", "widget: no hash", 400)
    refused(request(T, "POST", "/auth/telegram", {}, widget_sign(widget_fields(TG["root"], "Root"), OTHER_BOT_TOKEN)), "bad_hash",
            "widget: signed with another bot's token")
    refused(request(T, "POST", "/auth/telegram", {}, webapp_sign({k: str(v) for k, v in widget_fields(TG["root"], "Root").items()})),
            "bad_hash", "widget: signed with the WebApp secret instead of SHA256(token)")
    naive = {k: str(v) for k, v in widget_fields(TG["root"], "Root").items()}
    naive["hash"] = hmac.new(BOT_TOKEN.encode(), _dcs(naive).encode(), hashlib.sha256).hexdigest()
    refused(request(T, "POST", "/auth/telegram", {}, naive), "bad_hash", "widget: HMAC keyed with the raw token")
    plain = {k: str(v) for k, v in widget_fields(TG["root"], "Root").items()}
    plain["hash"] = hashlib.sha256(_dcs(plain).encode()).hexdigest()
    refused(request(T, "POST", "/auth/telegram", {}, plain), "bad_hash", "widget: unkeyed SHA-256")
    cb = dict(genuine)
    cb["id"] = str(TG["root"])
    r = request(T, "GET", "/auth/telegram/callback?" + urllib.parse.urlencode(cb))
    expect(r, 303, what="callback with a forged id")
    assert r.header("location") == "/?signin=bad_hash" and "bitten_session" not in r.set_cookies(), r.headers
    n += 1
    # WebApp initData: tamper the user JSON / the hash / use the widget secret.
    fields = webapp_sign(webapp_fields(TG["bob"], "Bob"))
    u = json.loads(fields["user"])
    u["id"] = TG["root"]
    refused(request(T, "POST", "/auth/webapp", {}, {"init_data": init_data({**fields, "user": json.dumps(u, separators=(",", ":"))})}),
            "bad_hash", "initData: user.id swapped to the admin's")
    refused(request(T, "POST", "/auth/webapp", {}, {"init_data": init_data({**fields, "query_id": "AAQforged"})}),
            "bad_hash", "initData: query_id tampered")
    refused(request(T, "POST", "/auth/webapp", {}, {"init_data": init_data({**fields, "hash": fields["hash"][::-1]})}),
            "bad_hash", "initData: hash reversed")
    refused(request(T, "POST", "/auth/webapp", {}, {"init_data": init_data(widget_sign(webapp_fields(TG["root"], "Root")))}),
            "bad_hash", "initData: signed with the widget secret")
    refused(request(T, "POST", "/auth/webapp", {}, {"init_data": init_data(webapp_sign(webapp_fields(TG["root"], "Root"), OTHER_BOT_TOKEN))}),
            "bad_hash", "initData: another bot's token")
    refused(request(T, "POST", "/auth/webapp", {}, {"init_data": init_data(fields) + "&user=" + urllib.parse.quote(json.dumps({"id": TG["root"]}))}),
            "bad_payload", "initData: a second user field appended", 400)
    refused(request(T, "POST", "/auth/webapp", {}, {"init_data": 12345}), "bad_payload", "initData: not a string", 400)
    # The genuine payloads the forgeries were made from still work (they were never consumed).
    expect(request(T, "POST", "/auth/telegram", {}, genuine), 200, what="the untampered widget payload")
    expect(request(T, "POST", "/auth/webapp", {}, {"init_data": init_data(fields)}), 200, what="the untampered initData")
    assert w.q("SELECT COUNT(*) FROM sessions")[0][0] == sessions_before + 2, "a forged payload created a session"
    assert w.q("SELECT COUNT(*) FROM users")[0][0] == users_before, "a forged payload registered a user"
    assert not w.q("SELECT 1 FROM sessions s JOIN users u USING(user_id) WHERE u.role='admin'"), \
        "a session for the admin exists although the admin never signed in"
    print(f"PASS [3. forged telegram] {n} forged/tampered payloads (widget, callback, initData) -> 401 bad_hash / "
          "400 bad_payload, no cookie, no session, no user; the untampered originals then sign in (control)")


def check_4_replay(w):
    T = w.trader
    # Widget payload used twice (same surface, another surface, the redirect endpoint).
    f = widget_sign(widget_fields(TG["bob"], "Bob"))
    expect(request(T, "POST", "/auth/telegram", {}, f), 200, what="first use")
    expect(request(T, "POST", "/auth/telegram", {}, f), 401, "replayed", "widget payload, second use")
    expect(request(w.tracking, "POST", "/auth/telegram", {}, f), 401, "replayed", "widget payload replayed on 8890")
    r = expect(request(T, "GET", "/auth/telegram/callback?" + urllib.parse.urlencode(f)), 401, "replayed",
               "widget payload replayed on the callback")
    assert "bitten_session" not in r.set_cookies()
    g = widget_sign(widget_fields(TG["bob"], "Bob"))
    expect(request(T, "GET", "/auth/telegram/callback?" + urllib.parse.urlencode(g)), 303, what="callback first use")
    expect(request(T, "POST", "/auth/telegram", {}, g), 401, "replayed", "callback payload replayed as a POST")
    # initData used twice.
    d = init_data(webapp_sign(webapp_fields(TG["bob"], "Bob")))
    expect(request(T, "POST", "/auth/webapp", {}, {"init_data": d}), 200, what="initData first use")
    expect(request(T, "POST", "/auth/webapp", {}, {"init_data": d}), 401, "replayed", "initData second use")
    expect(request(w.confidence, "POST", "/auth/webapp", {}, {"init_data": d}), 401, "replayed", "initData on 8891")
    print("PASS [4. replay] a signed payload is accepted once: the second use -> 401 replayed (same surface, "
          "another surface, widget <-> callback, initData)")
    # auth_date outside the window: too old, in the future; just inside is fine.
    old = AUTH_MAX_AGE_S + 5
    expect(request(T, "POST", "/auth/telegram", {}, widget_sign(widget_fields(TG["bob"], "Bob", age_s=old))), 401,
           "auth_expired", "widget auth_date too old")
    expect(request(T, "POST", "/auth/webapp", {}, {"init_data": init_data(webapp_sign(webapp_fields(TG["bob"], "Bob", age_s=old)))}),
           401, "auth_expired", "initData auth_date too old")
    expect(request(T, "POST", "/auth/telegram", {}, widget_sign(widget_fields(TG["bob"], "Bob", age_s=-300))), 401,
           "auth_expired", "widget auth_date 5 min in the future")
    expect(request(T, "POST", "/auth/telegram", {}, widget_sign(widget_fields(TG["bob"], "Bob", age_s=AUTH_MAX_AGE_S - 60))), 200,
           what="widget auth_date just inside the window")
    print(f"PASS [4. replay] auth_date older than auth_max_age_s ({AUTH_MAX_AGE_S}s) or 5 min ahead -> 401 auth_expired "
          "(widget and initData); 60 s inside the window -> 200")
    # An expired session (its expiry passed) is refused like an unknown one.
    dead = secrets.token_hex(32)
    now = time.time_ns()
    c = w.db()
    try:
        with c:
            c.execute("INSERT INTO sessions(token_hash,user_id,created_ns,expires_ns) VALUES(?,?,?,?)",
                      (hashlib.sha256(dead.encode()).hexdigest(), "root", now - 2 * 3600 * NS, now - NS))
    finally:
        c.close()
    for port in (T, w.throne):
        expect(request(port, "GET", "/api/me", {"Cookie": f"bitten_session={dead}"}), 401, "unauthenticated",
               "an expired admin session")
    print("PASS [4. replay] an expired session cookie (even an admin's) -> 401")


def check_5_oversized(w):
    pid_before = w.fleet.app("webapp")["pid"]
    A = bearer(w.tokens["alice"])
    n = 0
    for port in (w.trader, w.throne):
        head = (f"POST /api/mode HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: Bearer {w.tokens['alice']}\r\n"
                "Content-Type: application/json\r\n")
        # Declared one byte over the limit (and part of it sent).
        r = raw(port, (head + f"Content-Length: {MAX_BODY + 1}\r\n\r\n").encode() + b"{" + b" " * 1000)
        expect(r, 413, "too_large", f"Content-Length {MAX_BODY + 1} on :{port}")
        # Declared huge.
        r = raw(port, (head + "Content-Length: 10000000000\r\n\r\n").encode())
        expect(r, 413, "too_large", f"Content-Length 10^10 on :{port}")
        # Chunked, one chunk over the limit.
        r = raw(port, (head + "Transfer-Encoding: chunked\r\n\r\n").encode() + f"{MAX_BODY + 16:x}\r\n".encode() + b"x" * 100)
        expect(r, 413, "too_large", f"one chunk over the limit on :{port}")
        # Chunked, many 1 KiB chunks exactly filling the limit, then one byte more (sent last, so the
        # server has read everything when it refuses: its close is a FIN, not a reset).
        chunks = b"".join(b"400\r\n" + b"y" * 1024 + b"\r\n" for _ in range(MAX_BODY // 1024)) + b"1\r\nz"
        r = raw(port, (head + "Transfer-Encoding: chunked\r\n\r\n").encode() + chunks)
        expect(r, 413, "too_large", f"chunks adding up past the limit on :{port}")
        # One huge header, many headers, a huge request target.
        r = raw(port, (f"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nX-Big: {'a' * (MAX_HEADER + 10)}\r\n\r\n").encode())
        expect(r, 431, "too_large", f"one {MAX_HEADER + 10}-byte header on :{port}")
        many = "".join(f"X-H{i}: {'b' * 100}\r\n" for i in range(MAX_HEADER // 100 + 10))
        r = raw(port, (f"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{many}\r\n").encode())
        expect(r, 431, "too_large", f"{MAX_HEADER // 100 + 10} headers on :{port}")
        r = raw(port, (f"GET /healthz?x={'c' * (MAX_HEADER + 10)} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n").encode())
        expect(r, 431, "too_large", f"a {MAX_HEADER + 10}-byte request target on :{port}")
        cookie = "; ".join(f"c{i}={'d' * 200}" for i in range(MAX_HEADER // 200 + 5))
        r = raw(port, (f"GET /api/me HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nCookie: {cookie}\r\n\r\n").encode())
        expect(r, 431, "too_large", f"a huge Cookie header on :{port}")
        n += 8
    # Exactly at the limit: accepted (the limit is the limit, not less).
    pad = MAX_BODY - len(json.dumps({"mode": "SELECT", "pad": ""}))
    body = json.dumps({"mode": "SELECT", "pad": "p" * pad})
    assert len(body) == MAX_BODY
    r = expect(request(w.trader, "POST", "/api/mode", A, body), 200, what=f"a body of exactly {MAX_BODY} bytes")
    assert r.json()["mode"] == "SELECT", r
    # Still up: same process, healthy, answering authenticated requests on every surface.
    for port in w.surfaces.values():
        wait_for(lambda: request(port, "GET", "/healthz").status == 200, 20, f"/healthz 200 on :{port} after the oversized requests")
    expect(request(w.trader, "GET", "/api/me", A), 200)
    app = w.fleet.app("webapp")
    assert app["pid"] == pid_before and app["pm2_env"]["status"] == "online", (pid_before, app["pid"])
    print(f"PASS [5. oversized] {n} requests: bodies > {MAX_BODY} B (declared, huge, chunked) -> 413, headers/target/"
          f"cookies > {MAX_HEADER} B -> 431; a {MAX_BODY} B body -> 200; webapp same pid {pid_before}, /healthz 200 on all four surfaces")


SECRET_MARKERS = (SECRET_MARK, "trader_listen", "SQLite format", "root:x:0:", "cmake_minimum_required", '"tiers"')


def check_6_traversal(w):
    n = 0

    def refused(port, target, allowed=(404,), what=None):
        nonlocal n
        data = b"GET " + (target if isinstance(target, bytes) else target.encode("latin-1")) + \
            f" HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n".encode()
        r = raw(port, data)
        what = what or f"GET {target!r} on :{port}"
        for marker in SECRET_MARKERS:
            assert marker.encode() not in r.body, f"{what}: LEAKED a file outside web/ ({marker}): {r!r}"
        assert r.status in allowed, f"{what}: expected {allowed}, got {r!r}"
        if r.status is not None:
            assert r.json().get("error") in ("not_found", "bad_request"), f"{what}: {r!r}"
        n += 1
        return r

    secret_abs = str(w.fleet.dir / "secret.txt")
    for port in w.surfaces.values():
        # Positive controls: the pages and shared files are served.
        r = request(port, "GET", "/")
        assert r.status == 200 and b"<html" in r.body.lower() and "script-src 'self'" in (r.header("content-security-policy") or ""), r
        assert request(port, "GET", "/static/style.css").status == 200
        assert request(port, "GET", "/static/common.js").status == 200
        for t in [
            "/../secret.txt", "/../../secret.txt", "/../../../../../../etc/passwd", "/static/../../secret.txt",
            "/static/../../../config/webapp.json", "/vendor/../../config/webapp.json",
            "/%2e%2e/%2e%2e/secret.txt", "/%2E%2E/%2E%2E/config/webapp.json", "/.%2e/.%2e/secret.txt",
            "/static/%2e%2e/%2e%2e/secret.txt", "/..%2f..%2fsecret.txt", "/static/..%2f..%2f..%2fconfig%2fwebapp.json",
            "/%2e%2e%2f%2e%2e%2fvar%2fbitten.db", "/static/%2e%2e%2fthrone%2f..%2f..%2fsecret.txt",
            "/%252e%252e/%252e%252e/secret.txt", "/static/%252e%252e%252f%252e%252e%252fsecret.txt",
            "/..%5c..%5csecret.txt", "/static/..%5c..%5csecret.txt", "/..\\..\\secret.txt",
            "/%c0%ae%c0%ae/%c0%ae%c0%ae/secret.txt", "/%u002e%u002e/secret.txt",
            "//etc/passwd", "/etc/passwd", "/" + secret_abs, "/" + urllib.parse.quote(secret_abs, safe=""),
            "/static/" + urllib.parse.quote(secret_abs, safe=""), "/static//etc/passwd",
            "/index.html%00.js", "/%00", "/static/style.css%00", "/static/%00../../secret.txt",
            "/.hidden", "/.%2e", "/static/.git/config", "/static/./style.css", "/./index.html",
            "/leak.txt", "/static/leak.css", "/escape/secret.txt", "/escape/config/webapp.json",
            "/static/escape/secret.txt",
        ]:
            refused(port, t, (400, 404))
        # The path is decoded exactly once, for the surface's pages and for /static/ alike: a
        # single-encoded name is served, a double-encoded one is the literal name "%73tyle.css" (404).
        assert request(port, "GET", "/static/%73tyle.css").status == 200, "single-encoded /static/ name"
        assert request(port, "GET", "/%69ndex.html").status == 200, "single-encoded page name"
        for t in ["/static/%2573tyle.css", "/static/%2563ommon.js", "/%2569ndex.html"]:
            refused(port, t, (404,), f"GET {t} on :{port} (double decoding)")
        # Not a path at all / malformed escapes -> 400.
        for t in ["../secret.txt", "%2e%2e/secret.txt", "http://127.0.0.1/../../secret.txt", "/%zz", "/%",
                  "/%2", "*"]:
            refused(port, t, (400,))
        # A raw NUL or other control byte in the request line is refused by the HTTP parser itself: the
        # connection is closed without a response (never a file).
        for t in [b"/index.html\x00.js", b"/\x00../../secret.txt", b"/..\x01/secret.txt"]:
            refused(port, t, (None, 400))
    print(f"PASS [6. traversal] {n} requests on four surfaces ('..', %2e%2e, %2f, %5c, double/overlong encoding, "
          "absolute paths, NUL, hidden files, symlinks out of the root) -> 400/404 or refused by the parser, "
          "never a byte of secret.txt/config/db//etc/passwd; the pages themselves are served (control)")


def check_7_csrf(w):
    T = w.trader
    cookie, csrf, _ = w.session("alice")
    other_cookie, other_csrf, _ = w.session("bob")
    base = {"Cookie": f"bitten_session={cookie}"}
    same_origin = {"Origin": f"http://127.0.0.1:{T}"}

    def mode():
        return expect(request(T, "GET", "/api/mode", base), 200).json()["mode"]

    assert mode() == "SELECT"
    bad = [
        ({}, "csrf", "no X-CSRF-Token"),
        ({"X-CSRF-Token": ""}, "csrf", "empty X-CSRF-Token"),
        ({"X-CSRF-Token": "0" * 64}, "csrf", "wrong X-CSRF-Token"),
        ({"X-CSRF-Token": csrf[:-1] + ("0" if csrf[-1] != "0" else "1")}, "csrf", "X-CSRF-Token one digit off"),
        ({"X-CSRF-Token": other_csrf}, "csrf", "another session's X-CSRF-Token"),
        ({"X-CSRF-Token": cookie}, "csrf", "the session cookie itself as the token"),
        ({"X-CSRF-Token": csrf, "Origin": "http://evil.example"}, "bad_origin", "right token, foreign Origin"),
        ({"X-CSRF-Token": csrf, "Origin": "null"}, "bad_origin", "right token, Origin null"),
        ({"X-CSRF-Token": csrf, "Origin": f"http://127.0.0.1:{T}.evil.example"}, "bad_origin", "right token, look-alike Origin"),
        ({"X-CSRF-Token": csrf, "Origin": f"http://127.0.0.1:{w.throne}"}, "bad_origin", "right token, another port's Origin"),
        ({"Origin": "http://evil.example"}, "bad_origin", "foreign Origin, no token"),
    ]
    n = 0
    for extra, error, what in bad:
        expect(request(T, "POST", "/api/mode", {**base, **extra}, {"mode": "AUTO"}), 403, error, f"POST /api/mode: {what}")
        n += 1
    assert mode() == "SELECT", "a refused POST changed the mode"
    # Fire: refused without the token, nothing recorded; accepted with it.
    mid, _ = w.mission("alice")
    before = w.q("SELECT COUNT(*) FROM fires WHERE mission_id=?", mid)[0][0]
    expect(request(T, "POST", "/api/fire", base, {"mission_id": mid, "idempotency_key": "csrf-1"}), 403, "csrf", "fire without token")
    expect(request(T, "POST", "/api/fire", {**base, "X-CSRF-Token": other_csrf}, {"mission_id": mid, "idempotency_key": "csrf-2"}),
           403, "csrf", "fire with bob's token")
    expect(request(T, "POST", "/api/fire", {**base, "X-CSRF-Token": csrf, "Origin": "https://evil.example"},
                   {"mission_id": mid, "idempotency_key": "csrf-3"}), 403, "bad_origin", "fire from a foreign Origin")
    assert w.q("SELECT COUNT(*) FROM fires WHERE mission_id=?", mid)[0][0] == before, "a refused fire was recorded"
    n += 3
    # Logout without the token does not log out.
    expect(request(T, "POST", "/auth/logout", base, {}), 403, "csrf", "logout without token")
    expect(request(T, "GET", "/api/me", base), 200, what="still signed in after the refused logout")
    n += 1
    # Admin: the global kill switch cannot be flipped cross-site.
    acookie, acsrf, _ = w.session("root", w.throne)
    abase = {"Cookie": f"bitten_session={acookie}"}
    for extra, error in (({}, "csrf"), ({"X-CSRF-Token": csrf}, "csrf"), ({"X-CSRF-Token": acsrf, "Origin": "http://evil.example"}, "bad_origin")):
        expect(request(w.throne, "POST", "/api/admin/halt", {**abase, **extra}, {"halted": True, "reason": "csrf"}), 403, error,
               f"admin halt {extra}")
        expect(request(w.throne, "POST", "/api/admin/users/bob", {**abase, **extra}, {"role": "admin"}), 403, error,
               f"admin promotes bob {extra}")
        n += 2
    assert expect(request(w.throne, "GET", "/api/admin/halt", abase), 200).json()["halted"] is False
    assert w.q("SELECT role FROM users WHERE user_id='bob'") == [("trader",)]
    # Sign-in from a foreign Origin (login CSRF) is refused too.
    expect(request(T, "POST", "/auth/token", {"Origin": "http://evil.example"}, {"token": w.tokens["bob"]}), 403, "bad_origin",
           "token sign-in from a foreign Origin")
    expect(request(T, "POST", "/auth/telegram", {"Origin": "http://evil.example"}, widget_sign(widget_fields(TG["bob"], "Bob"))),
           403, "bad_origin", "widget sign-in from a foreign Origin")
    # A bearer token needs no CSRF token but still may not come from a foreign Origin.
    expect(request(T, "POST", "/api/mode", {**bearer(w.tokens["alice"]), "Origin": "http://evil.example"}, {"mode": "SELECT"}),
           403, "bad_origin", "bearer from a foreign Origin")
    # No CORS: a foreign page can neither read a cookie-authenticated GET nor pass a preflight.
    r = expect(request(T, "GET", "/api/me", {**base, "Origin": "http://evil.example"}), 200)
    assert not [k for k, _ in r.headers if k.startswith("access-control-")], r.headers
    r = request(T, "OPTIONS", "/api/mode", {"Origin": "http://evil.example", "Access-Control-Request-Method": "POST",
                                            "Access-Control-Request-Headers": "x-csrf-token"})
    assert r.status in (404, 405) and not [k for k, _ in r.headers if k.startswith("access-control-")], r
    # WebSocket with the cookie from a foreign Origin.
    r = ws_handshake(T, "/ws", {**base, "Origin": "http://evil.example"})
    assert r.status == 403, f"cross-origin WS: {r!r}"
    n += 6
    print(f"PASS [7. csrf] {n} cookie-authenticated state changes without / with a wrong / with another session's "
          "token, or from a foreign Origin -> 403 (csrf / bad_origin); mode, fires, halt, roles, session unchanged; "
          "no Access-Control-* headers for a foreign Origin (GET or preflight)")
    # With the right token (and same or no Origin): accepted.
    r = expect(request(T, "POST", "/api/mode", {**base, "X-CSRF-Token": csrf, **same_origin}, {"mode": "AUTO"}), 200,
               what="mode with the right token")
    assert r.json()["mode"] == "AUTO" and mode() == "AUTO"
    expect(request(T, "POST", "/api/mode", {**base, "X-CSRF-Token": csrf, "Cookie": f"bitten_session={cookie}; bitten_csrf=forged"},
                   {"mode": "SELECT"}), 200, what="mode back, right token, no Origin")
    assert mode() == "SELECT"
    r = expect(request(T, "POST", "/api/fire", {**base, "X-CSRF-Token": csrf, **same_origin},
                       {"mission_id": mid, "idempotency_key": "csrf-ok"}), 202, what="fire with the right token")
    assert r.json()["state"] == "QUEUED", r
    w.wait_fire("alice", r.json()["fire_id"], ("FILLED",))
    expect(request(w.throne, "POST", "/api/admin/halt", {**abase, "X-CSRF-Token": acsrf, "Origin": f"http://127.0.0.1:{w.throne}"},
                   {"halted": True, "reason": "csrf test"}), 200, what="admin halt with the right token")
    assert request(w.throne, "GET", "/api/admin/halt", abase).json()["halted"] is True
    expect(request(w.throne, "POST", "/api/admin/halt", {**abase, "X-CSRF-Token": acsrf}, {"halted": False}), 200)
    assert request(w.throne, "GET", "/api/admin/halt", abase).json()["halted"] is False
    expect(request(T, "POST", "/auth/logout", {**base, "X-CSRF-Token": csrf}, {}), 200, what="logout with the token")
    expect(request(T, "GET", "/api/me", base), 401, "unauthenticated", "after logout")
    print("PASS [7. csrf] with the right token: mode AUTO/SELECT 200, fire 202 -> FILLED, admin halt/resume 200, "
          "logout 200 (then the cookie is dead)")


def _hello(uuid, node_id, login, balance):
    ts = time.strftime("%Y.%m.%d %H:%M:%S", time.gmtime())
    return (f'{{"type":"HELLO","target_uuid":"{uuid}","node_id":"{node_id}","account_login":"{login}",'
            f'"broker":"Rogue-Demo","company":"Rogue Ltd","terminal":"MetaTrader 5","currency":"USD",'
            f'"balance":{balance:.2f},"equity":{balance:.2f},"leverage":500,"margin":0.00,"free_margin":{balance:.2f},'
            f'"margin_level":0.00,"symbols":22,"version":"2.05","timestamp":"{ts}"}}').encode()


def _heartbeat(uuid, node_id, balance):
    ts = time.strftime("%Y.%m.%d %H:%M:%S", time.gmtime())
    return (f'{{"type":"HEARTBEAT","target_uuid":"{uuid}","node_id":"{node_id}","balance":{balance:.2f},'
            f'"equity":{balance:.2f},"free_margin":{balance:.2f},"margin_level":0.00,"open_positions":0,'
            f'"ticks_processed":1,"timestamp":"{ts}"}}').encode()


def _connect_rogue(ctx, w, identity):
    s = ctx.socket(zmq.DEALER)
    s.setsockopt(zmq.LINGER, 0)
    s.setsockopt(zmq.IDENTITY, identity)
    mon = s.get_monitor_socket(zmq.EVENT_HANDSHAKE_SUCCEEDED)
    s.connect(w.fleet.endpoint(5555))
    assert mon.poll(15000), f"rogue {identity!r}: no ZMTP handshake with the router"
    ev = zmq.utils.monitor.recv_monitor_message(mon)
    assert ev["event"] == zmq.EVENT_HANDSHAKE_SUCCEEDED, ev
    s.disable_monitor()
    mon.close(0)
    return s


def _nothing_received(sock, what, ms=1500):
    got = []
    while sock.poll(ms):
        got.append(sock.recv_multipart())
        ms = 100
    assert not got, f"{what} RECEIVED: {got}"


def check_8_rogue_dealer(w, ctx):
    root = bearer(w.tokens["root"])

    def ea_row():
        r = expect(request(w.throne, "GET", "/api/admin/ea", root), 200).json()
        return r, next(e for e in r["eas"] if e["uuid"] == EA_UUID)

    doc, real = ea_row()
    assert real["online"] and real["user_id"] == "alice" and not real["blocked"], real
    real_node, real_login = real["node_id"], real["account_login"]
    assert real_node and real_node != "NODE_ROGUE", real
    bus = ctx.socket(zmq.SUB)
    bus.setsockopt(zmq.LINGER, 0)
    bus.connect(w.fleet.endpoint(5570))
    for t in (b"ea.duplicate", b"alert.ea_duplicate", b"health.command_router"):
        bus.setsockopt(zmq.SUBSCRIBE, t)
    wait_for(lambda: bus.poll(200) and bus.recv_multipart()[0] == b"health.command_router", 15,
             "the bus subscription to be live (a command_router heartbeat)")

    # (a) Same routing id as the live EA: libzmq keeps the first connection; the rogue gets nothing,
    #     the next fire still fills at the real EA, and nothing is alerted (the router never heard it).
    rogue_same = _connect_rogue(ctx, w, EA_UUID.encode())
    for msg in (_hello(EA_UUID, "NODE_ROGUE_SAME", "6660001", 999999), _heartbeat(EA_UUID, "NODE_ROGUE_SAME", 999999),
                _hello(EA_UUID, "NODE_ROGUE_SAME", "6660001", 999999)):
        rogue_same.send(msg)
    mid, _ = w.mission("alice")
    r = expect(w.fire("alice", mid), 202, what="fire while a same-id rogue is connected")
    f = w.wait_fire("alice", r.json()["fire_id"], ("FILLED",))
    _nothing_received(rogue_same, "the rogue with the EA's own routing id")
    while bus.poll(100):  # the router never heard the same-id rogue: no duplicate was raised
        topic, payload = bus.recv_multipart()
        assert topic == b"health.command_router", f"same-id rogue raised {topic}: {payload}"
    _, row = ea_row()
    assert not row["blocked"] and row["node_id"] == real_node and row["account_login"] == real_login and row["balance"] < 999999, row
    print(f"PASS [8. rogue dealer] (a) a rogue with routing id {EA_UUID}: the fire {f['fire_id']} FILLED at the real EA "
          f"(ticket {f['ticket']}), the rogue received nothing, its HELLO/HEARTBEAT changed nothing")

    # (b) Own routing id, HELLO claiming the live EA's UUID: a duplicate.
    rogue = _connect_rogue(ctx, w, b"ROGUE_DEALER_1")
    rogue.send(_hello(EA_UUID, "NODE_ROGUE", "6660666", 999999))
    seen = {}

    def alerts():
        while bus.poll(100):
            topic, payload = bus.recv_multipart()
            if topic != b"health.command_router":
                seen[topic.decode()] = json.loads(payload)
        return "ea.duplicate" in seen and "alert.ea_duplicate" in seen

    wait_for(alerts, 20, "ea.duplicate and alert.ea_duplicate on the bus")
    dup, alert = seen["ea.duplicate"]["data"], seen["alert.ea_duplicate"]["data"]
    assert dup["uuid"] == EA_UUID and dup["kind"] == "duplicate" and dup["node_id"] == "NODE_ROGUE", dup
    assert alert["alert"] == "ea_duplicate" and alert["detail"]["uuid"] == EA_UUID, alert
    assert alert["detail"]["node_id"] == real_node and alert["detail"]["rival_node_id"] == "NODE_ROGUE", alert
    rogue.send(_heartbeat(EA_UUID, "NODE_ROGUE", 999999))

    def throne_shows():
        d, e = ea_row()
        return e["blocked"] and e["duplicate_seen"] and EA_UUID in d["duplicates"] and (d, e)

    d, e = wait_for(throne_shows, 15, "the Throne's EA view to show the duplicate")
    assert e["node_id"] == real_node and e["account_login"] == real_login and e["balance"] < 999999, \
        f"the rogue's figures overwrote the holder's row: {e}"
    audit = expect(request(w.throne, "GET", "/api/admin/audit?limit=200", root), 200).json()["entries"]
    assert any(a["action"] == "ea_blocked_duplicate" and a["target"] == EA_UUID and a["actor"] == "command_router"
               for a in audit), audit
    print(f"PASS [8. rogue dealer] (b) rogue ROGUE_DEALER_1 says HELLO as {EA_UUID}: ea.duplicate (node NODE_ROGUE) and "
          f"alert.ea_duplicate (holder {real_node}) on the bus, audit ea_blocked_duplicate, the Throne shows it blocked + "
          "duplicate_seen, the holder's row keeps its node/account/balance")
    # alice's next fire is refused (ea_blocked) and nobody receives a command.
    mid, _ = w.mission("alice")
    r = w.fire("alice", mid)
    assert r.status in (422, 202), r
    f = r.json() if r.status == 422 else w.wait_fire("alice", r.json()["fire_id"], ("UNDELIVERABLE",))
    assert f["state"] in ("REJECTED", "UNDELIVERABLE") and f["reason"] == "ea_blocked", f
    _nothing_received(rogue, "the rogue claiming the UUID")
    _nothing_received(rogue_same, "the same-id rogue", 200)
    # The real EA keeps reporting; the block holds.
    _, e = ea_row()
    assert e["blocked"], e
    print(f"PASS [8. rogue dealer] (b) alice's fire while blocked -> {r.status} {f['state']} ea_blocked; neither rogue "
          "received anything; the real EA's own reports do not lift the block")

    # (c) An admin clears the block (Throne, session + CSRF): fires go to the real EA again, never the rogue.
    acookie, acsrf, _ = w.session("root", w.throne)
    r = expect(request(w.throne, "POST", f"/api/admin/ea/{EA_UUID}", {"Cookie": f"bitten_session={acookie}", "X-CSRF-Token": acsrf},
                       {"blocked": False}), 200, what="admin clears the block")
    assert r.json()["blocked"] is False
    mid, _ = w.mission("alice")
    r = expect(w.fire("alice", mid), 202, what="fire after the admin cleared the block")
    f = w.wait_fire("alice", r.json()["fire_id"], ("FILLED",))
    _nothing_received(rogue, "the rogue after the clear")
    _nothing_received(rogue_same, "the same-id rogue after the clear", 200)
    print(f"PASS [8. rogue dealer] (c) admin cleared the block (audited): the next fire {f['fire_id']} FILLED at the "
          "real EA; the rogues still received nothing")
    for s in (bus, rogue, rogue_same):
        s.close(0)


# ---- setup and runner -------------------------------------------------------------------------------------

def patch_config(fleet, name, changes):
    p = fleet.config_dir / f"{name}.json"
    doc = json.loads(p.read_text())
    doc.update(changes)
    p.write_text(json.dumps(doc, indent=2))
    return doc


def build_web_root(fleet):
    """A copy of web/ with symlinks that lead out of it, next to files that must never be served."""
    web = fleet.dir / "web"
    shutil.copytree(ROOT / "web", web, symlinks=True)
    (fleet.dir / "secret.txt").write_text(SECRET_MARK + "\n")
    os.symlink("../../secret.txt", web / "trader" / "leak.txt")
    os.symlink("../../secret.txt", web / "static" / "leak.css")
    os.symlink("../..", web / "trader" / "escape")
    os.symlink("../..", web / "static" / "escape")
    for s in ("throne", "tracking", "confidence"):
        os.symlink("../../secret.txt", web / s / "leak.txt")
        os.symlink("../..", web / s / "escape")
    return web


def main():
    overrides = {
        "webapp": {"expected_daemons": ["event_bus", "telemetry_bridge", "command_router", "confirm_listener"],
                   "bot_username": "bitten_security_test_bot",
                   # Hundreds of sign-ins from 127.0.0.1 in a few seconds: the per-IP limiter would
                   # (correctly) answer 429; the limiter has its own unit tests.
                   "login_rate": {"per_second": 200, "burst": 2000},
                   "fire_rate": {"per_second": 5, "burst": 20}},
        # No warm-up: this test needs a live EA and live quotes, not detector history.
        "ea_sim": {"eas": 1, "poll_on_chart_tick": False, "warmup_s": 0},
        # The replayed 2014-05-08 EURUSD spread may spike past 2 pips; this test is not about spreads.
        "risk": {"spread": {"default_max_pips": 50.0, "max_atr_fraction": 0, "max_pips": {"EURUSD": 50.0}}},
    }
    fleet = Fleet(apps=APPS, overrides=overrides)
    ctx = zmq.Context()
    results = []
    try:
        fleet.env["BITTEN_TELEGRAM_BOT_TOKEN"] = BOT_TOKEN
        web = build_web_root(fleet)
        cfg = patch_config(fleet, "webapp", {"web_root": str(web)})
        assert cfg["max_body_bytes"] == MAX_BODY and cfg["auth_max_age_s"] == AUTH_MAX_AGE_S, cfg
        w = World(fleet)
        fleet.state_dir.mkdir(parents=True, exist_ok=True)
        w.admin_cli("migrate")
        w.admin_cli("create-user", "alice", "--tier", "FANG+", "--telegram", str(TG["alice"]), "--name", "Alice")
        w.admin_cli("create-user", "bob", "--tier", "COMMANDER", "--telegram", str(TG["bob"]), "--name", "Bob")
        w.admin_cli("create-admin", "root", "--tier", "COMMANDER", "--telegram", str(TG["root"]), "--name", "Root")
        w.admin_cli("bind-ea", EA_UUID, "alice")
        for u in ("alice", "bob", "root"):
            w.tokens[u] = w.admin_cli("create-token", u, "--name", "security-test")
        fleet.start()
        fleet.wait_online(APPS, timeout=60)
        wait_for(lambda: request(w.trader, "GET", "/healthz").status == 200, 60, "webapp /healthz 200")
        wait_for(lambda: request(w.trader, "GET", "/api/account", bearer(w.tokens["alice"])).json().get("ea_online"), 60,
                 f"{EA_UUID} online for alice", interval=0.3)
        w.quote()
        print(f"setup: fleet up on offset {fleet.offset} ({', '.join(APPS)}), {EA_UUID} online for alice")
        checks = [("1. no auth", lambda: check_1_no_auth(w)),
                  ("2. other user", lambda: check_2_other_user(w)),
                  ("3. forged telegram", lambda: check_3_forged_telegram(w)),
                  ("4. replay", lambda: check_4_replay(w)),
                  ("5. oversized", lambda: check_5_oversized(w)),
                  ("6. traversal", lambda: check_6_traversal(w)),
                  ("7. csrf", lambda: check_7_csrf(w)),
                  ("8. rogue dealer", lambda: check_8_rogue_dealer(w, ctx))]
        only = [s for s in os.environ.get("BITTEN_SECURITY_ONLY", "").split(",") if s]
        for name, fn in checks:
            if only and name.split(".")[0] not in only:
                continue
            t0 = time.monotonic()
            try:
                fn()
                results.append((name, True))
                print(f"check {name}: PASS ({time.monotonic() - t0:.1f}s)")
            except Exception:
                results.append((name, False))
                print(f"check {name}: FAIL\n" + traceback.format_exc(), file=sys.stderr)
                sys.stderr.flush()
    except Exception:
        traceback.print_exc()
        results.append(("setup", False))
        try:  # say why: each app's PM2 state and the end of its error log
            for a in fleet.jlist():
                print(f"  {a['name']}: {a['pm2_env']['status']} (restarts {a['pm2_env'].get('restart_time')})", file=sys.stderr)
            for log in sorted((fleet.state_dir / "logs").glob("*.err.log")):
                tail = log.read_text(errors="replace").strip().splitlines()[-5:]
                if tail:
                    print(f"  {log.name}:\n    " + "\n    ".join(tail), file=sys.stderr)
        except Exception:
            pass
        if os.environ.get("BITTEN_KEEP_E2E"):
            print(f"state kept in {fleet.dir}")
    finally:
        fleet.stop()
        ctx.destroy(linger=0)
    failed = [n for n, ok in results if not ok]
    print(f"test_security: {len(results) - len(failed)} passed, {len(failed)} failed" + (f" ({', '.join(failed)})" if failed else ""))
    return 1 if failed or not results else 0


if __name__ == "__main__":
    sys.exit(main())
