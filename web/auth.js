// Credentials for this tab only. They live in sessionStorage, not localStorage: the tab forgets
// them when it closes, so a shared or borrowed computer does not stay signed in, and they are
// never sent anywhere but in the request headers this app sets (no cookies, so no CSRF). An
// injected script could read either storage; the pages' CSP (no inline or foreign scripts) is
// what keeps one from running.
import { $, fill, h } from "./dom.js";

const KEY = "personal-rag.credentials";

function credentials() {
  try {
    return JSON.parse(sessionStorage.getItem(KEY) || "null");
  } catch {
    return null;
  }
}

export function authHeaders() {
  const saved = credentials();
  if (!saved) return {};
  return saved.kind === "key"
    ? { "X-API-Key": saved.value }
    : { Authorization: `Bearer ${saved.value}` };
}

export function signOut() {
  sessionStorage.removeItem(KEY);
}

const NOTICE = "personal-rag.notice";

/** Reloads the page to its sign-in form, which then says why (an expired sign-in, say). */
export function leaveNotice(message) {
  sessionStorage.setItem(NOTICE, `Please sign in again: ${message}.`);
  location.reload();
}

export function takeNotice() {
  const notice = sessionStorage.getItem(NOTICE) || "";
  sessionStorage.removeItem(NOTICE);
  return notice;
}

async function passwordLogin(username, password) {
  const response = await fetch("/auth/token", {
    method: "POST",
    body: new URLSearchParams({ username, password }),
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.detail || `sign-in failed (${response.status})`);
  return { kind: "token", value: body.access_token };
}

/**
 * Asks GET /me who this tab's credentials (or none: a local development run lets everyone in)
 * belong to; resolves to the answer, or null when the service wants a sign-in.
 */
export async function whoAmI() {
  const response = await fetch("/me", { headers: authHeaders() });
  if (response.status === 401) {
    signOut();
    return null;
  }
  if (!response.ok) throw new Error(`the service answered ${response.status}`);
  return response.json();
}

/**
 * Shows the sign-in form in `container` until the person has signed in; resolves to /me.
 * `reason` explains why they see it (expired session, and so on).
 */
export function signIn(container, reason = "") {
  return new Promise((resolve) => {
    const error = h("p", { class: "error", role: "alert", id: "login-error" }, reason);
    const form = h(
      "form",
      { class: "login", "aria-labelledby": "login-title" },
      h("h1", { id: "login-title" }, "Sign in"),
      h(
        "fieldset",
        {},
        h("legend", {}, "With your username and password"),
        h("label", { for: "login-username" }, "Username"),
        h("input", { id: "login-username", name: "username", autocomplete: "username" }),
        h("label", { for: "login-password" }, "Password"),
        h("input", {
          id: "login-password",
          name: "password",
          type: "password",
          autocomplete: "current-password",
        }),
      ),
      h(
        "fieldset",
        {},
        h("legend", {}, "Or with an API key"),
        h("label", { for: "login-key" }, "API key"),
        h("input", { id: "login-key", name: "key", type: "password", autocomplete: "off" }),
      ),
      h("button", { type: "submit", class: "primary" }, "Sign in"),
      error,
    );
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const data = new FormData(form);
      const key = String(data.get("key") || "").trim();
      const username = String(data.get("username") || "").trim();
      error.textContent = "";
      try {
        let saved;
        if (key) saved = { kind: "key", value: key };
        else if (username) saved = await passwordLogin(username, String(data.get("password")));
        else throw new Error("enter a username and password, or an API key");
        sessionStorage.setItem(KEY, JSON.stringify(saved));
        const me = await whoAmI();
        if (!me) throw new Error("that API key was refused");
        container.hidden = true;
        fill(container);
        resolve(me);
      } catch (failure) {
        error.textContent = `Could not sign in: ${failure.message}`;
      }
    });
    fill(container, form);
    container.hidden = false;
    $("#login-username", form).focus();
  });
}
