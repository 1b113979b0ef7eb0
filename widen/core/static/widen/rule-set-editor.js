// The rule set editor works without JavaScript: "Add" and "Remove" send the form, and the page
// comes back with a condition more or fewer. With JavaScript, the same answer from the server is
// drawn in place, so the page keeps its scroll position, and focus goes where the page says (the
// condition just added, or the error summary).
document.addEventListener("DOMContentLoaded", () => {
  const main = document.querySelector("main");
  if (!main || !main.querySelector("form[data-rule-set-editor]") || !window.fetch) {
    return;
  }
  main.addEventListener("click", async (event) => {
    const button = event.target.closest(
      "form[data-rule-set-editor] button[name=add], form[data-rule-set-editor] button[name=remove]",
    );
    if (!button || button.dataset.sending) {
      return;
    }
    event.preventDefault();
    const form = button.form;
    const data = new FormData(form);
    data.append(button.name, button.value);
    button.dataset.sending = "yes";
    try {
      const response = await fetch(form.action || window.location.href, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "X-Requested-With": "fetch" },
      });
      if (!response.ok) {
        throw new Error(`the server answered ${response.status}`);
      }
      const page = new DOMParser().parseFromString(await response.text(), "text/html");
      const fresh = page.querySelector("main");
      if (!fresh || !fresh.querySelector("form[data-rule-set-editor]")) {
        throw new Error("the answer has no rule set form");
      }
      main.replaceChildren(...fresh.childNodes);
      document.title = page.title;
      const target = main.querySelector(".error-summary") || main.querySelector("[data-focus]");
      if (target) {
        target.focus();
      }
    } catch (error) {
      // Send the form the ordinary way instead.
      form.requestSubmit(button);
    }
  });
});
