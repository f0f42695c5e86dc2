/* Ask for help, one question at a time: a tap on an answer moves to the next
 * question; after the third, the note and "Send". Without JavaScript the same
 * form shows the three questions one under the other. Choosing with the arrow
 * keys does not move on (that would skip past answers); "Next" does. */

const form = document.getElementById("ask");

function setUp() {
  const steps = Array.from(form.querySelectorAll("[data-step]"));
  const label = form.dataset.stepLabel || "";
  const summary = form.querySelector("[data-summary]");
  let current = 0;
  let arrowed = false;
  let checkedBefore = null;

  const answered = (step) => !step.querySelector("input[type=radio]") || step.querySelector("input[type=radio]:checked") !== null;

  function show(index, moveFocus) {
    current = Math.max(0, Math.min(index, steps.length - 1));
    steps.forEach((step, i) => { step.hidden = i !== current; });
    const step = steps[current];
    if (step.hasAttribute("data-final")) {
      const chosen = form.querySelectorAll("input[type=radio]:checked");
      summary.textContent = Array.from(chosen, (input) => input.closest("label").textContent.trim()).join(" · ");
      summary.hidden = chosen.length === 0;
    }
    if (moveFocus) {
      step.focus();
    }
  }

  steps.forEach((step, index) => {
    step.tabIndex = -1;
    const count = step.querySelector("[data-step-count]");
    if (count) {
      count.textContent = label.replace("{n}", String(index + 1));
      count.hidden = false;
    }
    const nav = step.querySelector("[data-step-nav]");
    if (nav) {
      nav.hidden = false;
    }
    const back = step.querySelector("[data-back]");
    if (back) {
      back.hidden = index === 0;
      back.addEventListener("click", () => show(index - 1, true));
    }
    const next = step.querySelector("[data-next]");
    if (next) {
      next.addEventListener("click", () => {
        if (answered(step)) {
          show(index + 1, true);
        } else {
          step.querySelector("input[type=radio]").focus();
        }
      });
    }
  });

  form.addEventListener("keydown", (event) => { arrowed = event.key.startsWith("Arrow"); });
  form.addEventListener("change", (event) => {
    const step = event.target.closest("[data-step]");
    if (event.target.type !== "radio" || steps.indexOf(step) !== current) {
      return;
    }
    if (arrowed) {
      arrowed = false;
      return;
    }
    show(current + 1, true);
  });
  /* A tap on the answer already chosen (after going back) moves on too. */
  form.addEventListener("pointerdown", (event) => {
    const choice = event.target.closest(".choice");
    const input = choice && choice.querySelector("input");
    checkedBefore = input && input.checked ? input : null;
  });
  form.addEventListener("click", (event) => {
    if (checkedBefore && event.target === checkedBefore && steps.indexOf(checkedBefore.closest("[data-step]")) === current) {
      checkedBefore = null;
      show(current + 1, true);
    }
  });

  const withError = steps.findIndex((step) => step.querySelector(".error"));
  const unanswered = steps.findIndex((step) => !answered(step));
  show(withError >= 0 ? withError : unanswered >= 0 ? unanswered : steps.length - 1, withError >= 0);
}

if (form) {
  setUp();
}
