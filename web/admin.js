// The admin console: one section at a time, chosen by the address (#upload, #documents, …).
// It shows nothing until /me says the credentials are an admin's; the API refuses everyone else
// anyway (403), this only keeps the page honest about it.
import { SIGNED_OUT } from "./api.js";
import { leaveNotice, signIn, signOut, takeNotice, whoAmI } from "./auth.js";
import { $, fill, h } from "./dom.js";
import { documentsSection, uploadSection } from "./admin-corpus.js";
import { evalSection, feedbackSection, healthSection, usersSection } from "./admin-views.js";

const SECTIONS = {
  upload: ["Upload documents", uploadSection],
  documents: ["Documents and passages", documentsSection],
  feedback: ["Feedback", feedbackSection],
  eval: ["Last eval report", evalSection],
  health: ["Health", healthSection],
  users: ["Users and API keys", usersSection],
};

async function show() {
  const name = location.hash.slice(1) in SECTIONS ? location.hash.slice(1) : "upload";
  const [title, render] = SECTIONS[name];
  for (const link of document.querySelectorAll("#sections a")) {
    link.toggleAttribute("aria-current", link.getAttribute("href") === `#${name}`);
    if (link.hasAttribute("aria-current")) link.setAttribute("aria-current", "page");
  }
  const panel = $("#section");
  const heading = h("h2", { id: "section-title" }, title);
  fill(panel, heading, h("p", { class: "hint" }, "Loading…"));
  document.title = `${title} · personal-rag admin`;
  try {
    await render(panel, heading);
  } catch (error) {
    fill(panel, heading, h("p", { class: "error", role: "alert" }, error.message));
  }
}

async function start() {
  let me = await whoAmI().catch(() => null);
  if (!me) me = await signIn($("#login"), takeNotice());
  fill($("#who"), `Signed in as ${me.name}`);
  $("#sign-out").hidden = me.kind === "dev"; // a local development run has nobody to sign out
  $("#sign-out").addEventListener("click", () => {
    signOut();
    location.reload();
  });
  window.addEventListener(SIGNED_OUT, (event) => leaveNotice(event.detail));
  if (me.role !== "admin") {
    const notice = h(
      "section",
      { class: "login-panel" },
      h(
        "div",
        { class: "login", role: "alert" },
        h("h1", {}, "Admins only"),
        h("p", {}, `${me.name} has the ${me.role} role: this console needs an admin's sign-in.`),
        h("a", { href: "/" }, "Back to the chat"),
      ),
    );
    $("#login").replaceWith(notice);
    return;
  }
  $("#main").hidden = false;
  window.addEventListener("hashchange", async () => {
    await show();
    $("#section").focus();
  });
  await show();
}

start();
