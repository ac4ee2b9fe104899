// The chat page: sign in, pick or start a conversation, ask, read the answer as it streams.
// The open conversation is in the address (#c/<id>), so a reload or the back button keeps it;
// the list of conversations comes from the server.
import { api, SIGNED_OUT, streamAnswer } from "./api.js";
import { turnView } from "./answer.js";
import { leaveNotice, signIn, signOut, takeNotice, whoAmI } from "./auth.js";
import { $, announce, fill, h } from "./dom.js";
import { setUpPassageDialog } from "./passage.js";

const state = { sessionId: null, asking: false, turnCount: 0 };

function sessionFromAddress() {
  const match = location.hash.match(/^#c\/([A-Za-z0-9][A-Za-z0-9_-]{0,63})$/);
  return match ? match[1] : null;
}

async function refreshConversations() {
  const list = $("#conversations");
  let conversations;
  try {
    conversations = await api("/conversations");
  } catch (error) {
    fill(list, h("li", { class: "error" }, `Could not load conversations: ${error.message}`));
    return;
  }
  if (!conversations.length) {
    fill(list, h("li", { class: "hint" }, "None yet."));
    return;
  }
  fill(
    list,
    conversations.map((c) => {
      const title = c.title || "(no question yet)";
      const current = c.id === state.sessionId;
      return h(
        "li",
        { class: current ? "current" : "" },
        h("a", { href: `#c/${c.id}`, "aria-current": current ? "page" : null }, title),
        h(
          "button",
          {
            type: "button",
            class: "delete",
            "aria-label": `Delete conversation: ${title}`,
            onclick: () => deleteConversation(c.id, title),
          },
          "Delete",
        ),
      );
    }),
  );
}

async function deleteConversation(id, title) {
  if (!confirm(`Delete the conversation "${title}"? This cannot be undone.`)) return;
  try {
    await api(`/conversations/${id}`, { method: "DELETE" });
  } catch (error) {
    announce(`Not deleted: ${error.message}`);
    return;
  }
  announce("Conversation deleted");
  if (id === state.sessionId) location.hash = "";
  else await refreshConversations();
  $("#new-conversation").focus();
}

function showThread(title) {
  fill($("#thread-title"), title || "New conversation");
  $("#empty").hidden = $("#turns").children.length > 0;
}

function closeConversationsPanel() {
  $("#toggle-conversations").setAttribute("aria-expanded", "false");
  $("#conversations-panel").classList.remove("open");
}

async function openConversation(sessionId) {
  state.sessionId = sessionId;
  closeConversationsPanel(); // on a narrow screen the list covers the conversation
  fill($("#turns"));
  if (!sessionId) {
    showThread();
    await refreshConversations();
    return;
  }
  try {
    const conversation = await api(`/conversations/${sessionId}`);
    for (const turn of conversation.turns) {
      const view = turnView(turn.question, context(turn.run_id));
      view.finish(turn);
      $("#turns").append(view.element);
    }
    showThread(conversation.turns[0]?.question);
  } catch (error) {
    state.sessionId = null;
    showThread();
    $("#ask-error").textContent = `Could not open that conversation: ${error.message}`;
  }
  await refreshConversations();
}

function context(runId) {
  state.turnCount += 1;
  return { key: state.turnCount, runId, sessionId: state.sessionId };
}

async function ask(question) {
  const error = $("#ask-error");
  error.textContent = "";
  if (!state.sessionId) {
    const { id } = await api("/conversations", { method: "POST" });
    state.sessionId = id;
    // Replace, not push: the empty "new conversation" is not a place to go back to.
    history.replaceState(null, "", `#c/${id}`);
  }
  const turn = context(null);
  const view = turnView(question, turn);
  $("#turns").append(view.element);
  showThread($("#turns .question")?.lastChild?.textContent);
  view.element.scrollIntoView({ block: "start" });
  announce("Answering…");
  try {
    const answer = await streamAnswer(question, state.sessionId, {
      onRun: (runId) => (turn.runId = runId),
      onToken: (token) => view.addToken(token),
    });
    view.finish(answer);
    // The answer itself is read from its live region once it stops being busy; this adds only
    // what kind of answer it is.
    announce(view.outcomeLabel());
  } catch (failure) {
    view.fail(failure.message);
    announce(`No answer: ${failure.message}`);
  }
  await refreshConversations();
}

function setUpAsking() {
  const form = $("#ask");
  const box = $("#question");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const question = box.value.trim();
    if (state.asking) return; // the button is disabled meanwhile; Enter must not ask twice
    if (question.length < 3) {
      $("#ask-error").textContent = "Type a question of at least 3 characters.";
      return;
    }
    state.asking = true;
    $("#send").disabled = true;
    box.value = "";
    try {
      await ask(question);
    } catch (failure) {
      box.value = question; // nothing was asked: keep what they typed
      $("#ask-error").textContent = failure.message;
    } finally {
      state.asking = false;
      $("#send").disabled = false;
      box.focus();
    }
  });
  box.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
}

function setUpLayout(me) {
  fill($("#who"), `Signed in as ${me.name}`);
  $("#admin-link").hidden = me.role !== "admin";
  $("#sign-out").hidden = me.kind === "dev"; // a local development run has nobody to sign out
  $("#sign-out").addEventListener("click", () => {
    signOut();
    location.reload();
  });
  const toggle = $("#toggle-conversations");
  toggle.addEventListener("click", () => {
    const open = toggle.getAttribute("aria-expanded") !== "true";
    toggle.setAttribute("aria-expanded", String(open));
    $("#conversations-panel").classList.toggle("open", open);
  });
  $("#new-conversation").addEventListener("click", () => {
    location.hash = "";
    $("#question").focus();
  });
  window.addEventListener("hashchange", () => openConversation(sessionFromAddress()));
  window.addEventListener(SIGNED_OUT, (event) => leaveNotice(event.detail));
}

async function start() {
  setUpPassageDialog();
  let me = await whoAmI().catch(() => null);
  if (!me) me = await signIn($("#login"), takeNotice());
  setUpLayout(me);
  setUpAsking();
  $("#app").hidden = false;
  await openConversation(sessionFromAddress());
  $("#question").focus();
}

start();
