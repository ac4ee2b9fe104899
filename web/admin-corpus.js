// Admin: uploading files and folders (one request per file, so each file gets its own report
// and one bad file does not hold back the rest), and the corpus: documents and their passages.
import { api, ApiError } from "./api.js";
import { authHeaders } from "./auth.js";
import { announce, fill, h } from "./dom.js";

/** POST one file to /ingest with upload progress (fetch cannot report it; XHR can). */
function uploadFile(file, onProgress) {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open("POST", "/ingest");
    for (const [name, value] of Object.entries(authHeaders()))
      request.setRequestHeader(name, value);
    request.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    });
    request.addEventListener("load", () => {
      let body = null;
      try {
        body = JSON.parse(request.responseText);
      } catch {
        // not JSON: described by the status below
      }
      if (request.status >= 200 && request.status < 300) resolve(body);
      else {
        const detail = body && body.detail;
        const message =
          typeof detail === "string"
            ? detail
            : Array.isArray(detail)
              ? detail.map((d) => d.msg).join("; ")
              : `the service answered ${request.status}`;
        reject(new ApiError(request.status, message));
      }
    });
    request.addEventListener("error", () => reject(new ApiError(0, "the upload failed (network)")));
    const form = new FormData();
    form.append("files", file, file.name);
    request.send(form);
  });
}

/** What happened to one file, in words, from its own ingest report. */
function fileResult(report) {
  if (report.skipped.length)
    return ["Skipped", "refused", report.skipped.map((s) => s.reason).join("; ")];
  const parts = [];
  const kind = report.chunks_added || report.chunks_replaced ? "Indexed" : "Unchanged";
  if (report.chunks_added) parts.push(`${report.chunks_added} new passages`);
  if (report.chunks_replaced) parts.push(`${report.chunks_replaced} replaced`);
  if (report.chunks_unchanged) parts.push(`${report.chunks_unchanged} unchanged`);
  if (report.chunks_flagged)
    parts.push(`${report.chunks_flagged} flagged: reads like instructions to an AI`);
  return [kind, report.chunks_flagged ? "none" : "ok", parts.join(", ") || "nothing to add"];
}

export function uploadSection(panel, heading) {
  const files = h("input", { type: "file", id: "upload-files", multiple: true });
  const folder = h("input", {
    type: "file",
    id: "upload-folder",
    webkitdirectory: true,
    multiple: true,
  });
  const overall = h("progress", {
    id: "upload-progress",
    max: 1,
    value: 0,
    "aria-label": "Upload progress",
  });
  const results = h("tbody", { id: "upload-results" });
  const status = h("p", { class: "status", role: "status" });
  const button = h("button", { type: "submit", class: "primary" }, "Upload and ingest");
  const form = h(
    "form",
    {},
    h(
      "div",
      { class: "row" },
      h("div", { class: "field" }, h("label", { for: "upload-files" }, "Files"), files),
      h(
        "div",
        { class: "field" },
        h("label", { for: "upload-folder" }, "Or a whole folder"),
        folder,
      ),
      button,
    ),
    h(
      "p",
      { class: "hint" },
      "Markdown, text, YAML and PDF files. Each file is ingested on its own and gets its own result.",
    ),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const chosen = [...files.files, ...folder.files];
    if (!chosen.length) {
      status.textContent = "Choose files or a folder first.";
      return;
    }
    button.disabled = true;
    fill(results);
    overall.value = 0;
    let done = 0;
    for (const file of chosen) {
      const name = file.webkitRelativePath || file.name;
      const cells = [
        h("td", {}, name),
        h("td", {}, h("progress", { max: 1, value: 0, "aria-label": `Uploading ${name}` })),
        h("td", {}),
      ];
      const row = h("tr", {}, cells);
      results.append(row);
      status.textContent = `Uploading ${name} (${done + 1} of ${chosen.length})…`;
      try {
        const report = await uploadFile(file, (share) => {
          cells[1].firstChild.value = share;
          overall.value = (done + share) / chosen.length;
        });
        const [result, kind, detail] = fileResult(report);
        fill(cells[1], h("span", { class: `badge ${kind}` }, result));
        fill(cells[2], detail);
      } catch (error) {
        fill(cells[1], h("span", { class: "badge refused" }, "Refused"));
        fill(cells[2], error.message);
      }
      done += 1;
      overall.value = done / chosen.length;
    }
    status.textContent = `Done: ${chosen.length} file(s).`;
    announce(status.textContent);
    button.disabled = false;
  });
  fill(
    panel,
    heading,
    form,
    overall,
    status,
    h(
      "div",
      { class: "table-wrap" },
      h(
        "table",
        { "aria-label": "Upload results" },
        h(
          "thead",
          {},
          h("tr", {}, h("th", {}, "File"), h("th", {}, "Result"), h("th", {}, "Details")),
        ),
        results,
      ),
    ),
  );
}

function chunkCard(chunk, needle) {
  return h(
    "li",
    { class: "card" },
    h(
      "p",
      {},
      h("strong", {}, chunk.document),
      chunk.page ? ` · page ${chunk.page}` : "",
      " · ",
      chunk.heading || "(top)",
      chunk.flagged
        ? [" ", h("span", { class: "badge refused" }, `flagged: ${chunk.flagged}`)]
        : null,
    ),
    h("p", { class: "chunk-text" }, marked(chunk.text, needle)),
  );
}

function marked(text, needle) {
  if (!needle) return text;
  const parts = [];
  const lower = text.toLowerCase();
  let last = 0;
  for (let at = lower.indexOf(needle); at >= 0; at = lower.indexOf(needle, at + needle.length)) {
    parts.push(text.slice(last, at), h("mark", {}, text.slice(at, at + needle.length)));
    last = at + needle.length;
  }
  parts.push(text.slice(last));
  return parts;
}

export async function documentsSection(panel, heading) {
  const { corpus_version: version, documents } = await api("/admin/documents");
  const query = h("input", { id: "chunk-query", type: "search", name: "q" });
  const source = h(
    "select",
    { id: "chunk-source", name: "source" },
    h("option", { value: "" }, "All documents"),
    documents.map((d) => h("option", { value: d.source }, d.document)),
  );
  const flagged = h("input", { id: "chunk-flagged", type: "checkbox", name: "flagged" });
  const found = h("ul", { class: "cards", id: "chunk-results", "aria-label": "Matching passages" });
  const count = h("p", { class: "status", role: "status" });
  const search = async () => {
    const params = new URLSearchParams({ q: query.value });
    if (source.value) params.set("source", source.value);
    if (flagged.checked) params.set("flagged", "true");
    const result = await api(`/admin/chunks?${params}`);
    const needle = query.value.trim().toLowerCase();
    count.textContent = `${result.total} passage(s) found${result.total > result.chunks.length ? `, showing ${result.chunks.length}` : ""}.`;
    fill(
      found,
      result.chunks.map((c) => chunkCard(c, needle)),
    );
  };
  const searchForm = h(
    "form",
    {
      role: "search",
      "aria-label": "Search passages",
      onsubmit: (e) => (e.preventDefault(), search()),
    },
    h(
      "div",
      { class: "row" },
      h(
        "div",
        { class: "field" },
        h("label", { for: "chunk-query" }, "Text or heading contains"),
        query,
      ),
      h("div", { class: "field" }, h("label", { for: "chunk-source" }, "Document"), source),
      h("div", { class: "field" }, h("label", { for: "chunk-flagged" }, flagged, " Flagged only")),
      h("button", { type: "submit", class: "primary" }, "Search passages"),
    ),
  );
  const outcome = h("p", { class: "status", role: "status", id: "document-status" });
  const act = async (path, doc, verb) => {
    try {
      const report = await api(path, { method: "POST", json: { source: doc.source } });
      outcome.textContent = `${doc.document}: ${verb} (corpus version ${report.corpus_version}).`;
      announce(outcome.textContent);
      await documentsSection(panel, heading);
      fill(panel.querySelector("#document-status"), outcome.textContent);
    } catch (error) {
      outcome.textContent = `${doc.document}: ${error.message}`;
    }
  };
  const rows = documents.map((doc) =>
    h(
      "tr",
      {},
      h("th", { scope: "row" }, doc.document, h("div", { class: "hint path" }, doc.source)),
      h("td", { class: "num" }, String(doc.chunks)),
      h("td", { class: "num" }, String(doc.flagged)),
      h(
        "td",
        {},
        h(
          "div",
          { class: "row" },
          h(
            "button",
            {
              type: "button",
              onclick: () => ((source.value = doc.source), (query.value = ""), search()),
              "aria-label": `Show the passages of ${doc.document}`,
            },
            "Passages",
          ),
          h(
            "button",
            {
              type: "button",
              onclick: () => act("/admin/documents/reingest", doc, "ingested again"),
              "aria-label": `Ingest ${doc.document} again`,
            },
            "Re-ingest",
          ),
          h(
            "button",
            {
              type: "button",
              class: "danger",
              "aria-label": `Delete ${doc.document} from the corpus`,
              onclick: () =>
                confirm(`Remove ${doc.document} and its ${doc.chunks} passages from the corpus?`) &&
                act("/admin/documents/remove", doc, "removed"),
            },
            "Delete",
          ),
        ),
      ),
    ),
  );
  fill(
    panel,
    heading,
    h("p", {}, `${documents.length} documents, corpus version `, h("code", {}, version), "."),
    outcome,
    h(
      "div",
      { class: "table-wrap" },
      h(
        "table",
        { "aria-label": "Documents" },
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            h("th", {}, "Document"),
            h("th", { class: "num" }, "Passages"),
            h("th", { class: "num" }, "Flagged"),
            h("th", {}, "Actions"),
          ),
        ),
        h("tbody", {}, rows),
      ),
    ),
    h("h3", {}, "Search passages"),
    searchForm,
    count,
    found,
  );
}
