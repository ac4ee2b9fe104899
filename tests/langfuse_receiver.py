"""A stand-in Langfuse host on 127.0.0.1: records the OTLP/HTTP spans the SDK exports."""

from __future__ import annotations

import gzip
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest


def _value(any_value: Any) -> Any:
    kind = any_value.WhichOneof("value")
    return getattr(any_value, kind) if kind else None


class LangfuseReceiver:
    def __init__(self) -> None:
        self.spans: list[dict[str, Any]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if self.headers.get("Content-Encoding") == "gzip":
                    body = gzip.decompress(body)
                if self.path.endswith("/otel/v1/traces"):
                    receiver._record(body)
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def _record(self, body: bytes) -> None:
        request = ExportTraceServiceRequest()
        request.ParseFromString(body)
        for resource in request.resource_spans:
            for scope in resource.scope_spans:
                for span in scope.spans:
                    attributes = {a.key: _value(a.value) for a in span.attributes}
                    trace_id = span.trace_id.hex()
                    self.spans.append(
                        {"name": span.name, "trace_id": trace_id, "attributes": attributes}
                    )

    def names(self) -> set[str]:
        return {s["name"] for s in self.spans}

    def attribute_values(self, key: str) -> set[Any]:
        return {s["attributes"][key] for s in self.spans if key in s["attributes"]}

    def outputs(self) -> list[Any]:
        found = []
        for span in self.spans:
            raw = span["attributes"].get("langfuse.observation.output")
            if isinstance(raw, str):
                try:
                    found.append(json.loads(raw))
                except ValueError:
                    found.append(raw)
        return found

    def close(self) -> None:
        self.server.shutdown()
