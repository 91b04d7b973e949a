// Deelwijzer web app, part 2: "Zo heb ik uw vraag begrepen" (the fact chips of an answer), the fact lists of
// GET /api/facts and the clarifying options (issue 14). Plain JavaScript, loaded after app.js, whose helpers
// ($, el, setStatus, errorText, LABELS) and renderAnswer it shares; all server text goes in with textContent.
"use strict";

// Each answer lists the facts it was built on (`understood`); a chip opens a searchable list, and a change
// asks again with `facts` set. `clarify` is the one question that settles a decisive open fact.

const SOURCE_LABELS = { question: "in uw vraag", history: "eerdere vraag", guess: "gegokt", given: "opgegeven", missing: "niet gevonden" };
const CORE_FACTS = ["sender", "recipients", "data", "purposes"];
const UNKNOWN_LABEL = "weet ik niet";
const factLists = new Map(); // language -> Promise<Map<fact id, {id, label, kind, options}>>
let uidCounter = 0;

function uid(prefix) { uidCounter += 1; return `${prefix}-${uidCounter}`; }

function fold(text) { return String(text).normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase(); }

function loadFactLists(language = "nl") {
  const lang = language === "en" ? "en" : "nl";
  if (!factLists.has(lang)) {
    const request = fetch(`/api/facts${lang === "en" ? "?language=en" : ""}`).then(async (response) => {
      if (!response.ok) throw new Error(response.status === 404 ? "De keuzelijsten zijn (nog) niet beschikbaar op deze server." : await errorText(response));
      return new Map((await response.json()).facts.map((fact) => [fact.id, fact]));
    });
    request.catch(() => factLists.delete(lang)); // a failed load is tried again next time
    factLists.set(lang, request);
  }
  return factLists.get(lang);
}

function factValueText(fact) {
  if (fact.value === null || fact.value === undefined) return fact.source === "given" ? UNKNOWN_LABEL : "—";
  const label = fact.value_label ?? fact.value;
  return Array.isArray(label) ? label.join(", ") : String(label);
}

function sourceText(fact, decisive) {
  let text = SOURCE_LABELS[fact.source] || fact.source;
  if (fact.source === "question" && fact.words) text += `: “${fact.words}”`;
  if (fact.source === "guess") text += " — controleer";
  if (fact.fact === decisive) text += " · bepaalt het oordeel";
  return text;
}

function understoodBlock(answer, reask) {
  const facts = answer.understood || [];
  if (!facts.length) return null;
  const decisive = answer.clarify ? answer.clarify.fact : null;
  const shown = (f) => f.value !== null || f.source !== "missing" || CORE_FACTS.includes(f.fact) || f.fact === decisive;
  const item = (f) => el("li", {}, factChip(f, answer.language, decisive, reask));
  const titleId = uid("understood");
  const rest = facts.filter((f) => !shown(f));
  return el("section", { class: "understood", "aria-labelledby": titleId },
    el("h3", { id: titleId, text: answer.language === "en" ? "This is how I understood your question" : "Zo heb ik uw vraag begrepen" }),
    el("ul", { class: "fact-chips" }, facts.filter(shown).map(item)),
    rest.length ? el("div", { class: "understood__rest" }, el("span", { class: "hint", text: "Niet genoemd:" }),
      el("ul", { class: "fact-chips fact-chips--quiet" }, rest.map(item))) : null,
    el("p", { class: "hint understood__hint", text: "Klopt iets niet? Kies een feit om het te wijzigen; het antwoord wordt dan opnieuw bepaald." }));
}

function factChip(fact, language, decisive, reask) {
  const attention = fact.source === "guess" || (fact.source === "missing" && (fact.fact === decisive || CORE_FACTS.includes(fact.fact)));
  const source = sourceText(fact, decisive);
  return el("button", {
    type: "button", class: `fact-chip fact-chip--${fact.source}${attention ? " fact-chip--attention" : ""}`,
    "data-fact": fact.fact, "data-source": fact.source, "aria-haspopup": "dialog",
    "aria-label": `${fact.label}: ${fact.source === "missing" ? source : `${factValueText(fact)} (${source})`}. Wijzigen.`,
    onclick: (event) => openFactDialog(fact, language, reask, event.currentTarget),
  },
  el("span", { class: "fact-chip__label", text: `${fact.label}: ` }),
  fact.source === "missing" ? null : el("span", { class: "fact-chip__value", text: factValueText(fact) }),
  el("span", { class: "fact-chip__source", text: `${attention ? "⚠ " : ""}${source}` }));
}

function clarifyBlock(answer, reask) {
  const clarify = answer.clarify;
  if (!clarify || !clarify.options || !clarify.options.length) return null;
  const titleId = uid("clarify");
  return el("section", { class: "clarify-fact", "aria-labelledby": titleId, "data-fact": clarify.fact },
    el("h3", { id: titleId, text: "Eén vraag beslist het" }),
    el("p", { class: "clarify-fact__question", text: clarify.question }),
    el("ul", { class: "clarify-fact__options" }, clarify.options.map((option) => el("li", {}, el("button", {
      type: "button", class: "clarify-option", "data-value": JSON.stringify(option.value),
      onclick: () => reask({ [clarify.fact]: option.value }, `${clarify.question} → ${option.label}`),
    },
    el("span", { class: "clarify-option__label", text: option.label }),
    el("span", { class: `badge badge--small badge--${option.verdict}`, "data-verdict": option.verdict },
      el("span", { class: "visually-hidden", text: "leidt tot: " }), LABELS[option.verdict] || option.verdict),
    option.preview ? el("span", { class: "clarify-option__preview", text: option.preview }) : null)))));
}

// --- a fact list: radio buttons or check boxes, with a search box for long lists (used by the chip dialog and
// by the guided mode). `fieldset.read()` gives {value} (null = weet ik niet), {empty: true} or {error}.

function factPicker(spec, current, { prefix, withUnknown = false, legend = spec.label }) {
  if (spec.kind === "age") return agePicker(spec, current, { prefix, withUnknown, legend });
  const multiple = spec.kind === "many";
  const name = uid(`${prefix}-${spec.id}`);
  const currentKeys = new Set((Array.isArray(current) ? current : current === null || current === undefined ? [] : [current]).map((v) => JSON.stringify(v)));
  const options = spec.options.map((option, index) => ({ ...option, index }));
  const item = (value, label, checked) => el("li", { "data-search": fold(label) },
    el("label", { class: "option" }, el("input", { type: multiple ? "checkbox" : "radio", name, value, checked }), el("span", { text: label })));
  const items = options.map((o) => item(String(o.index), o.label, currentKeys.has(JSON.stringify(o.value))));
  if (withUnknown && !multiple) items.push(item("unknown", UNKNOWN_LABEL, !currentKeys.size || current === null));
  const list = el("ul", { id: `${name}-list`, class: `option-list${options.length > 8 ? " option-list--long" : " option-list--short"}` }, items);
  const chosen = multiple ? el("p", { class: "picker__chosen hint", "aria-live": "polite" }) : null;
  const fieldset = el("fieldset", { class: "picker", "data-fact": spec.id, "data-kind": spec.kind },
    el("legend", { class: "picker__legend", text: legend }),
    options.length > 8 ? searchBox(list, name) : null, chosen, list);
  const showChosen = () => { if (chosen) chosen.textContent = `Gekozen: ${checkedOptions(fieldset, options).map((o) => o.label).join(", ") || "nog niets"}`; };
  fieldset.addEventListener("change", showChosen);
  showChosen();
  fieldset.read = () => {
    const picked = checkedOptions(fieldset, options);
    if (!multiple && fieldset.querySelector("input[value='unknown']:checked")) return { value: null };
    if (!picked.length) return { empty: true };
    return { value: multiple ? picked.map((o) => o.value) : picked[0].value };
  };
  fieldset.labelOf = (value) => labelOf(spec, value);
  return fieldset;
}

function firstField(root) { return $(".picker__search", root) || $("input:checked", root) || $("input", root); }

function checkedOptions(fieldset, options) {
  return [...fieldset.querySelectorAll("input:checked")].filter((input) => input.value !== "unknown").map((input) => options[Number(input.value)]);
}

function labelOf(spec, value) {
  if (value === null || value === undefined) return UNKNOWN_LABEL;
  if (spec.kind === "age") return `${value} jaar`;
  const one = (v) => (spec.options.find((o) => JSON.stringify(o.value) === JSON.stringify(v)) || { label: String(v) }).label;
  return Array.isArray(value) ? value.map(one).join(", ") : one(value);
}

function searchBox(list, name) {
  const id = `${name}-search`;
  const count = el("span", { class: "hint picker__count", "aria-live": "polite", id: `${id}-count` });
  const input = el("input", { type: "search", id, class: "picker__search", autocomplete: "off", "aria-describedby": `${id}-count`, "aria-controls": list.id || null });
  const filter = () => {
    const words = fold(input.value).split(/\s+/).filter(Boolean);
    let visible = 0;
    for (const li of list.children) {
      li.hidden = !words.every((w) => li.dataset.search.includes(w));
      if (!li.hidden) visible += 1;
    }
    count.textContent = input.value ? `${visible} van ${list.children.length} passen` : `${list.children.length} keuzes`;
  };
  input.addEventListener("input", filter);
  input.addEventListener("keydown", (event) => searchKeys(event, input, list, filter));
  filter();
  return el("div", { class: "picker__search-row" }, el("label", { for: id, text: "Zoek in de lijst" }), input, count);
}

// Enter picks the first match (a single choice is then applied; a multiple choice clears the box for the next
// one); Enter in an empty box submits; Escape clears a filled box (and does not close the dialog).
function searchKeys(event, input, list, filter) {
  if (event.key === "Escape" && input.value) {
    event.preventDefault(); event.stopPropagation();
    input.value = ""; filter();
    return;
  }
  if (event.key !== "Enter" || !input.value.trim()) return;
  event.preventDefault();
  const first = [...list.children].find((li) => !li.hidden);
  if (!first) return;
  const box = $("input", first);
  box.checked = true;
  box.dispatchEvent(new Event("change", { bubbles: true }));
  if (box.type === "radio") { input.form.requestSubmit(); return; }
  input.value = ""; filter();
}

function agePicker(spec, current, { prefix, withUnknown, legend }) {
  const id = uid(`${prefix}-age`);
  const input = el("input", { id, type: "number", inputmode: "numeric", min: 0, max: 120, step: 1, value: typeof current === "number" ? current : null, class: "picker__age" });
  const fieldset = el("fieldset", { class: "picker", "data-fact": spec.id, "data-kind": "age" },
    el("legend", { class: "picker__legend", text: legend }),
    el("label", { for: id, text: withUnknown ? "Leeftijd in jaren (leeg laten als u het niet weet)" : "Leeftijd in jaren" }), input);
  fieldset.read = () => {
    if (!input.value.trim()) return withUnknown ? { value: null } : { empty: true };
    const age = Number(input.value);
    if (!Number.isInteger(age) || age < 0 || age > 120) return { error: "Vul een leeftijd in hele jaren in (0 tot 120)." };
    return { value: age };
  };
  fieldset.labelOf = (value) => labelOf(spec, value);
  return fieldset;
}

// --- the chip dialog --------------------------------------------------------------------------------------

const factEdit = { fact: null, reask: null, picker: null };

async function openFactDialog(fact, language, reask, opener) {
  const dialog = $("#fact-dialog");
  Object.assign(factEdit, { fact, reask, picker: null });
  $("#fact-dialog-title").textContent = `${fact.label} wijzigen`;
  $("#fact-dialog-now").textContent = `Nu: ${factValueText(fact)} (${sourceText(fact, null)}).`;
  $("#fact-dialog-body").replaceChildren(el("p", { class: "hint", text: "Lijst laden…" }));
  setStatus($("#fact-dialog-status"), "");
  dialog.returnFocus = opener;
  if (!dialog.open) dialog.showModal();
  try {
    const spec = (await loadFactLists(language)).get(fact.options_ref || fact.fact);
    if (!spec) throw new Error("Voor dit feit is geen lijst beschikbaar.");
    factEdit.picker = factPicker(spec, fact.value, { prefix: "fact-dialog", legend: `Kies ${spec.kind === "many" ? "een of meer" : "één"}` });
    $("#fact-dialog-body").replaceChildren(factEdit.picker);
    const first = firstField(factEdit.picker);
    if (first) first.focus();
  } catch (error) {
    $("#fact-dialog-body").replaceChildren();
    setStatus($("#fact-dialog-status"), error.message, true);
  }
}

function applyFactEdit(value) {
  const { fact, reask, picker } = factEdit;
  if (!fact) return;
  const label = value === null ? UNKNOWN_LABEL : picker.labelOf(value);
  $("#fact-dialog").close();
  reask({ [fact.fact]: value }, `Gewijzigd: ${fact.label} → ${label}`);
}

function submitFactEdit() {
  if (!factEdit.picker) return;
  const result = factEdit.picker.read();
  if (result.error) { setStatus($("#fact-dialog-status"), result.error, true); return; }
  if (result.empty) { setStatus($("#fact-dialog-status"), "Kies eerst een waarde, of kies ‘Weet ik niet’.", true); return; }
  applyFactEdit(result.value);
}

document.addEventListener("DOMContentLoaded", () => {
  const dialog = $("#fact-dialog");
  $("#fact-form").addEventListener("submit", (event) => { event.preventDefault(); submitFactEdit(); });
  $("#fact-unknown").addEventListener("click", () => applyFactEdit(null));
  $("#fact-cancel").addEventListener("click", () => dialog.close());
  $("#fact-dialog-close").addEventListener("click", () => dialog.close());
  dialog.addEventListener("close", () => { const back = dialog.returnFocus; if (back && back.isConnected) back.focus(); });
  dialog.addEventListener("click", (event) => { if (event.target === dialog) dialog.close(); });
});
