// After a form is sent back with errors, move focus to the error summary, so that screen readers
// read it out and keyboard users start from the list of what to fix. Otherwise focus the element
// the page names (e.g. the condition just added to a rule set). Served as a file: the content
// security policy allows no inline script.
document.addEventListener("DOMContentLoaded", () => {
  const target =
    document.querySelector(".error-summary") || document.querySelector("[data-focus]");
  if (target) {
    target.focus();
  }
});
