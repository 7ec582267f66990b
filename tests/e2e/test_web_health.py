"""webapp under real PM2: /healthz tells the truth (200 with every expected daemon heartbeating,
503 once one is stopped, 200 again after it is back) and /metrics carries the daemons' counters."""
import json
import sys
import urllib.error
import urllib.request

from fleet import Fleet, wait_for

APPS = ["event_bus", "telemetry_bridge", "webapp"]


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def main():
    overrides = {"webapp": {"expected_daemons": ["event_bus", "telemetry_bridge"], "bot_username": ""}}
    with Fleet(apps=APPS, overrides=overrides) as fleet:
        fleet.wait_online(APPS)
        base = f"http://127.0.0.1:{fleet.port(8888)}"

        def healthy():
            status, body = get(base + "/healthz")
            return status == 200 and json.loads(body)

        doc = wait_for(healthy, 20, "/healthz 200 with every expected daemon fresh")
        for key in ("status", "uptime", "signals_24h", "active_fires", "ea_connected", "daemons"):
            assert key in doc, f"/healthz lacks {key}: {doc}"
        assert doc["daemons"]["telemetry_bridge"]["status"] == "ok", doc
        assert doc["signals_24h"] == 0 and doc["active_fires"] == 0, doc

        # Every surface answers /healthz.
        for p in (8899, 8890, 8891):
            status, _ = get(f"http://127.0.0.1:{fleet.port(p)}/healthz")
            assert status == 200, (p, status)

        metrics = wait_for(lambda: (lambda r: r[0] == 200 and 'bitten_counter{daemon="telemetry_bridge"' in r[1] and r[1])(get(base + "/metrics")),
                           10, "telemetry_bridge counters in /metrics")
        assert 'bitten_daemon_up{daemon="event_bus"} 1' in metrics, metrics
        assert "bitten_http_requests_total{" in metrics

        fleet.pm2("stop", "telemetry_bridge")

        def degraded():
            status, body = get(base + "/healthz")
            doc = json.loads(body)
            return status == 503 and doc["daemons"]["telemetry_bridge"]["status"] == "stale" and doc

        doc = wait_for(degraded, 15, "/healthz 503 with telemetry_bridge stale")
        assert doc["status"] == "degraded"
        assert doc["daemons"]["event_bus"]["status"] == "ok", doc
        status, _ = get(f"http://127.0.0.1:{fleet.port(8899)}/healthz")
        assert status == 503

        fleet.pm2("start", "telemetry_bridge")
        wait_for(healthy, 20, "/healthz 200 again after telemetry_bridge restarted")
    print("test_web_health: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
