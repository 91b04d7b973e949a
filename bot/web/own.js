// Deelwijzer web app, part 6: Eigen casus (issue 17). A trainer writes a casus in their own words; POST
// /api/training/own reads it as chat does and answers it. The facts are shown with the chat's own chips
// (understoodBlock / clarifyBlock of facts.js); a change reads the same text again with the fact set. "Toevoegen
// aan pakket" keeps {casus, facts} in this page only (oefenen.own of training.js) and sends it with the pack
// download; the server stores nothing.
"use strict";

const eigen = { casus: "", given: {}, current: null };

async function readOwnCasus(event) {
  event.preventDefault();
  const text = $("#own-casus").value.trim();
  if (!text) { setStatus($("#own-status"), "Schrijf eerst een casus.", true); $("#own-casus").focus(); return; }
  Object.assign(eigen, { casus: text, given: {}, current: null });
  await askOwn("Casus lezen en beoordelen…");
}

async function askOwn(busyText) {
  const status = $("#own-status");
  setStatus(status, busyText);
  $("#own-read").disabled = true;
  try {
    const response = await fetch("/api/training/own", {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ casus: eigen.casus, facts: eigen.given }),
    });
    if (!response.ok) throw new Error(await errorText(response));
    eigen.current = await response.json();
    renderOwn(eigen.current);
    setStatus(status, "Gelezen. Klopt een feit niet? Kies het om het te corrigeren.");
  } catch (error) {
    setStatus(status, error.message, true);
  } finally {
    $("#own-read").disabled = false;
  }
}

function correctOwn(facts, note) {
  Object.assign(eigen.given, facts);
  askOwn(`${note} — opnieuw beoordelen…`);
}

function renderOwn(body) {
  const answer = body.answer;
  const add = el("button", { type: "button", class: "button button--primary", id: "own-add", text: "Toevoegen aan pakket" });
  add.addEventListener("click", addOwnToPack);
  $("#own-result").replaceChildren(...[
    understoodBlock(body, correctOwn),
    readBackNote(body.readback),
    el("h3", { text: "Modelantwoord" }),
    verdictRow(answer.verdict, answer.verdict_label),
    el("p", { class: "summary", text: answer.summary }),
    clarifyBlock(body, correctOwn),
    answer.conditions.length ? el("ul", { class: "plain-list" }, answer.conditions.map((c) => el("li", { text: c }))) : null,
    el("p", { text: `Beslissende bepalingen: ${answer.decisive.join(", ") || "—"}` }),
    el("ul", { class: "plain-list" }, answer.citations.slice(0, 3).map((c) =>
      el("li", {}, el("strong", { text: c.key }), el("blockquote", { text: c.quote })))),
    add,
  ].filter(Boolean));
}

function readBackNote(readback) {
  if (!readback || readback.facts_ok && readback.verdict_ok) return null;
  const what = readback.mismatches.length ? readback.mismatches.join("; ") : "de tekst alleen geeft een ander oordeel";
  return el("p", { class: "guidance-note own-casus__readback", text: `Let op: de tekst alleen wordt anders gelezen (${what}). Het modelantwoord geldt voor de feiten hierboven; het casebestand toetst de tekst alleen, dus scherp de tekst aan als dat kan.` });
}

function addOwnToPack() {
  if (!eigen.current) return;
  oefenen.own.push({ casus: eigen.casus, facts: { ...eigen.given } });
  showOwnList();
  showPackButtons();
  $("#own-add").disabled = true;
  setStatus($("#own-status"), `Toegevoegd aan het oefenpakket (${oefenen.own.length} eigen ${oefenen.own.length === 1 ? "casus" : "casussen"}). Download het pakket hierboven.`);
}

function showOwnList() {
  $("#own-pack").hidden = !oefenen.own.length;
  $("#own-items").replaceChildren(...oefenen.own.map((item, index) => {
    const remove = el("button", { type: "button", class: "button button--quiet", text: "Verwijderen", "aria-label": `Eigen casus ${index + 1} verwijderen` });
    remove.addEventListener("click", () => { oefenen.own.splice(index, 1); showOwnList(); });
    const corrected = Object.keys(item.facts).length ? ` (gecorrigeerd: ${Object.keys(item.facts).length})` : "";
    return el("li", { class: "own-casus__item" }, el("span", { text: `${item.casus}${corrected} ` }), remove);
  }));
}

document.addEventListener("DOMContentLoaded", () => {
  $("#own-form").addEventListener("submit", readOwnCasus);
});
