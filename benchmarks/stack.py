"""The container stack's numbers: image size, cold start, requests/s through Caddy vs straight to a
replica (the proxy's cost), two replicas vs one. Prints a table; bounded by --seconds per scenario.

    python -m benchmarks.stack [--seconds 15] [--concurrency 8]

Needs the images of infra/test/images.sh (`make stack-test` builds them). The load generator runs in
a throw-away container on the stack's `back` network, so "through Caddy" and "straight to api-1"
are measured from the same place; it shares the 2 cores with the stack, as any client here would.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path
from typing import Any

from tests.stack.harness import PROJECT, Stack, new_stack, run, wait_for

QUESTION = "When does my Kubernetes certification expire?"

# Runs in the helper container; the settings (and the API key) arrive on stdin, not in argv.
LOADGEN = """
import json, ssl, statistics, sys, threading, time, uuid, httpx
cfg = json.load(sys.stdin)
latencies, errors = [], []
def client_loop():
    verify = ssl.create_default_context(cafile="/ca.crt") if cfg["sni"] else False
    ext = {"sni_hostname": cfg["sni"]} if cfg["sni"] else None
    headers = {"X-API-Key": cfg["key"], **({"Host": cfg["sni"]} if cfg["sni"] else {})}
    with httpx.Client(base_url=cfg["url"], verify=verify, timeout=30, headers=headers) as client:
        stop = time.monotonic() + cfg["seconds"]
        while time.monotonic() < stop:
            if cfg["route"] == "answer":  # a new session per request: a first turn, cache hit
                path, key = "/rag/invoke", "output"
                body = {"input": {"question": cfg["question"]},
                        "config": {"configurable": {"thread_id": uuid.uuid4().hex}}}
            else:
                path, key, body = "/retrieve", "results", {"query": cfg["question"], "k": 5}
            started = time.perf_counter()
            try:
                response = client.post(path, json=body, extensions=ext)
                # Caddy answers an unknown Host with an empty 200: check the body too.
                ok = response.status_code == 200 and key in response.json()
            except (httpx.HTTPError, ValueError):
                ok = False
            (latencies if ok else errors).append(time.perf_counter() - started)
threads = [threading.Thread(target=client_loop) for _ in range(cfg["concurrency"])]
for t in threads: t.start()
for t in threads: t.join()
q = statistics.quantiles(latencies, n=20) if len(latencies) > 1 else [0.0] * 19
print(json.dumps({"rps": len(latencies) / cfg["seconds"], "errors": len(errors),
                  "p50_ms": q[9] * 1000, "p95_ms": q[18] * 1000}))
"""


def load(stack: Stack, target: str, route: str, seconds: float, concurrency: int) -> dict[str, Any]:
    """One scenario from the helper container: ``target`` is ``caddy`` or ``api-1``."""
    through_caddy = target == "caddy"
    address = stack.inspect("caddy")["NetworkSettings"]["Networks"][f"{PROJECT}_back"]["IPAddress"]
    config = {
        "url": f"https://{address}:8443" if through_caddy else "http://api-1:8000",
        "sni": "localhost" if through_caddy else None,  # Caddy's certificate is for localhost
        "key": stack.api_key,
        "route": route,
        "question": QUESTION,
        "seconds": seconds,
        "concurrency": concurrency,
    }
    assert stack.ca_file is not None
    command = [
        "podman", "run", "--rm", "-i", "--network", f"{PROJECT}_back", "--read-only",
        "--tmpfs", "/tmp", "--cap-drop", "ALL", "--entrypoint", "python3",
        "-v", f"{stack.ca_file}:/ca.crt:ro", "localhost/personal-rag:test", "-c", LOADGEN,
    ]  # fmt: skip
    out = run(command, timeout=seconds + 120, input=json.dumps(config))
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return result


def image_sizes() -> dict[str, float]:
    def size(image: str) -> float:
        return int(run(["podman", "image", "inspect", "-f", "{{.Size}}", image])) / 1e6

    app, base = size("localhost/personal-rag:test"), size("localhost/python:3.11-slim-bookworm")
    return {"image_mb": app, "base_mb": base, "app_layers_mb": app - base}


def restart_seconds(stack: Stack) -> float:
    """A replica crash (SIGKILL) until it answers /health/live again, restarted by its policy."""
    before = int(stack.inspect("api-1")["RestartCount"])
    started = stack.crash("api-1")
    wait_for("api-1 restarted", lambda: stack.restarted("api-1", before), 60, every=0.2)
    wait_for("api-1 live", lambda: stack.live("api-1"), 120, every=0.2)
    return time.monotonic() - started


def throughput(stack: Stack, seconds: float, concurrency: int) -> list[tuple[str, str, Any]]:
    for route in ("answer", "retrieve"):  # warm: caches, sessions, connections
        load(stack, "caddy", route, 3, 2)
    rows = []
    for route in ("answer", "retrieve"):
        for label, target in (("api-1 direct", "api-1"), ("caddy, 2 replicas", "caddy")):
            rows.append((route, label, load(stack, target, route, seconds, concurrency)))
    stack.compose("stop", "api-2")  # `stop` is deliberate: the restart policy leaves it stopped
    time.sleep(5)  # Caddy's active check (every 2 s) takes it out
    for route in ("answer", "retrieve"):
        rows.append((route, "caddy, 1 replica", load(stack, "caddy", route, seconds, concurrency)))
    return rows


def report(rows: list[tuple[str, str, Any]]) -> None:
    print(f"\n{'route':9} {'target':18} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} errors")
    for route, label, r in rows:
        print(f"{route:9} {label:18} {r['rps']:7.1f} {r['p50_ms']:7.1f} {r['p95_ms']:7.1f} "
              f"{r['errors']}")  # fmt: skip
    rps = {(route, label): r["rps"] for route, label, r in rows}
    for route in ("answer", "retrieve"):
        proxy = rps[(route, "caddy, 1 replica")] / rps[(route, "api-1 direct")]
        scale = rps[(route, "caddy, 2 replicas")] / rps[(route, "caddy, 1 replica")]
        print(f"{route}: through Caddy / direct = {proxy:.2f}; two replicas / one = {scale:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    print(json.dumps(image_sizes()))
    with tempfile.TemporaryDirectory() as tmp:
        stack = new_stack(Path(tmp))
        try:
            print(json.dumps({k: round(v, 1) for k, v in stack.start().items()}))
            print(json.dumps({"replica_crash_to_live_s": round(restart_seconds(stack), 1)}))
            report(throughput(stack, args.seconds, args.concurrency))
        finally:
            stack.down()


if __name__ == "__main__":
    main()
