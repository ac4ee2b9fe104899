"""Through Caddy over HTTPS: answers with citations; and the hardening, read from the running
containers themselves (podman inspect), not from the compose file."""

from __future__ import annotations

import json
import ssl
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from tests.stack.harness import Stack, ask, run

pytestmark = pytest.mark.stack

SERVICES = ("api-1", "api-2", "redis", "postgres", "chroma", "caddy", "stub-llm")
SECRETS = (
    "redis_password",
    "postgres_password",
    "rag_api_keys",
    "rag_jwt_secret",
    "groq_api_key",
)


def test_a_question_over_https_gets_an_answer_with_citations(stack: Stack) -> None:
    with stack.client() as client:
        response = client.post(
            "/rag/invoke", json=ask("When does my Kubernetes certification expire?", "https-1")
        )
    assert response.status_code == 200, response.text
    output = response.json()["output"]
    assert output["outcome"] == "answered", output
    assert "[1]" in output["answer"]
    assert output["citations"] and output["citations"][0]["source"].endswith("certificates.yaml")
    assert "max-age" in response.headers["strict-transport-security"]


def test_only_caddys_ca_is_trusted_and_plain_http_is_redirected(stack: Stack) -> None:
    with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
        httpx.get(f"{stack.url}/health/live", verify=ssl.create_default_context())
    plain = httpx.get(f"http://localhost:{stack.http_port}/health/live")
    assert plain.status_code in (301, 308)
    assert plain.headers["location"].startswith("https://")


def test_metrics_are_closed_at_the_edge_even_with_a_key(stack: Stack) -> None:
    with stack.client() as client:
        assert client.get("/metrics").status_code == 403
        assert client.get("/metrics", headers={"X-API-Key": "wrong"}).status_code == 403
        assert client.get("/health/detailed", headers={"X-API-Key": ""}).status_code == 401
    status, body = stack.direct("api-1", "GET", "/metrics")  # Prometheus' way, on `back`
    assert status == 200 and "rag_http_requests" in body


@pytest.mark.parametrize("service", SERVICES)
def test_every_container_is_hardened(stack: Stack, service: str) -> None:
    info = stack.inspect(service)
    user = info["Config"]["User"]
    assert user and user.split(":")[0] not in ("0", "root"), f"{service} runs as {user!r}"
    assert stack.exec(service, "id", "-u").strip() != "0"
    assert info["HostConfig"]["ReadonlyRootfs"] is True
    assert not info["EffectiveCaps"], f"{service} keeps {info['EffectiveCaps']}"
    assert not info["HostConfig"]["CapAdd"]
    assert "no-new-privileges" in " ".join(info["HostConfig"]["SecurityOpt"] or [])
    assert info["HostConfig"]["Memory"] > 0 and info["HostConfig"]["NanoCpus"] > 0
    assert info["HostConfig"]["RestartPolicy"]["Name"] == "unless-stopped"


def test_only_caddy_publishes_ports_and_only_on_loopback(stack: Stack) -> None:
    for service in SERVICES:
        bindings = stack.inspect(service)["HostConfig"]["PortBindings"] or {}
        ports = {port: b for port, b in bindings.items() if b}  # EXPOSE alone binds nothing
        if service != "caddy":
            assert not ports, f"{service} publishes {ports}"
            continue
        hosts = {b["HostIp"] for bindings in ports.values() for b in bindings}
        assert hosts == {"127.0.0.1"}


def ip_on(stack: Stack, service: str, network: str) -> str:
    networks = stack.inspect(service)["NetworkSettings"]["Networks"]
    (address,) = [n["IPAddress"] for name, n in networks.items() if name.endswith(f"_{network}")]
    return str(address)


def connects(stack: Stack, service: str, address: str, port: int) -> bool:
    code = "import socket, sys; socket.create_connection((sys.argv[1], int(sys.argv[2])), 2)"
    try:
        stack.exec(service, "python3", "-c", code, address, str(port), timeout=20)
    except RuntimeError:
        return False
    return True


def test_the_back_network_is_internal_with_no_route_off_its_bridge(stack: Stack) -> None:
    """`back` is `internal`: nothing on it is published (above) and nothing on it can leave it.
    (Root on the host itself still reaches it: podman, like Docker, gives the host an address on
    every bridge, internal ones too, for its DNS server; docs/deploy.md.)"""
    info = json.loads(run(["podman", "network", "inspect", network_named(stack, "back")]))[0]
    assert info["internal"] is True
    assert connects(stack, "api-1", ip_on(stack, "caddy", "back"), 8443)  # the control
    assert not connects(stack, "api-1", ip_on(stack, "caddy", "front"), 8443)
    # A listener on the host's side of the front bridge: Caddy (front) reaches it, api-1 cannot.
    front = json.loads(run(["podman", "network", "inspect", network_named(stack, "front")]))[0]
    server = ThreadingHTTPServer((front["subnets"][0]["gateway"], 0), SimpleHTTPRequestHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    address, port = str(server.server_address[0]), int(server.server_address[1])
    try:
        stack.exec("caddy", "wget", "-q", "-O", "/dev/null", f"http://{address}:{port}/")
        assert not connects(stack, "api-1", address, port)
    finally:
        server.shutdown()


def network_named(stack: Stack, suffix: str) -> str:
    (name,) = [n for n in networks(stack) if n.endswith(f"_{suffix}")]
    return name


def test_no_secret_value_shows_in_any_inspect_output(stack: Stack) -> None:
    outputs = [run(["podman", "inspect", name]) for name in stack.containers()]
    outputs.append(run(["podman", "volume", "inspect", "--all"]))
    outputs.append(run(["podman", "network", "inspect", *networks(stack)]))
    text = "\n".join(outputs)
    for name in SECRETS:
        value = stack.secret(name)
        assert value and value not in text, f"{name} is visible in inspect output"


def networks(stack: Stack) -> list[str]:
    names: set[str] = set()
    for name in stack.containers():
        info = json.loads(run(["podman", "inspect", name]))[0]
        names.update(info["NetworkSettings"]["Networks"])
    return sorted(names)
