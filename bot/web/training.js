// Deelwijzer web app, part 5: Oefenen (issue 17). Generated cases (POST /api/training/quiz): pick a verdict
// and the decisive provisions (check boxes), see the model answer with quotes, a score at the end. Nothing is
// stored; the same cases, with the trainer's own cases (own.js), can be downloaded as a training pack
// (POST /api/training/pack: PDF, Markdown or eval case file).
"use strict";

const oefenen = { loaded: false, questions: [], index: 0, score: 0, request: null, scoring: "", own: [] };
const PACK_FORMATS = { pdf: "PDF", md: "Markdown", cases: "casebestand" };

async function startTraining() {
  if (oefenen.loaded) return;
  oefenen.loaded = true;
  try {
    const response = await fetch("/api/training/themes");
    if (!response.ok) throw new Error(await errorText(response));
    const body = await response.json();
    const options = [{ id: "alle", label: "Alle thema's" }, ...body.themes];
    $("#quiz-theme").replaceChildren(...options.map((t) => el("option", { value: t.id, text: t.label })));
  } catch (error) {
    oefenen.loaded = false;
    setStatus($("#quiz-status"), error.message, true);
  }
}

function quizRequest() {
  const seed = Number.parseInt($("#quiz-seed").value, 10);
  return { theme: $("#quiz-theme").value || "alle", n: Number.parseInt($("#quiz-n").value, 10) || 3,
    seed: Number.isFinite(seed) && seed >= 0 ? seed : 0 };
}

async function newQuiz(event) {
  event.preventDefault();
  const status = $("#quiz-status");
  setStatus(status, "Casussen maken en nakijken…");
  $("#quiz-start").disabled = true;
  try {
    oefenen.request = quizRequest();
    const response = await fetch("/api/training/quiz", {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(oefenen.request),
    });
    if (!response.ok) throw new Error(await errorText(response));
    const body = await response.json();
    Object.assign(oefenen, { questions: body.questions, index: 0, score: 0, scoring: body.scoring || "" });
    setStatus(status, `${body.questions.length} casussen (fictief). Kies per casus het oordeel en de beslissende bepalingen.`);
    $("#quiz-score").hidden = true;
    showPackButtons();
    showQuestion();
  } catch (error) {
    setStatus(status, error.message, true);
  } finally {
    $("#quiz-start").disabled = false;
  }
}

function choiceGroup(name, legend, options, type = "radio") {
  return el("fieldset", { class: "quiz__choices" }, el("legend", { text: legend }),
    options.map(([value, label]) => el("label", { class: "quiz__choice" },
      el("input", { type, name, value, required: type === "radio" }), ` ${label}`)));
}

function showPackButtons() { for (const id of ["#quiz-pack", "#quiz-pack-md", "#quiz-pack-cases"]) $(id).hidden = false; }

function points(value) { return String(Math.round(value * 100) / 100).replace(".", ","); }

// The provisions part, as bot/training/quiz.py grades it: overlap = right picks / (picked ∪ decisive).
function provisionScore(picked, right) {
  const hits = picked.filter((key) => right.includes(key));
  const either = new Set([...picked, ...right]).size;
  return { hits, extra: picked.length - hits.length, score: either ? Math.round((hits.length / either) * 100) / 100 : 1 };
}

function showQuestion() {
  const question = oefenen.questions[oefenen.index];
  const form = el("form", { class: "card quiz__question", id: "quiz-question", "aria-labelledby": "quiz-question-title" },
    el("h2", { id: "quiz-question-title", text: `Casus ${oefenen.index + 1} van ${oefenen.questions.length} — ${question.theme_label}` }),
    el("p", { class: "quiz__casus", text: question.casus }),
    choiceGroup("verdict", "Wat is jouw oordeel?", question.verdict_options),
    choiceGroup("provision", "Welke bepalingen beslissen? Vink er een of meer aan (geen als geen van deze beslist).", question.provision_options.map((key) => [key, key]), "checkbox"),
    el("button", { type: "submit", class: "button button--primary", id: "quiz-answer", text: "Nakijken" }));
  form.addEventListener("submit", (event) => { event.preventDefault(); checkAnswer(form, question); });
  $("#quiz-area").replaceChildren(form);
  $("#quiz-question-title").focus?.();
}

function checkAnswer(form, question) {
  const verdict = form.elements.verdict.value;
  const picked = [...form.querySelectorAll("input[name=provision]:checked")].map((input) => input.value);
  if (!verdict) { setStatus($("#quiz-status"), "Kies een oordeel (en de bepalingen die beslissen).", true); return; }
  setStatus($("#quiz-status"), "");
  const answer = question.answer;
  const verdictOk = verdict === answer.verdict;
  const right = question.decisive_articles;
  const provisions = provisionScore(picked, right);
  oefenen.score += Number(verdictOk) + provisions.score;
  const mark = provisions.score === 1 ? "✔ Goed" : provisions.score > 0 ? "◐ Deels goed" : "✘ Niet goed";
  const feedback = el("div", { class: "quiz__feedback", id: "quiz-feedback", role: "status" },
    el("p", { text: `${verdictOk ? "✔ Goed" : "✘ Niet goed"}: het modelantwoord is ${answer.verdict_label}.` }),
    el("p", { text: `${mark}: beslissend is ${answer.decisive.join(", ") || "—"}.` }),
    el("p", { class: "quiz__provision-score", text: `${provisions.hits.length} van ${right.length} beslissende bepalingen gekozen, ${provisions.extra} overbodig: ${points(provisions.score)} punt. ${oefenen.scoring}` }),
    el("p", { text: answer.summary }),
    el("ul", { class: "plain-list" }, answer.citations.slice(0, 3).map((c) =>
      el("li", {}, el("strong", { text: c.key }), el("blockquote", { text: c.quote })))));
  const last = oefenen.index + 1 >= oefenen.questions.length;
  const next = el("button", { type: "button", class: "button button--primary", id: "quiz-next",
    text: last ? "Score bekijken" : "Volgende casus" });
  next.addEventListener("click", () => {
    oefenen.index += 1;
    if (last) showScore(); else showQuestion();
  });
  form.querySelector("#quiz-answer").disabled = true;
  form.append(feedback, next);
  next.focus();
}

function showScore() {
  const total = 2 * oefenen.questions.length;
  $("#quiz-area").replaceChildren();
  const score = $("#quiz-score");
  score.textContent = `Score: ${points(oefenen.score)} van ${total} punten. Er is niets opgeslagen.`;
  score.hidden = false;
}

async function downloadPack(format = "pdf") {
  const status = $("#quiz-status");
  setStatus(status, "Oefenpakket maken…");
  try {
    const response = await fetch("/api/training/pack", {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ ...(oefenen.request || quizRequest()), format, own: oefenen.own }),
    });
    if (!response.ok) throw new Error(await errorText(response));
    const name = (response.headers.get("Content-Disposition") || "").match(/filename="([^"]+)"/);
    saveBlob(await response.blob(), name ? name[1] : `deelwijzer-oefenpakket.${format === "cases" ? "yaml" : format}`);
    setStatus(status, `Oefenpakket opgeslagen (${PACK_FORMATS[format]}).`);
  } catch (error) {
    setStatus(status, error.message, true);
  }
}

document.addEventListener("DOMContentLoaded", () => {
  $("#tab-training").addEventListener("click", startTraining);
  $("#quiz-form").addEventListener("submit", newQuiz);
  $("#quiz-pack").addEventListener("click", () => downloadPack("pdf"));
  $("#quiz-pack-md").addEventListener("click", () => downloadPack("md"));
  $("#quiz-pack-cases").addEventListener("click", () => downloadPack("cases"));
});
