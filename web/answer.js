// One turn of a conversation: the question, the answer as it streams in, then the finished
// answer with its [n] citations as buttons, the outcome in words, the sources, copy and feedback.
import { api } from "./api.js";
import { announce, h, icon } from "./dom.js";
import { openPassage } from "./passage.js";

const OUTCOMES = {
  answered: ["Answered from your documents", "ok"],
  no_answer: ["Not in your documents", "none"],
  blocked: ["Refused: this question was not answered", "refused"],
  fallback: ["No written answer right now: the most relevant passages instead", "fallback"],
};

const MARKER = /\[(\d{1,3})\]/g;

// A citation's source is the document's name as ingested (e.g. "projects/harbor-deck.md").
function describeCitation(citation) {
  const where = [citation.heading, citation.page ? `page ${citation.page}` : ""].filter(Boolean);
  return `${citation.source}${where.length ? ` — ${where.join(", ")}` : ""}`;
}

/** The sentence around a marker at `index` of `text`: what the citation supports. */
function sentenceAt(text, index) {
  const start = Math.max(text.lastIndexOf(". ", index), text.lastIndexOf("\n", index)) + 1;
  return text.slice(start, index).replace(MARKER, "");
}

/** Answer text as paragraphs, each [n] with a citation becoming a button that opens it. */
function answerBody(text, citations) {
  const byIndex = new Map(citations.map((c) => [c.index, c]));
  return text.split(/\n{2,}/).map((paragraph) => {
    const parts = [];
    let last = 0;
    for (const match of paragraph.matchAll(MARKER)) {
      const citation = byIndex.get(Number(match[1]));
      if (!citation) continue;
      parts.push(paragraph.slice(last, match.index));
      const sentence = sentenceAt(paragraph, match.index);
      const button = h(
        "button",
        {
          type: "button",
          class: "cite",
          "aria-label": `Source ${citation.index}: ${describeCitation(citation)}`,
          onclick: () => openPassage(citation, sentence, button),
        },
        `[${citation.index}]`,
      );
      parts.push(button);
      last = match.index + match[0].length;
    }
    parts.push(paragraph.slice(last));
    return h("p", {}, parts);
  });
}

function sourcesList(answer) {
  if (!answer.citations.length) return null;
  const text = answer.answer;
  return h(
    "section",
    { class: "sources", "aria-label": "Sources" },
    h("h3", {}, "Sources"),
    h(
      "ol",
      {},
      answer.citations.map((citation) => {
        const at = text.indexOf(`[${citation.index}]`);
        const sentence = at >= 0 ? sentenceAt(text, at) : "";
        const button = h(
          "button",
          {
            type: "button",
            class: "source",
            onclick: () => openPassage(citation, sentence, button),
          },
          h("span", { class: "source-index" }, `[${citation.index}]`),
          " ",
          describeCitation(citation),
        );
        return h("li", {}, button);
      }),
    ),
  );
}

function copyText(answer) {
  const sources = answer.citations.map((c) => `[${c.index}] ${describeCitation(c)}`);
  return sources.length ? `${answer.answer}\n\nSources:\n${sources.join("\n")}` : answer.answer;
}

function feedbackControls(context) {
  const status = h("p", { class: "status", role: "status" });
  const comment = h("textarea", { id: `comment-${context.key}`, rows: 2, maxlength: 2000 });
  let score = null;
  const send = async () => {
    try {
      await api("/feedback", {
        method: "POST",
        json: {
          run_id: context.runId || undefined,
          session_id: context.sessionId,
          score,
          comment: comment.value.trim() || undefined,
        },
      });
      form.hidden = true;
      status.textContent = "Thank you: your feedback was saved.";
    } catch (error) {
      status.textContent = `Feedback not saved: ${error.message}`;
    }
  };
  const form = h(
    "form",
    {
      class: "comment",
      hidden: true,
      onsubmit: (event) => {
        event.preventDefault();
        send();
      },
    },
    h("label", { for: `comment-${context.key}` }, "Anything to add? (optional)"),
    comment,
    h("button", { type: "submit" }, "Send feedback"),
  );
  const rate = (value) => (event) => {
    score = value;
    for (const b of thumbs) b.setAttribute("aria-pressed", String(b === event.currentTarget));
    form.hidden = false;
    comment.focus();
  };
  const thumbs = [
    h(
      "button",
      { type: "button", "aria-pressed": "false", onclick: rate(1) },
      icon("up"),
      "Helpful",
    ),
    h(
      "button",
      { type: "button", "aria-pressed": "false", onclick: rate(0) },
      icon("down"),
      "Not helpful",
    ),
  ];
  return [thumbs, form, status];
}

/** A turn element for a question; call `finish(answer)` when the answer is known. */
export function turnView(question, context) {
  const text = h("div", { class: "answer-text", "aria-live": "polite", "aria-busy": "true" });
  const outcome = h("p", { class: "outcome" }, "Answering…");
  const article = h("article", { class: "answer", "aria-label": "Answer" }, outcome, text);
  const element = h(
    "li",
    { class: "turn" },
    h("p", { class: "question" }, h("span", { class: "visually-hidden" }, "You asked: "), question),
    article,
  );
  return {
    element,
    addToken(token) {
      text.append(token);
    },
    outcomeLabel() {
      return outcome.textContent;
    },
    fail(message) {
      outcome.textContent = "No answer";
      outcome.dataset.kind = "refused";
      text.setAttribute("aria-busy", "false");
      text.replaceChildren(h("p", { class: "error" }, message));
    },
    finish(answer) {
      const [label, kind] = OUTCOMES[answer.outcome] || OUTCOMES.fallback;
      outcome.textContent = label;
      outcome.dataset.kind = kind;
      text.replaceChildren(...answerBody(answer.answer, answer.citations));
      text.setAttribute("aria-busy", "false");
      const copyLabel = h("span", {}, "Copy answer");
      const copy = h("button", { type: "button" }, icon("copy"), copyLabel);
      copy.addEventListener("click", async () => {
        await navigator.clipboard.writeText(copyText(answer));
        announce("Answer copied");
        copyLabel.textContent = "Copied";
      });
      const actions = h("div", { class: "actions" }, copy, feedbackControls(context));
      article.append(...[sourcesList(answer), actions].filter(Boolean));
    },
  };
}
