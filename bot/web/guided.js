// Deelwijzer web app, part 3: guided mode "Stap voor stap" (issue 14): the facts picked from the lists of
// facts.js, then the same answer as the chat gives (POST /api/ask with `facts` and an empty question).
"use strict";

const GUIDED_STEPS = [
  { title: "Wie bent u?", hint: "Kies de organisatie of rol van waaruit u de gegevens deelt.", facts: ["sender"] },
  { title: "Met wie wilt u delen?", hint: "U kunt meer dan één ontvanger kiezen.", facts: ["recipients"] },
  { title: "Welke gegevens?", hint: "Kies alles wat u wilt delen; gezondheid of strafrecht maakt verschil.", facts: ["data"] },
  { title: "Waarvoor?", hint: "Het doel waarvoor u deelt.", facts: ["purposes"] },
  { title: "Omstandigheden", hint: "Laat op ‘weet ik niet’ staan wat u niet weet.", facts: ["age", "minor", "consent", "urgent", "outside_eer", "partnership"] },
];
const guided = { step: 0, facts: {}, lists: null, pickers: [], busy: false };

async function startGuided() {
  if (guided.lists) { focusGuidedStep(); return; }
  const status = $("#guided-status");
  setStatus(status, "Keuzelijsten laden…");
  try {
    guided.lists = await loadFactLists("nl");
    setStatus(status, "");
    renderGuidedStep();
  } catch (error) {
    setStatus(status, error.message, true);
  }
}

function renderGuidedStep(focus = true) {
  const step = GUIDED_STEPS[guided.step];
  $("#guided-progress").replaceChildren(...GUIDED_STEPS.map((s, i) => el("li", {
    class: `guided__crumb${i < guided.step ? " guided__crumb--done" : ""}`, "aria-current": i === guided.step ? "step" : null,
  }, el("span", { class: "visually-hidden", text: i < guided.step ? "klaar: " : "" }), `${i + 1}. ${s.title}`)));
  const single = step.facts.length === 1;
  guided.pickers = step.facts.filter((id) => guided.lists.has(id)).map((id) => factPicker(guided.lists.get(id), guided.facts[id],
    { prefix: "guided", withUnknown: !CORE_FACTS.includes(id), legend: single ? step.title : guided.lists.get(id).label }));
  const headingId = uid("guided-step");
  $("#guided-step").replaceChildren(
    el("h2", { id: headingId, class: "guided__heading", tabindex: -1, text: `Stap ${guided.step + 1} van ${GUIDED_STEPS.length}${single ? "" : `: ${step.title}`}` }),
    el("p", { class: "hint", text: step.hint }),
    el("div", { class: single ? "guided__pickers" : "guided__pickers guided__pickers--grid" }, guided.pickers));
  $("#guided-form").setAttribute("aria-labelledby", headingId);
  $("#guided-back").disabled = guided.step === 0;
  $("#guided-next").textContent = guided.step === GUIDED_STEPS.length - 1 ? "Toon het antwoord" : "Volgende";
  if (focus) focusGuidedStep();
}

function focusGuidedStep() {
  const step = $("#guided-step");
  const first = firstField(step) || $("h2", step);
  if (first) first.focus();
}

function readGuidedStep() {
  for (const picker of guided.pickers) {
    const fact = picker.dataset.fact;
    const result = picker.read();
    picker.removeAttribute("aria-invalid");
    if (result.error || (result.empty && CORE_FACTS.includes(fact))) {
      const label = guided.lists.get(fact).label.toLowerCase();
      setStatus($("#guided-status"), result.error || `Kies eerst ${label}: minstens één uit de lijst.`, true);
      picker.setAttribute("aria-invalid", "true");
      const input = $(".picker__search, input", picker);
      if (input) input.focus();
      return false;
    }
    guided.facts[fact] = result.empty ? null : result.value;
  }
  return true;
}

function guidedNext() {
  if (guided.busy || !guided.lists || !readGuidedStep()) return;
  setStatus($("#guided-status"), "");
  if (guided.step < GUIDED_STEPS.length - 1) { guided.step += 1; renderGuidedStep(); return; }
  guidedAsk();
}

function guidedBack() {
  if (guided.step === 0) return;
  readGuidedStepQuietly();
  guided.step -= 1;
  setStatus($("#guided-status"), "");
  renderGuidedStep();
}

function readGuidedStepQuietly() {
  for (const picker of guided.pickers) {
    const result = picker.read();
    if (!result.error && !result.empty) guided.facts[picker.dataset.fact] = result.value;
  }
}

function guidedSummary() {
  const label = (id) => guided.lists.get(id).label;
  const text = (id) => labelOf(guided.lists.get(id), guided.facts[id]);
  return CORE_FACTS.map((id) => `${label(id)}: ${text(id)}`).join(" · ");
}

async function guidedAsk() {
  const missing = CORE_FACTS.find((id) => guided.facts[id] === null || guided.facts[id] === undefined || (Array.isArray(guided.facts[id]) && !guided.facts[id].length));
  if (missing) {
    guided.step = GUIDED_STEPS.findIndex((s) => s.facts.includes(missing));
    renderGuidedStep();
    setStatus($("#guided-status"), `Zonder ‘${guided.lists.get(missing).label.toLowerCase()}’ kan ik geen antwoord geven: kies die eerst.`, true);
    return;
  }
  guided.busy = true;
  $("#guided-next").disabled = true;
  setStatus($("#guided-status"), "Bezig met afwegen…");
  const answerBox = el("div", { class: "answer", "aria-busy": "true", tabindex: -1 }, el("p", { class: "answer__stream", text: "Even zoeken in de wetteksten…" }));
  const turn = el("article", { class: "turn", "aria-label": "Antwoord stap voor stap" },
    el("p", { class: "turn__question" }, el("span", { class: "visually-hidden", text: "Uw keuzes: " }), guidedSummary()), answerBox);
  $("#guided-result").replaceChildren(turn);
  try {
    const response = await fetch("/api/ask", {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ question: "", facts: guidedRequestFacts() }),
    });
    if (!response.ok) throw new Error(await errorText(response));
    const answer = await response.json();
    renderAnswer(answerBox, answer, "", answer.record_token, guidedReask);
    setStatus($("#guided-status"), "Antwoord ontvangen; het staat onder de stappen.");
    turn.scrollIntoView({ block: "start" });
    answerBox.focus();
  } catch (error) {
    answerBox.replaceChildren(el("p", { class: "answer__error", text: error.message || "Geen verbinding met de server." }));
    setStatus($("#guided-status"), "Het lukte niet om een antwoord te krijgen.", true);
  } finally {
    answerBox.removeAttribute("aria-busy");
    guided.busy = false;
    $("#guided-next").disabled = false;
  }
}

// The circumstances left on "weet ik niet" are not sent: they show as not found, like an unasked question.
function guidedRequestFacts() {
  return Object.fromEntries(Object.entries(guided.facts).filter(([id, value]) => value !== null || CORE_FACTS.includes(id)));
}

// A chip or a clarifying option on the guided answer: the choice is kept (the steps show it too), then asked again.
function guidedReask(facts) {
  Object.assign(guided.facts, facts);
  renderGuidedStep(false);
  guidedAsk();
}

function guidedRestart() {
  guided.step = 0;
  guided.facts = {};
  $("#guided-result").replaceChildren();
  setStatus($("#guided-status"), "Opnieuw begonnen.");
  if (guided.lists) renderGuidedStep();
}

function guidedKeys(event) {
  const target = event.target;
  if (event.key === "Escape" && !event.defaultPrevented && guided.step > 0) { event.preventDefault(); guidedBack(); return; }
  if (event.key === "Enter" && target.matches("input[type='radio'], input[type='checkbox']")) { event.preventDefault(); guidedNext(); }
}

document.addEventListener("DOMContentLoaded", () => {
  $("#tab-guided").addEventListener("click", startGuided);
  $("#guided-form").addEventListener("submit", (event) => { event.preventDefault(); guidedNext(); });
  $("#guided-form").addEventListener("keydown", guidedKeys);
  $("#guided-back").addEventListener("click", guidedBack);
  $("#guided-restart").addEventListener("click", guidedRestart);
});
