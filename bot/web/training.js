// Deelwijzer web app, part 5: Oefenen (issue 17). Generated cases (POST /api/training/quiz): pick a verdict
// and the decisive provision, see the model answer with quotes, a score at the end. Nothing is stored; the
// same cases can be downloaded as a training pack (POST /api/training/pack, PDF).
"use strict";

const oefenen = { loaded: false, questions: [], index: 0, score: 0, request: null };

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
    Object.assign(oefenen, { questions: body.questions, index: 0, score: 0 });
    setStatus(status, `${body.questions.length} casussen (fictief). Kies per casus het oordeel en de beslissende bepaling.`);
    $("#quiz-score").hidden = true;
    $("#quiz-pack").hidden = false;
    showQuestion();
  } catch (error) {
    setStatus(status, error.message, true);
  } finally {
    $("#quiz-start").disabled = false;
  }
}

function choiceGroup(name, legend, options) {
  return el("fieldset", { class: "quiz__choices" }, el("legend", { text: legend }),
    options.map(([value, label]) => el("label", { class: "quiz__choice" },
      el("input", { type: "radio", name, value, required: true }), ` ${label}`)));
}

function showQuestion() {
  const question = oefenen.questions[oefenen.index];
  const form = el("form", { class: "card quiz__question", id: "quiz-question", "aria-labelledby": "quiz-question-title" },
    el("h2", { id: "quiz-question-title", text: `Casus ${oefenen.index + 1} van ${oefenen.questions.length} — ${question.theme_label}` }),
    el("p", { class: "quiz__casus", text: question.casus }),
    choiceGroup("verdict", "Wat is jouw oordeel?", question.verdict_options),
    choiceGroup("provision", "Welke bepaling beslist?", question.provision_options.map((key) => [key, key])),
    el("button", { type: "submit", class: "button button--primary", id: "quiz-answer", text: "Nakijken" }));
  form.addEventListener("submit", (event) => { event.preventDefault(); checkAnswer(form, question); });
  $("#quiz-area").replaceChildren(form);
  $("#quiz-question-title").focus?.();
}

function checkAnswer(form, question) {
  const verdict = form.elements.verdict.value;
  const provision = form.elements.provision.value;
  if (!verdict || !provision) { setStatus($("#quiz-status"), "Kies een oordeel en een bepaling.", true); return; }
  const answer = question.answer;
  const verdictOk = verdict === answer.verdict;
  const provisionOk = answer.decisive.some((key) => key === provision || key.startsWith(`${provision} `));
  oefenen.score += Number(verdictOk) + Number(provisionOk);
  const feedback = el("div", { class: "quiz__feedback", id: "quiz-feedback", role: "status" },
    el("p", { text: `${verdictOk ? "✔ Goed" : "✘ Niet goed"}: het modelantwoord is ${answer.verdict_label}.` }),
    el("p", { text: `${provisionOk ? "✔ Goed" : "✘ Niet goed"}: beslissend is ${answer.decisive.join(", ") || "—"}.` }),
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
  score.textContent = `Score: ${oefenen.score} van ${total} punten. Er is niets opgeslagen.`;
  score.hidden = false;
}

async function downloadPack() {
  const status = $("#quiz-status");
  setStatus(status, "Oefenpakket maken…");
  try {
    const response = await fetch("/api/training/pack", {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ ...(oefenen.request || quizRequest()), format: "pdf" }),
    });
    if (!response.ok) throw new Error(await errorText(response));
    const name = (response.headers.get("Content-Disposition") || "").match(/filename="([^"]+)"/);
    saveBlob(await response.blob(), name ? name[1] : "deelwijzer-oefenpakket.pdf");
    setStatus(status, "Oefenpakket opgeslagen (PDF).");
  } catch (error) {
    setStatus(status, error.message, true);
  }
}

document.addEventListener("DOMContentLoaded", () => {
  $("#tab-training").addEventListener("click", startTraining);
  $("#quiz-form").addEventListener("submit", newQuiz);
  $("#quiz-pack").addEventListener("click", downloadPack);
});
