/* One-tap text messages: sms: links with the body filled in, to her trusted people and the
 * organisation's line. Everything stays on this phone: the chosen message and her own words
 * are kept in localStorage, the trusted people come from trusted-people.js's storage, and the
 * links hand the text to the phone's messaging app, so it works without mobile data and
 * nothing reaches the server. When a help request waits offline, the queued notice offers to
 * send it as a text to the organisation's line as well. */

import { load } from "./trusted-people.js";

const CHOICE = "dera-sms-choice";
const OWN = "dera-sms-own";

function read(key) {
  try {
    return window.localStorage.getItem(key) || "";
  } catch (error) {
    return "";
  }
}

function keep(key, value) {
  try {
    window.localStorage.setItem(key, value);
  } catch (error) {
    /* private mode: the choice lasts for this page only */
  }
}

export function smsHref(number, body) {
  return "sms:" + number.replace(/[^0-9+]/g, "") + "?body=" + encodeURIComponent(body);
}

function link(label, number, body) {
  const item = document.createElement("li");
  const anchor = document.createElement("a");
  anchor.className = "line";
  anchor.href = smsHref(number, body);
  const text = document.createElement("span");
  text.textContent = label;
  const shown = document.createElement("strong");
  shown.className = "line-number";
  shown.textContent = number;
  anchor.append(text, " ", shown);
  item.append(anchor);
  return item;
}

function setUp(box) {
  const choice = box.querySelector("[data-sms-choice]");
  const own = box.querySelector("#sms-own");
  const radios = [...choice.querySelectorAll("input[type=radio]")];
  const list = box.querySelector("[data-sms-links]");
  const nobody = box.querySelector("[data-sms-nobody]");
  const people = box.dataset.trusted ? load(window.localStorage) : [];

  const saved = read(CHOICE);
  const start = radios.find((radio) => radio.value === saved) || radios[0];
  start.checked = true;
  own.value = read(OWN);

  function message() {
    const chosen = radios.find((radio) => radio.checked) || radios[0];
    return chosen.value === "own" ? own.value.trim() || radios[0].dataset.text : chosen.dataset.text;
  }

  function render() {
    const body = message();
    const chosen = radios.find((radio) => radio.checked);
    own.hidden = !chosen || chosen.value !== "own";
    const links = people.map((person) => link(box.dataset.textTo.replace("{name}", person.name), person.number, body));
    if (box.dataset.line) {
      links.push(link(box.dataset.lineLabel, box.dataset.line, body));
    }
    list.replaceChildren(...links);
    nobody.textContent = box.dataset.nobody;
    nobody.hidden = !box.dataset.trusted || people.length > 0;
  }

  radios.forEach((radio) => radio.addEventListener("change", () => {
    keep(CHOICE, radio.value);
    render();
    if (radio.value === "own") {
      own.focus();
    }
  }));
  own.addEventListener("input", () => {
    keep(OWN, own.value);
    render();
  });
  choice.hidden = false;
  render();
}

/* The queued help request as a text to the organisation's line: her answers, in her words. */
function offerQueuedText(box) {
  const queued = document.getElementById("queued");
  const form = document.getElementById("ask");
  const anchor = queued && queued.querySelector("[data-sms-queued]");
  if (!anchor || !form) {
    return;
  }
  function fill() {
    const answers = [...form.querySelectorAll("input[type=radio]:checked")].map((input) => {
      const label = form.querySelector(`label[for="${input.id}"]`) || input.closest("label");
      return label ? label.textContent.trim().replace(/\s+/g, " ") : "";
    }).filter(Boolean);
    const note = form.querySelector("textarea");
    const parts = [anchor.dataset.prefix, answers.join(", ")];
    if (note && note.value.trim()) {
      parts.push(note.value.trim());
    }
    anchor.href = smsHref(anchor.dataset.number, parts.filter(Boolean).join(" "));
  }
  fill();
  form.addEventListener("change", fill);
  form.addEventListener("input", fill);
  new MutationObserver(fill).observe(queued, { attributes: true, attributeFilter: ["hidden"] });
}

document.querySelectorAll("[data-text-messages]").forEach((box) => {
  setUp(box);
  offerQueuedText(box);
});
