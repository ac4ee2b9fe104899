// Admin: feedback with the turn it is about, the last eval report, health, and users.
import { api } from "./api.js";
import { announce, fill, formatDate, h } from "./dom.js";

const OUTCOME_KIND = { answered: "ok", no_answer: "none", fallback: "none", blocked: "refused" };

function turnSummary(turn) {
  if (!turn) {
    return h(
      "p",
      { class: "hint" },
      "The answer it refers to is not stored any more (conversation deleted or expired, or no run id sent).",
    );
  }
  return h(
    "div",
    {},
    h("p", {}, h("strong", {}, "Question: "), turn.question),
    h(
      "p",
      {},
      h("strong", {}, "Answer: "),
      h("span", { class: `badge ${OUTCOME_KIND[turn.outcome] || ""}` }, turn.outcome),
      " ",
      turn.answer,
    ),
    turn.citations.length
      ? h(
          "ul",
          { "aria-label": "Cited passages" },
          turn.citations.map((c) =>
            h(
              "li",
              {},
              `[${c.index}] ${c.source} — ${c.heading}${c.page ? `, page ${c.page}` : ""}`,
            ),
          ),
        )
      : null,
  );
}

export async function feedbackSection(panel, heading) {
  const rating = h(
    "select",
    { id: "feedback-rating", name: "rating" },
    h("option", { value: "all" }, "All"),
    h("option", { value: "down" }, "Not helpful"),
    h("option", { value: "up" }, "Helpful"),
  );
  const query = h("input", { id: "feedback-query", type: "search", name: "q" });
  const list = h("ul", { class: "cards", id: "feedback-list", "aria-label": "Feedback" });
  const count = h("p", { class: "status", role: "status" });
  const load = async () => {
    const params = new URLSearchParams({ rating: rating.value, q: query.value });
    const rows = await api(`/admin/feedback?${params}`);
    count.textContent = `${rows.length} piece(s) of feedback.`;
    fill(
      list,
      rows.map((f) =>
        h(
          "li",
          { class: "card" },
          h(
            "p",
            {},
            h(
              "span",
              { class: `badge ${f.score >= 0.5 ? "ok" : "refused"}` },
              f.score >= 0.5 ? "helpful" : "not helpful",
            ),
            ` from ${f.principal}, ${formatDate(f.created_at)}`,
          ),
          f.comment ? h("p", {}, h("strong", {}, "Comment: "), f.comment) : null,
          turnSummary(f.turn),
        ),
      ),
    );
  };
  const form = h(
    "form",
    { onsubmit: (e) => (e.preventDefault(), load()), "aria-label": "Filter feedback" },
    h(
      "div",
      { class: "row" },
      h("div", { class: "field" }, h("label", { for: "feedback-rating" }, "Rating"), rating),
      h(
        "div",
        { class: "field" },
        h("label", { for: "feedback-query" }, "Comment contains"),
        query,
      ),
      h("button", { type: "submit", class: "primary" }, "Filter"),
    ),
  );
  fill(panel, heading, form, count, list);
  await load();
}

function metricValue(value) {
  return value === null || value === undefined ? "–" : Number(value).toFixed(3);
}

export async function evalSection(panel, heading) {
  const report = await api("/admin/eval");
  let chart = null;
  if (report.chart) {
    // The chart needs the admin's credentials, which an <img src> cannot send: fetch it, then
    // show it from memory (the page's CSP allows blob: images for this).
    const response = await api("/admin/eval/chart.png", { raw: true });
    chart = h("img", {
      class: "chart",
      src: URL.createObjectURL(await response.blob()),
      alt: "Headline metrics per question category, one bar group each (the per-category table in the report below has the numbers).",
    });
  }
  const aggregates = Object.entries(report.aggregates || {});
  const gate = report.gate || {};
  fill(
    panel,
    heading,
    h(
      "p",
      {},
      `Run written ${formatDate(report.written_at)}: ${report.cases} cases, ${report.runs} run(s), mode ${report.mode}, LLM ${report.llm || "none"}. Gate: `,
      h(
        "span",
        { class: `badge ${gate.passed ? "ok" : "refused"}` },
        gate.passed ? "passed" : "failed",
      ),
    ),
    (gate.findings || []).length
      ? h(
          "ul",
          {},
          gate.findings.map((f) => h("li", {}, `${f.status}: ${f.message}`)),
        )
      : null,
    chart,
    h(
      "div",
      { class: "table-wrap" },
      h(
        "table",
        { "aria-label": "Metrics" },
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            h("th", {}, "Metric"),
            h("th", { class: "num" }, "Value"),
            h("th", { class: "num" }, "Cases"),
            h("th", { class: "num" }, "NaN"),
          ),
        ),
        h(
          "tbody",
          {},
          aggregates.map(([name, s]) =>
            h(
              "tr",
              {},
              h("th", { scope: "row" }, name),
              h("td", { class: "num" }, metricValue(s.value)),
              h("td", { class: "num" }, String(s.cases)),
              h("td", { class: "num" }, String(s.nan)),
            ),
          ),
        ),
      ),
    ),
    report.report_md
      ? h(
          "details",
          {},
          h("summary", {}, "report.md as written"),
          h("pre", { class: "report" }, report.report_md),
        )
      : null,
  );
}

function describe(value) {
  if (value === null || value === undefined) return "not configured";
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (typeof value === "object")
    return Object.entries(value)
      .map(([k, v]) => `${k}: ${typeof v === "object" ? JSON.stringify(v) : v}`)
      .join(", ");
  return String(value);
}

export async function healthSection(panel, heading) {
  const health = await api("/health/detailed");
  const corpus = health.corpus || {};
  fill(
    panel,
    heading,
    h(
      "p",
      {},
      "Corpus version ",
      h("code", { id: "corpus-version" }, corpus.version || "none"),
      `, ${corpus.chunks ?? 0} passages: `,
      h(
        "span",
        { class: `badge ${corpus.ok ? "ok" : "refused"}` },
        corpus.ok ? "loaded" : "not ready",
      ),
    ),
    h(
      "dl",
      { class: "facts" },
      Object.entries(health).flatMap(([name, value]) => [
        h("dt", {}, name),
        h("dd", {}, describe(value)),
      ]),
    ),
  );
}

export async function usersSection(panel, heading) {
  const { users, api_keys: keys } = await api("/admin/users");
  const status = h("p", { class: "status", role: "status", id: "users-status" });
  const reload = async (message) => {
    await usersSection(panel, heading);
    fill(panel.querySelector("#users-status"), message);
    announce(message);
  };
  const toggle = async (user) => {
    const verb = user.disabled ? "enable" : "disable";
    try {
      await api(`/admin/users/${encodeURIComponent(user.username)}/${verb}`, { method: "POST" });
      await reload(`${user.username} is ${verb}d.`);
    } catch (error) {
      status.textContent = error.message;
    }
  };
  const username = h("input", {
    id: "new-username",
    name: "username",
    autocomplete: "off",
    required: true,
  });
  const password = h("input", {
    id: "new-password",
    name: "password",
    type: "password",
    autocomplete: "new-password",
    required: true,
    minlength: 12,
  });
  const role = h(
    "select",
    { id: "new-role", name: "role" },
    h("option", { value: "user" }, "user"),
    h("option", { value: "admin" }, "admin"),
  );
  const create = h(
    "form",
    {
      "aria-label": "Create a user",
      onsubmit: async (event) => {
        event.preventDefault();
        try {
          await api("/admin/users", {
            method: "POST",
            json: { username: username.value, password: password.value, role: role.value },
          });
          await reload(`${username.value.trim().toLowerCase()} created.`);
        } catch (error) {
          status.textContent = `Not created: ${error.message}`;
        }
      },
    },
    h(
      "div",
      { class: "row" },
      h("div", { class: "field" }, h("label", { for: "new-username" }, "Username"), username),
      h(
        "div",
        { class: "field" },
        h("label", { for: "new-password" }, "Password (12+ characters)"),
        password,
      ),
      h("div", { class: "field" }, h("label", { for: "new-role" }, "Role"), role),
      h("button", { type: "submit", class: "primary" }, "Create user"),
    ),
  );
  fill(
    panel,
    heading,
    status,
    h(
      "div",
      { class: "table-wrap" },
      h(
        "table",
        { "aria-label": "Users" },
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            h("th", {}, "User"),
            h("th", {}, "Role"),
            h("th", {}, "Created"),
            h("th", {}, "Status"),
            h("th", {}, "Action"),
          ),
        ),
        h(
          "tbody",
          {},
          users.map((u) =>
            h(
              "tr",
              {},
              h("th", { scope: "row" }, u.username),
              h("td", {}, u.role),
              h("td", {}, formatDate(u.created_at)),
              h(
                "td",
                {},
                h(
                  "span",
                  { class: `badge ${u.disabled ? "refused" : "ok"}` },
                  u.disabled ? "disabled" : "active",
                ),
              ),
              h(
                "td",
                {},
                h(
                  "button",
                  {
                    type: "button",
                    onclick: () => toggle(u),
                    "aria-label": `${u.disabled ? "Enable" : "Disable"} ${u.username}`,
                  },
                  u.disabled ? "Enable" : "Disable",
                ),
              ),
            ),
          ),
        ),
      ),
    ),
    h("h3", {}, "Create a user"),
    create,
    h("h3", {}, "API keys"),
    h(
      "p",
      {},
      `${keys} API key(s) configured in RAG_API_KEYS. They are service credentials with the user role; add, rotate or revoke them there (a restart applies the change).`,
    ),
    h(
      "p",
      { class: "hint" },
      "A disabled user cannot sign in; a token issued before stays valid until it expires (RAG_JWT_TTL_MINUTES).",
    ),
  );
}
