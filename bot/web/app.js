// Deelwijzer web app: plain JavaScript, no libraries, no external requests.
// All text from the server is inserted with textContent (never innerHTML).
"use strict";

const LABELS = { mag: "Ja", mag_mits: "Ja, mits", mag_niet: "Nee", hangt_af: "Hangt af", buiten_bereik: "Buiten bereik" };
const REASONS = {
  onjuist: "Onjuist",
  bron_ontbreekt: "Bron ontbreekt",
  onduidelijk: "Onduidelijk",
  te_voorzichtig: "Te voorzichtig",
  te_ruim: "Te ruim",
};
const SCRUB_NOTE = "BSN, V-nummers, telefoonnummers, e-mailadressen, adressen, postcodes, data, IBAN's en namen worden eerst verwijderd (voor zover herkend).";
const DOCUMENT_TYPES = { convenant: "convenant", handreiking: "handreiking", werkinstructie: "werkinstructie" };
const TOKEN_KEY = "deelwijzer-beheertoken";

const state = { conversationId: null, busy: false, token: sessionStorage.getItem(TOKEN_KEY) || "", sources: [] };

// --- small helpers ------------------------------------------------------------------------------------

function $(selector, root = document) { return root.querySelector(selector); }

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "class") node.className = value;
    else if (name === "text") node.textContent = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat(Infinity)) if (child !== null && child !== undefined) node.append(child);
  return node;
}

function setStatus(node, text, isError = false) {
  node.textContent = text;
  node.classList.toggle("status--error", isError);
}

async function errorText(response) {
  try {
    const body = await response.json();
    if (body && body.error && body.error.message) return body.error.message;
  } catch (_) { /* not JSON */ }
  return `De server antwoordde ${response.status}.`;
}

function escapeRegExp(text) { return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); }

// --- server-sent events over fetch (POST) ----------------------------------------------------------------

async function* readEvents(response) {
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    const blocks = buffer.split(/\r?\n\r?\n/);
    buffer = blocks.pop();
    for (const block of blocks) {
      const event = parseEvent(block);
      if (event) yield event;
    }
  }
}

function parseEvent(block) {
  let name = "message";
  const data = [];
  for (const line of block.split(/\r?\n/)) {
    if (line.startsWith("event:")) name = line.slice(6).trim();
    else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
  }
  if (!data.length) return null;
  return { name, data: JSON.parse(data.join("\n")) };
}

// --- chat -----------------------------------------------------------------------------------------------

function newTurn(question, note = "") {
  const answer = el("div", { class: "answer", "aria-busy": "true" },
    el("p", { class: "answer__stream", text: "Even zoeken in de wetteksten…" }));
  const turn = el("article", { class: "turn", "aria-label": "Vraag en antwoord" },
    el("p", { class: "turn__question" }, el("span", { class: "visually-hidden", text: "U vroeg: " }), question,
      note ? el("span", { class: "turn__note", text: note }) : null),
    answer);
  $("#conversation").append(turn);
  $("#intro").hidden = true;
  return answer;
}

// `facts` (a re-ask after a fact chip or a clarifying option): {fact id: value | null} over what was read.
async function ask(question, facts = null, note = "") {
  if (state.busy) return;
  const status = $("#ask-status");
  const text = question.trim();
  if (!text && !facts) { setStatus(status, "Typ eerst een vraag.", true); $("#question").focus(); return; }
  state.busy = true;
  $("#ask-button").disabled = true;
  setStatus(status, "Bezig met zoeken en afwegen…");
  const box = newTurn(text, note);
  try {
    const response = await fetch("/api/chat", {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "text/event-stream" },
      body: JSON.stringify({ conversation_id: state.conversationId, question: text, ...(facts ? { facts } : {}) }),
    });
    if (!response.ok) throw new Error(await errorText(response));
    await consume(response, box, text);
    if (!facts) $("#question").value = "";
    box.parentElement.scrollIntoView({ block: "start" });
    setStatus(status, "Antwoord ontvangen.");
  } catch (error) {
    box.replaceChildren(el("p", { class: "answer__error", text: error.message || "Geen verbinding met de server." }));
    setStatus(status, "Het lukte niet om een antwoord te krijgen.", true);
  } finally {
    box.removeAttribute("aria-busy");
    state.busy = false;
    $("#ask-button").disabled = false;
  }
}

async function consume(response, box, question) {
  const stream = el("p", { class: "answer__stream" });
  box.replaceChildren(stream);
  for await (const event of readEvents(response)) {
    if (event.name === "verdict") box.prepend(verdictRow(event.data.verdict, event.data.label));
    else if (event.name === "text") stream.textContent += event.data.text;
    else if (event.name === "done") {
      state.conversationId = event.data.conversation_id;
      renderAnswer(box, event.data.answer, question, event.data.record_token);
    }
  }
}

function verdictRow(verdict, label) {
  return el("div", { class: "verdict-row" },
    el("span", { class: `badge badge--${verdict}`, "data-verdict": verdict }, el("span", { class: "visually-hidden", text: "Oordeel: " }), label || LABELS[verdict]));
}

// `reask(facts, note)`: ask again with facts set (chat: the same conversation; guided mode: POST /api/ask).
function renderAnswer(box, answer, question, recordToken, reask = (facts, note) => ask(question, facts, note)) {
  const parts = [
    understoodBlock(answer, reask),
    verdictRow(answer.verdict, LABELS[answer.verdict]),
    el("p", { class: "summary", text: answer.summary }),
    clarifyBlock(answer, reask),
  ];
  if (answer.relies_on_guidance) parts.push(el("p", { class: "guidance-note", text: "Let op: dit antwoord leunt (ook) op een convenant of handreiking, niet alleen op de wet." }));
  const conditionsTitle = answer.verdict === "mag_mits" ? "Voorwaarden — vink af wat geregeld is" : "Aandachtspunten";
  if (answer.conditions.length) parts.push(section(conditionsTitle, checklist(answer.conditions)));
  if (answer.clarifying_questions.length) parts.push(section("Wat ik nog moet weten", clarifyButtons(answer.clarifying_questions)));
  if (answer.steps.length) parts.push(stepsBlock(answer));
  if (answer.record.length) parts.push(section("Wat leg je vast", el("ul", { class: "plain-list" }, answer.record.map((item) => el("li", { text: item })))));
  if (answer.escalate) parts.push(el("p", { class: "escalate" }, el("strong", { text: "Bij twijfel: " }), answer.escalate));
  if (answer.citations.length) parts.push(section("Bronnen", el("div", { class: "chips" }, answer.citations.map((c) => chip(c.key, c)))));
  const documents = answer.citations.filter(isDocument);
  if (documents.length) parts.push(el("p", { class: "guidance-note document-note", text: `Let op: ${documents.map((c) => c.key).join(", ")} ${documents.length === 1 ? "is" : "zijn"} tekst uit een document (${[...new Set(documents.map((c) => DOCUMENT_TYPES[c.source_type]))].join(", ")}), geen wet. Zo'n document kan door een gebruiker zijn toegevoegd; lees het als achtergrond, niet als regel.` }));
  if (answer.kb_build) parts.push(el("p", { class: "hint", text: `Kennisbank: ${answer.kb_build}` }));
  parts.push(actions(answer, question, recordToken));
  box.replaceChildren(...parts.filter(Boolean));
}

function section(title, body) { return el("section", {}, el("h3", { text: title }), body); }

function checklist(items) {
  return el("ul", { class: "checklist" }, items.map((item) => el("li", {}, el("label", {}, el("input", { type: "checkbox" }), el("span", { text: item })))));
}

function clarifyButtons(questions) {
  return el("div", { class: "clarify__buttons" }, questions.map((text) => el("button", {
    type: "button", class: "button button--quiet", text,
    onclick: () => { const box = $("#question"); box.value = `${text} `; box.focus(); box.setSelectionRange(box.value.length, box.value.length); },
  })));
}

function stepsBlock(answer) {
  const byKey = new Map(answer.citations.map((c) => [c.key, c]));
  const items = answer.steps.map((step) => el("li", {},
    el("span", { class: "step__title", text: step.title }), " — ", step.finding,
    step.keys.length ? el("div", { class: "chips" }, step.keys.map((key) => chip(key, byKey.get(key) || findByArticle(answer.citations, key)))) : null));
  return el("details", { class: "steps", open: true }, el("summary", { text: answer.steps.length === 1 ? "Afweging in 1 stap" : `Afweging in ${answer.steps.length} stappen` }), el("ol", {}, items));
}

function findByArticle(citations, key) {
  const article = (k) => k.split(/\s+lid\s+|\s+sub\s+/)[0].toLowerCase();
  return citations.find((c) => article(c.key) === article(key)) || null;
}

function isDocument(citation) { return Boolean(citation && DOCUMENT_TYPES[citation.source_type]); }

function chip(key, citation) {
  const label = [key];
  if (citation && citation.source_version) label.push(el("span", { class: "chip__version", text: ` · ${citation.source_version}` }));
  if (isDocument(citation)) label.push(el("span", { class: "chip__document", text: ` · ${DOCUMENT_TYPES[citation.source_type]}, geen wet` }));
  return el("button", {
    type: "button", class: "chip", "data-key": key, "aria-haspopup": "dialog",
    "aria-label": `Toon ${key}${citation ? `, versie ${citation.source_version}` : ""}`,
    onclick: (event) => openPassage(key, citation, event.currentTarget),
  }, label);
}

// --- passage dialog -----------------------------------------------------------------------------------------

async function openPassage(key, citation, opener) {
  const dialog = $("#passage-dialog");
  $("#passage-title").textContent = key;
  $("#passage-meta").textContent = "Laden…";
  $("#passage-text").replaceChildren();
  $("#passage-link").hidden = true;
  dialog.returnFocus = opener;
  if (!dialog.open) dialog.showModal();
  const params = citation && citation.source_version ? `?version=${encodeURIComponent(citation.source_version)}` : "";
  try {
    const response = await fetch(`/api/passages/${encodeURIComponent(key)}${params}`);
    if (!response.ok) throw new Error(await errorText(response));
    showPassage(await response.json(), citation);
  } catch (error) {
    $("#passage-meta").textContent = error.message;
  }
}

function showPassage(passage, citation) {
  const when = passage.current ? "geldende versie" : "historische versie";
  const title = passage.title ? ` — ${passage.title}` : "";
  const within = passage.requested_key !== passage.key ? ` · uit ${passage.key}` : "";
  $("#passage-title").textContent = `${passage.requested_key || passage.key}${title}`;
  $("#passage-meta").textContent = `${passage.source_title} · versie ${passage.version_date} (${when})${within}`;
  const quote = (citation && citation.quote) || passage.sub_text || "";
  const box = $("#passage-text");
  const found = highlight(box, passage.text, quote);
  const link = $("#passage-link");
  link.hidden = !passage.url;
  if (passage.url) { link.href = passage.url; link.textContent = "Officiële tekst (opent in nieuw venster)"; }
  const mark = $("mark", box);
  if (found && mark) mark.scrollIntoView({ block: "center" });
  box.focus();
}

function highlight(box, text, quote) {
  const words = quote.trim().split(/\s+/).filter(Boolean).map(escapeRegExp);
  const match = words.length ? new RegExp(words.join("\\s+")).exec(text) : null;
  if (!match) { box.replaceChildren(text); return false; }
  box.replaceChildren(text.slice(0, match.index), el("mark", { text: match[0] }), text.slice(match.index + match[0].length));
  return true;
}

function closePassage() {
  const dialog = $("#passage-dialog");
  dialog.close();
}

// --- vastleggen and feedback -----------------------------------------------------------------------------

function actions(answer, question, recordToken) {
  return el("div", { class: "actions" }, recordPanel(recordToken), feedbackPanel(answer, question));
}

function recordPanel(recordToken) {
  const id = `motivation-${Math.random().toString(36).slice(2)}`;
  const motivation = el("textarea", { id, rows: 3, maxlength: 10000 });
  const status = el("p", { class: "status", role: "status" });
  const download = (format) => exportRecord(recordToken, motivation.value, format, status);
  return el("div", { class: "record-panel" },
    el("div", { class: "inline" },
      el("button", { type: "button", class: "button button--primary", "data-format": "pdf", text: "Vastleggen (PDF)", onclick: () => download("pdf") }),
      el("button", { type: "button", class: "button", "data-format": "md", text: "Vastleggen (Markdown)", onclick: () => download("md") })),
    el("details", {},
      el("summary", { text: "Eigen motivering toevoegen (optioneel)" }),
      el("div", { class: "panel" },
        el("label", { for: id, text: "Waarom deelt u wel of niet? Dit komt in het verslag, als uw eigen tekst." }), motivation)),
    el("p", { class: "hint", text: `Het verslag bevat uw vraag, de feiten, het oordeel, de voorwaarden, de stappen met artikelen en citaten, en de kennisbankversie. ${SCRUB_NOTE}` }),
    status);
}

async function exportRecord(recordToken, motivation, format, status) {
  setStatus(status, "Verslag maken…");
  try {
    const response = await fetch("/api/records", {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ record_token: recordToken, motivation, format }),
    });
    if (!response.ok) throw new Error(await errorText(response));
    const name = (response.headers.get("Content-Disposition") || "").match(/filename="([^"]+)"/);
    saveBlob(await response.blob(), name ? name[1] : `deelwijzer-vastlegging.${format}`);
    setStatus(status, "Verslag gedownload.");
  } catch (error) {
    setStatus(status, error.message, true);
  }
}

function saveBlob(blob, filename) {
  const url = URL.createObjectURL(blob);
  const link = el("a", { href: url, download: filename, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

function feedbackPanel(answer, question) {
  const suffix = Math.random().toString(36).slice(2);
  const form = el("form", { class: "feedback__form", hidden: true });
  const status = el("p", { class: "status", role: "status" });
  const thumbs = ["up", "down"].map((rating) => el("button", {
    type: "button", class: "button button--quiet thumb", "aria-pressed": "false", "data-rating": rating,
    text: rating === "up" ? "✓ Nuttig" : "✗ Niet goed",
    onclick: () => { for (const t of thumbs) t.setAttribute("aria-pressed", String(t === thumbs[rating === "up" ? 0 : 1])); form.hidden = false; form.dataset.rating = rating; },
  }));
  const reason = el("select", { id: `reason-${suffix}`, name: "reason" }, el("option", { value: "", text: "— kies een reden (optioneel) —" }),
    Object.entries(REASONS).map(([value, text]) => el("option", { value, text })));
  const comment = el("textarea", { id: `comment-${suffix}`, name: "comment", rows: 2, maxlength: 2000 });
  const include = el("input", { type: "checkbox", id: `include-${suffix}`, name: "include_question" });
  form.append(
    el("label", { for: reason.id, text: "Reden" }), reason,
    el("label", { for: comment.id, text: "Toelichting (optioneel)" }), comment,
    el("label", { class: "check-inline", for: include.id }, include, el("span", { text: `Mijn vraag meesturen. ${SCRUB_NOTE}` })),
    el("div", {}, el("button", { type: "submit", class: "button button--primary", text: "Feedback versturen" })), status);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    sendFeedback({
      rating: form.dataset.rating, reason: reason.value || null, comment: comment.value,
      question: include.checked ? question : "", answer_id: answer.id, verdict: answer.verdict,
      keys: answer.citations.map((c) => c.key), kb_build: answer.kb_build,
    }, status);
  });
  return el("div", { class: "feedback", role: "group", "aria-label": "Feedback op dit antwoord" },
    el("div", { class: "feedback__thumbs" }, el("span", { text: "Was dit antwoord bruikbaar?" }), thumbs), form);
}

async function sendFeedback(body, status) {
  setStatus(status, "Versturen…");
  try {
    const response = await fetch("/api/feedback", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
    if (!response.ok) throw new Error(await errorText(response));
    setStatus(status, "Bedankt, uw feedback is opgeslagen.");
  } catch (error) {
    setStatus(status, error.message, true);
  }
}

// --- beheer -----------------------------------------------------------------------------------------------

async function adminFetch(path, options = {}) {
  const headers = { ...(options.headers || {}), Authorization: `Bearer ${state.token}` };
  const response = await fetch(path, { ...options, headers });
  if (response.status === 401) { logout(); throw new Error(await errorText(response)); }
  if (!response.ok) throw new Error(await errorText(response));
  return response.json();
}

async function login(token) {
  state.token = token;
  const status = $("#login-status");
  setStatus(status, "Controleren…");
  try {
    await adminFetch("/api/admin/jobs");
    sessionStorage.setItem(TOKEN_KEY, token);
    setStatus(status, "Ingelogd.");
    $("#admin").hidden = false;
    $("#logout").hidden = false;
    await Promise.all([loadSources(), loadFeedback(), loadUnanswered(), loadJobs(), loadFlags()]);
  } catch (error) {
    setStatus(status, error.message, true);
  }
}

function logout() {
  state.token = "";
  sessionStorage.removeItem(TOKEN_KEY);
  $("#admin").hidden = true;
  $("#logout").hidden = true;
}

async function loadSources() {
  const response = await fetch("/api/sources");
  if (!response.ok) return;
  const body = await response.json();
  state.sources = body.sources;
  $("#kb-build").textContent = body.kb_build ? `Kennisbank in gebruik: ${body.kb_build}` : "Nog niets ingelezen.";
  const rows = body.sources.filter((s) => s.versions.length).map((s) => el("tr", {},
    el("td", {}, el("strong", { text: s.name }), el("br"), el("span", { class: "hint", text: s.title })),
    el("td", { text: s.type }),
    el("td", {}, s.versions.map((v) => el("span", { class: `version${v.current ? " version--current" : ""}`,
      text: `${v.version_date} ${v.language} (${v.passage_count})${v.current ? " — geldend" : ""}` })))));
  $("#sources-table tbody").replaceChildren(...rows);
  fillChangeSources();
}

function comparable() {
  return state.sources.filter((s) => s.versions.length > 1);
}

function fillChangeSources() {
  const select = $("#changes-source");
  select.replaceChildren(...comparable().map((s) => el("option", { value: s.id, text: s.name })));
  fillChangeVersions();
}

function fillChangeVersions() {
  const source = comparable().find((s) => s.id === $("#changes-source").value);
  const versions = source ? source.versions : [];
  const options = () => versions.map((v) => el("option", { value: v.document_id, text: `${v.version_date} (${v.language})` }));
  $("#changes-old").replaceChildren(...options());
  $("#changes-new").replaceChildren(...options());
  if (versions.length > 1) {
    $("#changes-old").value = versions[versions.length - 2].document_id;
    $("#changes-new").value = versions[versions.length - 1].document_id;
  }
}

async function loadChanges() {
  const status = $("#changes-status");
  const source = $("#changes-source").value;
  if (!source) { setStatus(status, "Geen bron met twee of meer versies ingelezen.", true); return; }
  setStatus(status, "Vergelijken…");
  const params = new URLSearchParams({ old: $("#changes-old").value, new: $("#changes-new").value });
  try {
    const result = await adminFetch(`/api/admin/changes/${encodeURIComponent(source)}?${params}`);
    setStatus(status, `${result.old.version_date} → ${result.new.version_date}: ${result.changed.length} gewijzigd, ${result.added.length} toegevoegd, ${result.removed.length} vervallen, ${result.unchanged} ongewijzigd.`);
    const items = [...result.changed, ...result.added, ...result.removed].map((change, i) => changeItem(change, i));
    $("#changes-result").replaceChildren(...items);
    showRuleChecks(result.rules);
  } catch (error) {
    setStatus(status, error.message, true);
  }
}

const CONTEXT_WORDS = 12;

function changeItem(change, index) {
  const kinds = { changed: "gewijzigd", added: "toegevoegd", removed: "vervallen" };
  let body;
  if (change.kind === "changed") body = el("p", {}, change.diff.flatMap((piece, i) => [diffPiece(piece, i, change.diff.length), " "]));
  else body = el("p", {}, el(change.kind === "added" ? "ins" : "del", { text: change.kind === "added" ? change.new_text : change.old_text }));
  return el("details", { class: "change", open: index < 3 },
    el("summary", {}, el("span", { class: "change__key", text: change.key }), el("span", { class: "change__kind", text: kinds[change.kind] })), body);
}

function diffPiece(piece, index, count) {
  if (piece.op !== "same") return el(piece.op === "added" ? "ins" : "del", { text: piece.text });
  const words = piece.text.split(" ");
  if (words.length <= 2 * CONTEXT_WORDS + 4) return piece.text;
  const head = index === 0 ? [] : words.slice(0, CONTEXT_WORDS);
  const tail = index === count - 1 ? [] : words.slice(-CONTEXT_WORDS);
  return [head.join(" "), el("span", { class: "change__gap", text: " … " }), tail.join(" ")];
}

async function loadFeedback() {
  const form = $("#feedback-filter");
  const params = new URLSearchParams({ rating: form.rating.value, reason: form.reason.value });
  const body = await adminFetch(`/api/admin/feedback?${params}`);
  const rows = body.entries.map((e) => el("tr", {},
    el("td", { text: e.created.slice(0, 16).replace("T", " ") }), el("td", { text: e.rating === "up" ? "✓ nuttig" : "✗ niet goed" }),
    el("td", { text: e.reason ? REASONS[e.reason] : "" }), el("td", { text: LABELS[e.verdict] || e.verdict }),
    el("td", { text: e.question }), el("td", { text: e.comment })));
  if (!rows.length) rows.push(el("tr", {}, el("td", { colspan: 6, text: "Geen feedback gevonden." })));
  $("#feedback-table tbody").replaceChildren(...rows);
  const warning = $("#storage-warning");
  warning.hidden = !body.storage.warning;
  warning.textContent = body.storage.warning;
}

const FACT_NAMES = { sender: "wie deelt", recipient: "met wie", data: "gegevens", purpose: "doel", minor: "minderjarige", outside_eer: "buiten de EER", language: "taal" };

async function loadUnanswered() {
  const body = await adminFetch("/api/admin/unanswered");
  const facts = (p) => Object.keys(FACT_NAMES).filter((name) => p[name]).map((name) => `${FACT_NAMES[name]}: ${p[name]}`).join("; ") || "niets herkend";
  const rows = body.patterns.map((p) => el("tr", {}, el("td", { text: String(p.count) }), el("td", { text: LABELS[p.verdict] }),
    el("td", { text: facts(p) }), el("td", { text: p.gaps.map((gap) => FACT_NAMES[gap]).join(", ") })));
  if (!rows.length) rows.push(el("tr", {}, el("td", { colspan: 4, text: "Nog geen onbesliste vragen." })));
  $("#unanswered-table tbody").replaceChildren(...rows);
}

async function loadFlags() {
  const body = await adminFetch("/api/admin/flags");
  const items = body.flags.map((f) => el("li", { class: "job job--failed", "data-key": f.key },
    el("strong", { text: f.key }), ` — ${f.signals.join(", ")}`, el("pre", { class: "job__lines", text: f.excerpt })));
  if (!items.length) items.push(el("li", { class: "hint", text: "Geen passages gevonden die als opdracht lezen." }));
  $("#flags").replaceChildren(...items);
}

async function loadJobs() {
  const body = await adminFetch("/api/admin/jobs");
  $("#jobs").replaceChildren(...body.jobs.map(jobItem));
  return body.jobs;
}

function jobItem(job) {
  const names = { queued: "in de wachtrij", running: "bezig met inlezen", done: "klaar", failed: "mislukt" };
  return el("li", { class: `job job--${job.status}`, "data-job": job.id },
    el("strong", { text: job.filename }), ` — ${names[job.status]}`, job.exit_code !== null ? ` (exitcode ${job.exit_code})` : "",
    job.lines.length ? el("pre", { class: "job__lines", text: job.lines.slice(-8).join("\n") }) : null);
}

async function upload(file) {
  const status = $("#upload-status");
  if (!file) { setStatus(status, "Kies eerst een PDF-bestand.", true); return; }
  setStatus(status, `Uploaden van ${file.name}…`);
  try {
    const job = await adminFetch(`/api/admin/uploads?filename=${encodeURIComponent(file.name)}`, {
      method: "POST", headers: { "Content-Type": "application/pdf" }, body: file,
    });
    setStatus(status, `${file.name} wordt ingelezen; de voortgang staat hieronder.`);
    pollJob(job.id);
  } catch (error) {
    setStatus(status, error.message, true);
  }
}

async function pollJob(id) {
  const jobs = await loadJobs();
  const job = jobs.find((j) => j.id === id);
  if (job && (job.status === "queued" || job.status === "running")) { setTimeout(() => pollJob(id), 1500); return; }
  if (job) setStatus($("#upload-status"), job.status === "done" ? `${job.filename} is ingelezen.` : `Inlezen van ${job.filename} is mislukt; zie de meldingen.`, job.status !== "done");
  if (job && job.status === "done") { loadSources(); loadFlags().catch(() => {}); }
}

// --- views and wiring -------------------------------------------------------------------------------------

function showView(id) {
  for (const tab of document.querySelectorAll(".tabs__tab")) {
    const active = tab.dataset.view === id;
    if (active) tab.setAttribute("aria-current", "page"); else tab.removeAttribute("aria-current");
    document.getElementById(tab.dataset.view).hidden = !active;
  }
  if (id === "view-beheer" && state.token && $("#admin").hidden) login(state.token);
}

function wire() {
  for (const tab of document.querySelectorAll(".tabs__tab")) tab.addEventListener("click", () => showView(tab.dataset.view));
  $("#ask-form").addEventListener("submit", (event) => { event.preventDefault(); ask($("#question").value); });
  $("#question").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { event.preventDefault(); ask($("#question").value); }
  });
  for (const button of document.querySelectorAll(".example")) button.addEventListener("click", () => { $("#question").value = button.textContent; ask(button.textContent); });
  $("#new-conversation").addEventListener("click", () => {
    state.conversationId = null;
    $("#conversation").replaceChildren();
    $("#intro").hidden = false;
    setStatus($("#ask-status"), "Nieuw gesprek gestart.");
    $("#question").focus();
  });
  $("#passage-close").addEventListener("click", closePassage);
  $("#passage-dialog").addEventListener("close", () => { const back = $("#passage-dialog").returnFocus; if (back) back.focus(); });
  $("#passage-dialog").addEventListener("click", (event) => { if (event.target === event.currentTarget) closePassage(); });
  $("#login-form").addEventListener("submit", (event) => { event.preventDefault(); login($("#admin-token").value); });
  $("#logout").addEventListener("click", () => { logout(); setStatus($("#login-status"), "Uitgelogd."); });
  $("#changes-source").addEventListener("change", fillChangeVersions);
  $("#changes-form").addEventListener("submit", (event) => { event.preventDefault(); loadChanges(); });
  $("#feedback-filter").addEventListener("submit", (event) => { event.preventDefault(); loadFeedback().catch((e) => setStatus($("#login-status"), e.message, true)); });
  $("#upload-form").addEventListener("submit", (event) => { event.preventDefault(); upload($("#upload-file").files[0]); });
  watchHealth();
}

// The build in service, and while its dense index is still being built a small banner with the progress.
function watchHealth() {
  fetch("/healthz").then((r) => r.json()).then((h) => {
    if (h.kb_build) $("#footer-build").textContent = `Kennisbank: ${h.kb_build}.`;
    const dense = h.dense_index, banner = $("#dense-banner");
    const building = Boolean(dense) && dense.state !== "ready";
    banner.hidden = !building;
    if (!building) return;
    const progress = dense.total ? `: ${dense.done}/${dense.total}` : "";
    banner.textContent = dense.state === "failed"
      ? "Zoeken op betekenis is niet beschikbaar; er wordt gezocht op woorden."
      : `Zoeken op betekenis wordt nog opgebouwd${progress}`;
    setTimeout(watchHealth, 3000);
  }).catch(() => {});
}

document.addEventListener("DOMContentLoaded", wire);

// --- beheer: convenant toetsen (POST /api/covenants/check; the file stays in the browser) ------------------

const covenant = { file: null };

async function covenantPost(file, format) {
  const response = await fetch(`/api/covenants/check?format=${format}&filename=${encodeURIComponent(file.name)}`, {
    method: "POST", headers: { "Content-Type": "application/pdf", Authorization: `Bearer ${state.token}` }, body: file,
  });
  if (response.status === 401) logout();
  if (!response.ok) throw new Error(await errorText(response));
  return response;
}

async function checkCovenant(file) {
  const status = $("#covenant-status");
  $("#covenant-report").hidden = true;
  covenant.file = null;
  if (!file) { setStatus(status, "Kies eerst een PDF-bestand.", true); return; }
  setStatus(status, `${file.name} wordt getoetst…`);
  try {
    const report = await (await covenantPost(file, "json")).json();
    covenant.file = file;
    showCovenantReport(report);
    const open = report.items.filter((item) => item.status !== "aanwezig").length;
    setStatus(status, `${file.name} getoetst: ${open} van de ${report.items.length} punten vragen aandacht.`);
  } catch (error) {
    setStatus(status, error.message, true);
  }
}

function showCovenantReport(report) {
  $("#covenant-parties").replaceChildren(...report.parties.map((party) => el("li", {
    text: `${party.name} — ${party.role_label || "rol niet herkend"} (p. ${party.page}); grondslag ${party.named ? "genoemd" : "niet (volledig) genoemd"}`,
  })));
  $("#covenant-table tbody").replaceChildren(...report.items.map(covenantRow));
  $("#covenant-report").hidden = false;
}

function covenantRow(item) {
  const quotes = item.quotes.map((quote) => el("blockquote", { text: `p. ${quote.page}: “${quote.text}”` }));
  return el("tr", { "data-item": item.id, "data-status": item.status },
    el("th", { scope: "row", text: item.id }),
    el("td", {}, el("strong", { class: `covenant-status covenant-status--${item.status}`, text: item.status })),
    el("td", {}, quotes.length ? quotes : "—"),
    el("td", {}, el("p", { text: item.explanation }), el("p", { class: "hint", text: item.keys.join("; ") })));
}

async function exportCovenant(format) {
  const status = $("#covenant-status");
  if (!covenant.file) { setStatus(status, "Toets eerst een convenant.", true); return; }
  try {
    const response = await covenantPost(covenant.file, format);
    const name = /filename="([^"]+)"/.exec(response.headers.get("content-disposition") || "");
    saveBlob(await response.blob(), name ? name[1] : `toets-convenant.${format === "pdf" ? "pdf" : "md"}`);
    setStatus(status, "Rapport opgeslagen.");
  } catch (error) {
    setStatus(status, error.message, true);
  }
}

document.addEventListener("DOMContentLoaded", () => {
  $("#covenant-form").addEventListener("submit", (event) => { event.preventDefault(); checkCovenant($("#covenant-file").files[0]); });
  $("#covenant-export-pdf").addEventListener("click", () => exportCovenant("pdf"));
  $("#covenant-export-md").addEventListener("click", () => exportCovenant("markdown"));
});

// --- beheer: the rules a change in the law touches (GET /api/admin/changes/{source} `rules`) -------------------

const RECHECK_REASONS = { changed: "Een bepaling waarop de regel steunt is gewijzigd of vervallen.", not_comparable: "De versies zijn niet automatisch te vergelijken: toets de regel met de hand." };

function showRuleChecks(rules) {
  const box = $("#changes-rules");
  if (!Array.isArray(rules)) { box.hidden = true; box.replaceChildren(); return; }
  const items = rules.map((rule) => el("li", { class: "job rule-check", "data-rule": rule.rule },
    el("strong", { class: "rule-check__id", text: rule.rule }), ` — stap: ${rule.step}`,
    el("div", { class: "rule-check__keys", text: `Bepalingen: ${rule.keys.join("; ")}` }),
    rule.checked_version || rule.current_version ? el("div", { class: "hint", text: `Getoetst aan versie ${rule.checked_version || "onbekend"}; nu ${rule.current_version || "onbekend"}.` }) : null,
    rule.reason ? el("div", { class: "hint rule-check__reason", text: RECHECK_REASONS[rule.reason] || rule.reason }) : null));
  box.replaceChildren(el("h3", { text: "Regels om opnieuw te toetsen" }),
    items.length ? el("ul", { class: "jobs" }, items) : el("p", { class: "hint rule-checks__none", text: "Geen regels geraakt." }));
  box.hidden = false;
}
