// The cited passage, opened from an [n] in an answer: which document, where in it, and the
// passage itself with the words the citing sentence shares with it highlighted.
import { api } from "./api.js";
import { $, fill, h } from "./dom.js";

const STOP = new Set(
  "the and for with that this from your you are was were have has had not but what when where which who how does did its into than then them they their there about also".split(
    " ",
  ),
);

/** Words and numbers of a sentence worth finding in the passage (lower case). */
function terms(sentence) {
  const words =
    sentence.toLowerCase().match(/[\p{L}\p{N}][\p{L}\p{N}.\-:/]*[\p{L}\p{N}]|\p{N}/gu) || [];
  return [...new Set(words.filter((w) => (w.length > 2 || /\d/.test(w)) && !STOP.has(w)))];
}

/** The passage as text nodes and <mark>s around the terms (whole words only). */
function highlighted(text, sentence) {
  const wanted = terms(sentence);
  if (!wanted.length) return [text];
  const escaped = wanted.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}])(${escaped.join("|")})(?![\\p{L}\\p{N}])`, "giu");
  const parts = [];
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    parts.push(text.slice(last, match.index), h("mark", {}, match[0]));
    last = match.index + match[0].length;
  }
  parts.push(text.slice(last));
  return parts;
}

/** Opens the dialog for `citation`; `sentence` is the answer sentence that cited it. */
export async function openPassage(citation, sentence, opener) {
  const dialog = $("#passage");
  const body = $("#passage-body");
  fill($("#passage-title"), `[${citation.index}] ${citation.source}`);
  fill(body, h("p", { class: "hint" }, "Loading the passage…"));
  dialog.showModal();
  dialog.addEventListener("close", () => opener?.focus(), { once: true });
  try {
    const passage = await api(`/passages/${encodeURIComponent(citation.chunk_id)}`);
    fill(
      body,
      h(
        "dl",
        { class: "facts" },
        h("dt", {}, "Document"),
        h("dd", {}, passage.document),
        h("dt", {}, "Section"),
        h("dd", {}, passage.heading || "(top of the document)"),
        passage.page ? [h("dt", {}, "Page"), h("dd", {}, String(passage.page))] : null,
      ),
      passage.flagged
        ? h(
            "p",
            { class: "warning" },
            "This passage reads like instructions to an AI. The assistant treats it as data, never as instructions.",
          )
        : null,
      h(
        "blockquote",
        {
          class: "passage-text",
          "aria-label": "Passage text, words the answer used are highlighted",
        },
        highlighted(passage.text, sentence),
      ),
    );
  } catch (error) {
    fill(
      body,
      h("p", { class: "error", role: "alert" }, `Could not open the passage: ${error.message}`),
    );
  }
}

export function setUpPassageDialog() {
  const dialog = $("#passage");
  $("#passage-close").addEventListener("click", () => dialog.close());
  // A click on the backdrop (outside the dialog's box) closes it too.
  dialog.addEventListener("click", (event) => {
    if (event.target === dialog) dialog.close();
  });
}
