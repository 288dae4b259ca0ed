// The page of `assistant serve`. Every piece of text from the server or the
// user goes into the page as text (textContent, createElement), never as HTML.
"use strict";

(() => {
  const TOKEN_KEY = "assistant.token";
  const $ = (id) => document.getElementById(id);
  const state = { conversation: newId(), asked: [], tokenWait: null, busy: false };

  // -- building the page: elements and text only --------------------------------

  function el(tag, className, ...children) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    for (const child of children) {
      if (child === null || child === undefined || child === false) continue;
      node.append(typeof child === "string" ? document.createTextNode(child) : child);
    }
    return node;
  }

  // Offsets from the server count code points (Python); JS strings count UTF-16 units.
  function cut(text, start, end) {
    const points = Array.from(text);
    return [points.slice(0, start).join(""), points.slice(start, end).join(""),
      points.slice(end).join("")];
  }

  function newId() {
    const bytes = new Uint8Array(12);
    crypto.getRandomValues(bytes);  // (randomUUID needs a secure context; this does not)
    return "web-" + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function setStatus(text) { $("status").textContent = text; }

  // -- the token: asked for when the server answers 401, kept in this tab ---------

  function tokenHeader() {
    const token = sessionStorage.getItem(TOKEN_KEY);
    return token ? { Authorization: "Bearer " + token } : {};
  }

  function askForToken(refused) {
    const form = $("token-form");
    $("token-error").textContent = refused ? "The server refused that token; try again." : "";
    form.hidden = false;
    $("token").value = "";
    $("token").focus();
    setStatus("This server needs a token.");
    if (!state.tokenWait) {
      state.tokenWait = new Promise((resolve) => { state.tokenGiven = resolve; });
    }
    return state.tokenWait;
  }

  function tokenSubmitted(event) {
    event.preventDefault();
    const token = $("token").value.trim();
    if (!token) return;
    sessionStorage.setItem(TOKEN_KEY, token);
    $("token-form").hidden = true;
    const given = state.tokenGiven;
    state.tokenWait = state.tokenGiven = null;
    setStatus("");
    $("question").focus();
    if (given) given();
  }

  // fetch with the token; on 401, the prompt, then the same request again.
  async function api(path, init = {}) {
    for (;;) {
      const auth = tokenHeader();
      const response = await fetch(path, { ...init, headers: { ...(init.headers || {}), ...auth } });
      if (response.status !== 401) return response;
      await askForToken(Boolean(auth.Authorization));
    }
  }

  async function failure(response) {
    let message = `the server answered ${response.status}`;
    try {
      const body = await response.json();
      if (body && typeof body.error === "string") message = body.error;
    } catch (_) { /* not JSON: the status says it */ }
    return new Error(message);
  }

  // -- server-sent events read from fetch (POST bodies cannot go to EventSource) --

  function parseEvent(block) {
    let event = "message";
    const data = [];
    for (const line of block.split("\n")) {
      if (!line || line.startsWith(":")) continue;
      const colon = line.indexOf(":");
      const field = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? "" : line.slice(colon + 1);
      if (value.startsWith(" ")) value = value.slice(1);
      if (field === "event") event = value;
      else if (field === "data") data.push(value);
    }
    return data.length ? { event, data: JSON.parse(data.join("\n")) } : null;
  }

  async function* events(response) {
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer = (buffer + decoder.decode(value, { stream: true })).replace(/\r\n/g, "\n");
      let end;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const parsed = parseEvent(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
        if (parsed) yield parsed;
      }
    }
  }

  // -- how a result is shown -------------------------------------------------------

  function confidence(c) {
    if (c.confidence === null || c.confidence === undefined) return `score ${c.score.toFixed(3)}`;
    const p = c.confidence;
    const label = p >= 0.7 ? "high" : p >= 0.4 ? "medium" : "low";
    return `${label} confidence (${Math.round(p * 100)}%)`;
  }

  function where(c) {
    const paragraph = `¶${c.paragraph}`;
    if (c.page === null || c.page === undefined) return paragraph;
    return `p. ${c.page}${c.ocr ? " (OCR)" : ""} ${paragraph}`;
  }

  function origin(article) {
    return [article.source, article.date].filter(Boolean).join(", ");
  }

  function citeButton(citations, n) {
    const c = citations.find((x) => x.n === n);
    const button = el("button", "cite-ref", `[${n}]`);
    button.type = "button";
    button.setAttribute("aria-label", `Open citation ${n}` + (c ? `: ${c.article.title || c.article.id}` : ""));
    if (c) button.addEventListener("click", () => openArticle(c, button));
    else button.disabled = true;
    return button;
  }

  function notes(result) {
    const out = [];
    if (result.context && result.context.length) {
      out.push(el("p", "note", "Follow-up of: " + result.context.join(" / ")));
    }
    const f = result.filters;
    if (f) {
      const parts = [f.source && `source ${f.source}`, f.since && `since ${f.since}`,
        f.until && `until ${f.until}`].filter(Boolean);
      out.push(el("p", "note", "Only articles with " + parts.join(", ")));
    }
    if (result.note) out.push(el("p", "note", "Note: " + result.note));
    return out;
  }

  function answerCard(result) {
    const card = el("section", "card");
    card.setAttribute("aria-label", "The answer");
    const a = result.answer;
    if (result.found && a) {
      const c = result.citations.find((x) => x.n === a.citation);
      const sentence = el("p", "sentence");
      if (a.span) {
        const [before, span, after] = cut(a.text, a.span[0], a.span[1]);
        sentence.append(before, el("mark", null, span), after);
      } else {
        sentence.append(a.text);
      }
      sentence.append(citeButton(result.citations, a.citation));
      card.append(el("p", "kicker", "Answer"), sentence);
      if (c) {
        card.append(el("p", "facts", `From [${c.n}] ${c.article.title || c.article.id} · `
          + [origin(c.article), where(c), confidence(c)].filter(Boolean).join(" · ")));
      }
    } else {
      const more = result.citations.length ? " The nearest passages (weak matches) are below."
        : " No passage matches this question.";
      card.append(el("p", "kicker", "Not found"), el("p", "sentence", "Not found." + more));
    }
    card.append(...notes(result));
    return card;
  }

  function sentencesOf(generated, citations) {
    const text = el("p", "said");
    for (const s of generated.sentences) {
      if (s.supported) {
        text.append(s.text);
        for (const c of s.citations) text.append(citeButton(citations, c.n));
      } else {
        text.append(el("del", null, s.text),
          el("span", "issue", ` (unsupported: ${s.issues.join("; ")})`));
      }
      text.append(" ");
    }
    return text;
  }

  function generatedBox(result, writing) {
    const g = result.generated;
    const box = el("section", "generated");
    box.id = "generated";
    box.setAttribute("aria-label", "The answer in words");
    if (!g) {
      box.append(el("p", "kicker", "In words: writing…"), el("p", "writing"));
      box.hidden = !writing;
      return box;
    }
    box.append(el("p", "kicker", `In words (${g.model})`));
    if (g.error) {
      box.append(el("p", "note", `The model gave no answer (${g.error}); the answer above stands.`));
    } else if (g.refused) {
      box.append(el("p", "note", "The model found no answer in the passages."));
    } else {
      box.append(sentencesOf(g, result.citations));
      if (g.translation) box.append(el("p", "note", "Translated answer sentence: " + g.translation));
    }
    return box;
  }

  function passageText(c) {
    const quote = el("blockquote");
    const s = c.sentence;
    if (s) {
      const [before, best, after] = cut(c.text, s.start, s.end);
      quote.append(before, el("span", "best", best), after);
    } else {
      quote.append(c.text);
    }
    return quote;
  }

  function citationList(result) {
    const section = el("section", "citations");
    section.setAttribute("aria-labelledby", "citations-heading");
    const heading = el("h3", null, result.found ? "Citations" : "Nearest passages (weak matches)");
    heading.id = "citations-heading";
    const list = el("ol");
    for (const c of result.citations) {
      const open = el("button", "citation-open",
        el("span", "title", `[${c.n}] ${c.article.title || c.article.id}`),
        el("span", "where", [origin(c.article), where(c), confidence(c)].filter(Boolean).join(" · ")));
      open.type = "button";
      open.addEventListener("click", () => openArticle(c, open));
      list.append(el("li", null, open, passageText(c)));
    }
    section.append(heading, list);
    return section;
  }

  function show(result, writing = false) {
    const area = $("answer");
    const parts = [answerCard(result), generatedBox(result, writing)];
    if (result.citations.length) parts.push(citationList(result));
    area.replaceChildren($("answer-heading"), ...parts);
  }

  function showError(message) {
    $("answer").replaceChildren($("answer-heading"),
      el("section", "card", el("p", "kicker", "Error"), el("p", "error", message)));
  }

  // -- asking ----------------------------------------------------------------------

  function requestBody(question) {
    const body = { question, conversation: state.conversation };
    for (const name of ["source", "since", "until"]) {
      const value = $(name).value.trim();
      if (value) body[name] = value;
    }
    return body;
  }

  async function streamed(response) {
    let result = null;
    for await (const { event, data } of events(response)) {
      if (event === "result") {
        result = data;
        show(result);
      } else if (event === "token") {
        const box = $("generated");
        box.hidden = false;
        box.querySelector(".writing").append(data.text);
        setStatus("Writing the answer…");
      } else if (event === "generated") {
        result = data;
        show(result);
      } else if (event === "error") {
        const box = $("generated");
        box.hidden = false;
        box.replaceChildren(el("p", "kicker", "In words"),
          el("p", "note", `The model gave no answer (${data.error}); the answer above stands.`));
      }
    }
    return result;
  }

  async function ask(question) {
    const init = { method: "POST", body: JSON.stringify(requestBody(question)),
      headers: { "Content-Type": "application/json", Accept: "text/event-stream" } };
    let response = await api("/ask/stream", init);
    if (response.status === 503) response = await api("/ask", init);  // every stream is busy
    if (!response.ok) throw await failure(response);
    const type = response.headers.get("content-type") || "";
    if (type.startsWith("application/json")) {
      const result = await response.json();
      show(result);
      return result;
    }
    return streamed(response);
  }

  function remember(question) {
    state.asked.push(question);
    $("history-list").append(el("li", null, question));
    $("history").hidden = false;
    $("conversation-state").textContent = `${state.asked.length} question`
      + (state.asked.length === 1 ? "" : "s")
      + " in this conversation: a follow-up is searched with the ones before it.";
  }

  async function submitted(event) {
    event.preventDefault();
    const question = $("question").value.trim();
    if (!question) { setStatus("Type a question first."); return; }
    if (state.busy) return;
    state.busy = true;
    $("ask").disabled = true;
    $("answer").setAttribute("aria-busy", "true");
    setStatus("Asking…");
    try {
      const result = await ask(question);
      if (result) remember(question);
      setStatus(result ? (result.found ? "Answered." : "Not found.") : "The answer was cut off.");
    } catch (error) {
      showError(error.message);
      setStatus("");
    } finally {
      state.busy = false;
      $("ask").disabled = false;
      $("answer").setAttribute("aria-busy", "false");
    }
  }

  function newConversation() {
    state.conversation = newId();
    state.asked = [];
    $("history-list").replaceChildren();
    $("history").hidden = true;
    $("answer").replaceChildren($("answer-heading"));
    $("conversation-state").textContent = "A new conversation: a follow-up question is "
      + "searched with the ones before it.";
    setStatus("A new conversation.");
    $("question").value = "";
    $("question").focus();
  }

  // -- the article view, scrolled to the cited passage ------------------------------

  function articleMeta(article) {
    const meta = $("article-meta");
    meta.replaceChildren(origin(article));
    if (article.url && /^https?:\/\//i.test(article.url)) {  // never a javascript: address
      const link = el("a", null, article.url);
      link.href = article.url;
      link.rel = "noopener noreferrer";
      link.target = "_blank";
      meta.append(meta.childNodes.length ? " · " : "", link);
    }
    if (article.path) meta.append(meta.textContent ? " · " : "", el("code", null, article.path));
  }

  function passageBounds(text, c) {
    const [, found] = cut(text, c.start, c.end);
    if (found === c.text) return [c.start, c.end];
    const at = text.indexOf(c.text);  // the article changed since: find the passage itself
    if (at < 0) return [c.start, c.end];
    const start = Array.from(text.slice(0, at)).length;
    return [start, start + Array.from(c.text).length];
  }

  async function openArticle(c, opener) {
    const dialog = $("article");
    state.opener = opener;
    $("article-title").textContent = c.article.title || c.article.id;
    $("article-meta").replaceChildren("Loading…");
    $("article-text").replaceChildren();
    if (!dialog.open) dialog.showModal();
    const response = await api("/articles/" + encodeURIComponent(c.article.id));
    if (!response.ok) {
      const error = await failure(response);
      $("article-meta").replaceChildren(el("span", "error", error.message));
      return;
    }
    const article = await response.json();
    $("article-title").textContent = article.title || article.id;
    articleMeta(article);
    const [start, end] = passageBounds(article.text, c);
    const [before, passage, after] = cut(article.text, start, end);
    const mark = el("mark", null, passage);
    mark.id = "passage";
    mark.tabIndex = -1;
    mark.setAttribute("aria-label", `cited passage [${c.n}]: ${passage}`);
    $("article-text").replaceChildren(before, mark, after);
    mark.scrollIntoView({ block: "center" });
    mark.focus({ preventScroll: true });
  }

  function articleClosed() {
    if (state.opener && document.contains(state.opener)) state.opener.focus();
    state.opener = null;
  }

  // -- wiring ------------------------------------------------------------------------

  async function checkServer() {
    try {
      const response = await api("/health");
      if (!response.ok) return;
      const health = await response.json();
      if (!health.index) setStatus("The server has no index yet: build one with assistant index PATH.");
    } catch (_) {
      setStatus("The server cannot be reached.");
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    $("ask-form").addEventListener("submit", submitted);
    $("token-form").addEventListener("submit", tokenSubmitted);
    $("new-conversation").addEventListener("click", newConversation);
    $("article-close").addEventListener("click", () => $("article").close());
    $("article").addEventListener("close", articleClosed);
    $("article").addEventListener("click", (event) => {  // a click on the backdrop
      if (event.target === $("article")) $("article").close();
    });
    $("question").focus();
    checkServer();
  });
})();
