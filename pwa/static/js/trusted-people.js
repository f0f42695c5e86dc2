/* My trusted people: names and numbers she adds herself, kept only in this phone's
 * localStorage and never sent to the server (the form's fields have no names and
 * its submit never leaves this script). Quick exit leaves them in place: they are hers. */

const KEY = "dera-trusted-people";
const NUMBER = /^\+?[0-9 ]{3,20}$/;
const MAX_NAME = 40;

function isPerson(entry) {
  return entry && typeof entry.name === "string" && typeof entry.number === "string";
}

export function load(storage) {
  try {
    const people = JSON.parse(storage.getItem(KEY) || "[]");
    return Array.isArray(people) ? people.filter(isPerson) : [];
  } catch (error) {
    return [];
  }
}

export function save(storage, people) {
  storage.setItem(KEY, JSON.stringify(people));
}

/* An error message for the name or number, or "" when both are fine. */
export function problems(box, name, number) {
  return {
    name: !name ? box.dataset.nameMissing : name.length > MAX_NAME ? box.dataset.nameLong : "",
    number: NUMBER.test(number) ? "" : box.dataset.numberBad,
  };
}

function showError(input, message) {
  const error = document.getElementById(input.id + "-error");
  error.textContent = message;
  error.hidden = !message;
  const described = (input.getAttribute("aria-describedby") || "").split(" ").filter((id) => id && id !== error.id);
  if (message) {
    described.push(error.id);
    input.setAttribute("aria-invalid", "true");
  } else {
    input.removeAttribute("aria-invalid");
  }
  if (described.length) {
    input.setAttribute("aria-describedby", described.join(" "));
  } else {
    input.removeAttribute("aria-describedby");
  }
  input.closest(".field").classList.toggle("field-error", Boolean(message));
}

function render(box, people, onDelete) {
  const list = box.querySelector("[data-list]");
  list.replaceChildren(...people.map((person, index) => {
    const item = document.createElement("li");
    const call = document.createElement("a");
    call.className = "line";
    call.href = "tel:" + person.number.replace(/ /g, "");
    const number = document.createElement("strong");
    number.className = "line-number";
    number.textContent = person.number;
    const name = document.createElement("span");
    name.textContent = person.name;
    call.append(name, " ", number);
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "button button-small";
    remove.textContent = box.dataset.delete;
    remove.setAttribute("aria-label", box.dataset.delete + ": " + person.name);
    remove.addEventListener("click", () => onDelete(index));
    item.append(call, remove);
    return item;
  }));
  box.querySelector("[data-empty]").hidden = people.length > 0;
}

function setUp(box) {
  const storage = window.localStorage;
  const form = box.querySelector("[data-add]");
  const nameInput = form.querySelector("#trusted-name");
  const numberInput = form.querySelector("#trusted-number");
  const status = box.querySelector("[data-status]");
  let people = load(storage);

  function store(next, message) {
    try {
      save(storage, next);
    } catch (error) {
      status.textContent = box.dataset.storageFailed;
      return false;
    }
    people = next;
    render(box, people, remove);
    status.textContent = message;
    return true;
  }

  function remove(index) {
    store(people.filter((_, i) => i !== index), box.dataset.deleted);
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const name = nameInput.value.trim();
    const number = numberInput.value.trim();
    const found = problems(box, name, number);
    showError(nameInput, found.name);
    showError(numberInput, found.number);
    if (found.name || found.number) {
      (found.name ? nameInput : numberInput).focus();
      return;
    }
    if (store([...people, { name, number }], box.dataset.saved)) {
      form.reset();
      nameInput.focus();
    }
  });

  render(box, people, remove);
  box.hidden = false;
  document.getElementById("trusted-people-no-script").hidden = true;
}

const box = document.getElementById("trusted-people");
if (box) {
  setUp(box);
}
