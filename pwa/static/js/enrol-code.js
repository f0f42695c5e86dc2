/* The enrolment link carries the code in its fragment (/enrol#ABCD-EFGH), which
 * never reaches a server log: copy it into the code form, drop it from the
 * address bar and history, and send the form. */
const field = document.querySelector('input[name="code"]');
const code = decodeURIComponent(window.location.hash.slice(1)).trim();
if (field && /^[A-Za-z0-9 -]{8,12}$/.test(code)) {
  history.replaceState(null, "", window.location.pathname);
  field.value = code;
  field.form.requestSubmit();
}
