// Talking to the service: JSON requests with this tab's credentials, and the answer stream.
import { authHeaders, signOut } from "./auth.js";

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/** FastAPI's error bodies: {"detail": "text"} or {"detail": [{"msg": …}, …]}. */
function describe(status, body) {
  const detail = body && body.detail;
  if (typeof detail === "string") return detail;
  if (Array.isArray(detail)) return detail.map((d) => d.msg).join("; ");
  if (status === 429) return "too many requests: wait a moment and try again";
  return `the service answered ${status}`;
}

/** Signals an expired or revoked sign-in: pages listen for it and show the sign-in form. */
export const SIGNED_OUT = "personal-rag:signed-out";

async function failure(response) {
  const body = await response.json().catch(() => null);
  if (response.status === 401) {
    signOut();
    window.dispatchEvent(new CustomEvent(SIGNED_OUT, { detail: describe(401, body) }));
  }
  let message = describe(response.status, body);
  const wait = response.headers.get("Retry-After");
  if (response.status === 429 && wait) message += ` (try again in ${wait} s)`;
  return new ApiError(response.status, message);
}

export async function api(path, { method = "GET", json, raw } = {}) {
  const headers = { ...authHeaders() };
  if (json !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(path, {
    method,
    headers,
    body: json !== undefined ? JSON.stringify(json) : undefined,
  });
  if (!response.ok) throw await failure(response);
  if (raw) return response;
  return response.status === 204 ? null : response.json();
}

/**
 * Asks /rag/stream and reports as it goes: onRun(runId) when LangServe names the run,
 * onToken(text) for each piece of the answer, and resolves to the final answer object.
 */
export async function streamAnswer(question, sessionId, { onRun, onToken, signal }) {
  const response = await fetch("/rag/stream", {
    method: "POST",
    headers: { ...authHeaders(), "Content-Type": "application/json", Accept: "text/event-stream" },
    body: JSON.stringify({
      input: { question },
      config: { configurable: { thread_id: sessionId } },
    }),
    signal,
  });
  if (!response.ok) throw await failure(response);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  let final = null;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value.replaceAll("\r\n", "\n");
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const event = parseEvent(buffer.slice(0, end));
      buffer = buffer.slice(end + 2);
      if (event.type === "metadata") onRun?.(JSON.parse(event.data).run_id);
      else if (event.type === "data") {
        const chunk = JSON.parse(event.data);
        if ("token" in chunk) onToken?.(chunk.token);
        else final = chunk;
      } else if (event.type === "error") {
        const error = JSON.parse(event.data || "{}");
        throw new ApiError(error.status_code || 500, error.message || "the answer failed");
      }
    }
  }
  if (!final) throw new ApiError(502, "the answer stream ended without an answer");
  return final;
}

/** One server-sent event: "event: name" and "data: …" lines. */
function parseEvent(block) {
  const event = { type: "message", data: "" };
  for (const line of block.split("\n")) {
    if (line.startsWith("event:")) event.type = line.slice(6).trim();
    else if (line.startsWith("data:")) event.data += line.slice(5).trimStart();
  }
  return event;
}
