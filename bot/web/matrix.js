// Deelwijzer web app, part 4: the Deelkaart (issue 16). Senders x recipients for one data category and
// purpose (GET /api/matrix); a click opens the full answer (GET /api/matrix/cell, the same as POST /api/ask);
// agreements are added behind the Beheer token; export as PDF, CSV or JSON.
"use strict";

const deelkaart = { map: null, loaded: false, selected: null, agreements: [] };
const MAP_SHORT = { mag: "Ja", mag_mits: "Ja, mits", mag_niet: "Nee", hangt_af: "Hangt af", buiten_bereik: "—" };
const MAP_NO_RULE = "geen regel — vraag uw FG";

function mapQuery(extra = {}) {
  const params = new URLSearchParams({
    data: $("#matrix-data").value, purpose: $("#matrix-purpose").value,
    minor: $("#matrix-minor").checked ? "true" : "false", consent: $("#matrix-consent").value,
    urgent: $("#matrix-urgent").checked ? "true" : "false", partnership: $("#matrix-partnership").value, ...extra,
  });
  return params.toString();
}

async function startMatrix() {
  if (deelkaart.loaded) return;
  deelkaart.loaded = true;
  try {
    const lists = await loadFactLists("nl");
    fillSelect($("#matrix-data"), lists.get("data").options, "gezondheid");
    fillSelect($("#matrix-purpose"), lists.get("purposes").options, "hulpverlening");
    await loadMatrix();
  } catch (error) {
    deelkaart.loaded = false;
    setStatus($("#matrix-status"), error.message, true);
  }
}

function fillSelect(select, options, preferred) {
  select.replaceChildren(...options.map((o) => el("option", { value: o.value, text: o.label, selected: o.value === preferred })));
}

async function loadMatrix() {
  const status = $("#matrix-status");
  setStatus(status, "Kaart berekenen…");
  $("#matrix-table").setAttribute("aria-busy", "true");
  try {
    const response = await fetch(`/api/matrix?${mapQuery()}`);
    if (!response.ok) throw new Error(await errorText(response));
    deelkaart.map = await response.json();
    renderMatrix(deelkaart.map);
    setStatus(status, `Kaart klaar: ${deelkaart.map.cells.length} cellen.`);
  } catch (error) {
    setStatus(status, error.message, true);
  } finally {
    $("#matrix-table").removeAttribute("aria-busy");
  }
}

function cellText(cell) { return cell.status === "geen_regel" ? MAP_NO_RULE : MAP_SHORT[cell.verdict]; }

function renderMatrix(map) {
  const c = map.coverage;
  $("#matrix-coverage").textContent = `${map.data_label} — ${map.purpose_label}; ${map.circumstances}. ` +
    `Dekking: ${Math.round(c.covered * 100)}% van de ${c.cells} cellen beslist een regel; ${c.no_rule} × ${MAP_NO_RULE}. ` +
    `Kennisbank ${map.kb_build} (${map.kb_created.slice(0, 10)}).`;
  const byPair = new Map(map.cells.map((cell) => [`${cell.sender}|${cell.recipient}`, cell]));
  const own = new Set(map.agreements.map((a) => `${a.sender}|${a.recipient}`));
  const head = el("tr", {}, el("th", { scope: "col", text: "van ↓ / aan →" }),
    ...map.recipients.map((r) => el("th", { scope: "col", class: "matrix__col", text: map.labels[r] })));
  const rows = map.senders.map((s) => el("tr", {}, el("th", { scope: "row", text: map.labels[s] }),
    ...map.recipients.map((r) => {
      const cell = byPair.get(`${s}|${r}`);
      const kind = cell.status === "geen_regel" ? "geen_regel" : cell.verdict;
      return el("td", {}, el("button", {
        type: "button", class: `matrix__cell badge--${kind}`, "data-sender": s, "data-recipient": r,
        "data-verdict": cell.verdict, "data-status": cell.status,
        title: `${map.labels[s]} → ${map.labels[r]}: ${cellText(cell)}${cell.keys[0] ? ` (${cell.keys[0]})` : ""}`,
        onclick: () => openCell(cell),
      }, el("span", { class: "matrix__verdict", text: cellText(cell) + (cell.status === "open" ? " ?" : "") }),
         el("span", { class: "matrix__key", text: cell.status === "geen_regel" ? "" : cell.keys[0] || "" }),
         own.has(`${s}|${r}`) ? el("span", { class: "matrix__own", text: "★ afspraak" }) : null));
    })));
  $("#matrix-table").replaceChildren(el("thead", {}, head), el("tbody", {}, rows));
}

async function openCell(cell) {
  deelkaart.selected = cell;
  const map = deelkaart.map;
  const box = el("div", { class: "answer", "aria-busy": "true", tabindex: -1 }, el("p", { text: "Antwoord ophalen…" }));
  $("#matrix-detail").hidden = false;
  $("#matrix-detail-title").textContent = `${map.labels[cell.sender]} → ${map.labels[cell.recipient]}`;
  $("#matrix-answer").replaceChildren(box);
  renderAgreements();
  try {
    const response = await fetch(`/api/matrix/cell?${mapQuery({ sender: cell.sender, recipient: cell.recipient })}`);
    if (!response.ok) throw new Error(await errorText(response));
    const answer = await response.json();
    renderAnswer(box, answer, "", answer.record_token, (facts) => askCell({ ...answer.facts, ...facts }, box));
    if (cell.question) box.prepend(el("p", { class: "guidance-note", text: `Open omstandigheid: ${cell.question}` }));
  } catch (error) {
    box.replaceChildren(el("p", { class: "answer__error", text: error.message }));
  } finally {
    box.removeAttribute("aria-busy");
  }
  $("#matrix-detail").scrollIntoView({ block: "start" });
}

async function askCell(facts, box) {
  const response = await fetch("/api/ask", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ question: "", facts }) });
  if (!response.ok) { box.replaceChildren(el("p", { class: "answer__error", text: await errorText(response) })); return; }
  const answer = await response.json();
  renderAnswer(box, answer, "", answer.record_token, (more) => askCell({ ...facts, ...more }, box));
}

function renderAgreements() {
  const cell = deelkaart.selected;
  const own = deelkaart.map.agreements.filter((a) => a.sender === cell.sender && a.recipient === cell.recipient);
  $("#matrix-agreements").replaceChildren(...own.map((a) => el("li", { class: "matrix__agreement" },
    el("span", { text: a.text }), el("span", { class: "hint", text: ` — ${a.author}, ${a.created.slice(0, 10)}` }),
    state.token ? el("button", { type: "button", class: "button button--quiet", text: "Verwijderen", onclick: () => removeAgreement(a.id) }) : null)));
  if (!own.length) $("#matrix-agreements").replaceChildren(el("li", { class: "hint", text: "Nog geen lokale afspraak voor deze cel." }));
  $("#matrix-agreement-form").hidden = !state.token;
  $("#matrix-agreement-login").hidden = Boolean(state.token);
}

async function addAgreement() {
  const cell = deelkaart.selected;
  const map = deelkaart.map;
  const status = $("#matrix-agreement-status");
  try {
    await adminFetch("/api/admin/matrix/agreements", {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ data: map.request.data, purpose: map.request.purpose, sender: cell.sender, recipient: cell.recipient,
        text: $("#matrix-agreement-text").value, author: $("#matrix-agreement-author").value }),
    });
    $("#matrix-agreement-text").value = "";
    setStatus(status, "Afspraak opgeslagen.");
    await reloadAgreements();
  } catch (error) {
    setStatus(status, error.message, true);
  }
}

async function removeAgreement(id) {
  try {
    await adminFetch(`/api/admin/matrix/agreements/${id}`, { method: "DELETE" });
    await reloadAgreements();
  } catch (error) {
    setStatus($("#matrix-agreement-status"), error.message, true);
  }
}

async function reloadAgreements() {
  await loadMatrix();
  renderAgreements();
}

async function exportMatrix(format) {
  const status = $("#matrix-status");
  setStatus(status, `Kaart als ${format.toUpperCase()} maken…`);
  try {
    const response = await fetch(`/api/matrix?${mapQuery({ format })}`);
    if (!response.ok) throw new Error(await errorText(response));
    const map = deelkaart.map.request;
    saveBlob(await response.blob(), `deelkaart-${map.data}-${map.purpose}.${format}`);
    setStatus(status, `Kaart opgeslagen als ${format.toUpperCase()}.`);
  } catch (error) {
    setStatus(status, error.message, true);
  }
}

async function loadChangesOfMap() {
  const list = $("#matrix-changes");
  const status = $("#matrix-status");
  setStatus(status, "Vergelijken met de vorige kennisbank…");
  try {
    const response = await fetch(`/api/matrix/changes?${mapQuery()}`);
    if (!response.ok) throw new Error(await errorText(response));
    const result = await response.json();
    if (result.note) { list.replaceChildren(); setStatus(status, result.note); return; }
    const labels = deelkaart.map.labels;
    const items = result.changed.map((c) => el("li", {
      text: `${labels[c.sender]} → ${labels[c.recipient]}: ${MAP_SHORT[c.old_verdict]} → ${MAP_SHORT[c.new_verdict]}` +
        (c.added.length ? `; nieuw: ${c.added.join(", ")}` : "") + (c.removed.length ? `; vervallen: ${c.removed.join(", ")}` : "") +
        (c.text_changed.length ? `; tekst gewijzigd: ${c.text_changed.join(", ")}` : ""),
    }));
    list.replaceChildren(...(items.length ? items : [el("li", { class: "hint", text: "Geen cel veranderd." })]));
    setStatus(status, `${result.changed.length} van ${result.cells} cellen veranderd tussen ${result.old_build} en ${result.new_build}.`);
  } catch (error) {
    list.replaceChildren();
    setStatus(status, error.message, true);
  }
}

function wireMatrix() {
  $("#matrix-changes-button").addEventListener("click", loadChangesOfMap);
  $("#tab-matrix").addEventListener("click", startMatrix);
  for (const id of ["#matrix-data", "#matrix-purpose", "#matrix-minor", "#matrix-consent", "#matrix-urgent", "#matrix-partnership"]) {
    $(id).addEventListener("change", () => { $("#matrix-detail").hidden = true; loadMatrix(); });
  }
  $("#matrix-agreement-form").addEventListener("submit", (event) => { event.preventDefault(); addAgreement(); });
  for (const format of ["pdf", "csv", "json"]) $(`#matrix-export-${format}`).addEventListener("click", () => exportMatrix(format));
}

document.addEventListener("DOMContentLoaded", wireMatrix);
