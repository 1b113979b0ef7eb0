// The main navigation works without this (each journey is a <details>); with it, a journey's
// menu closes on Escape (focus returns to its name) and when the person clicks elsewhere.
(function () {
  "use strict";
  function groups() {
    return Array.prototype.slice.call(document.querySelectorAll(".main-nav details"));
  }
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    groups().forEach(function (group) {
      if (group.open && group.contains(document.activeElement)) {
        group.open = false;
        group.querySelector("summary").focus();
      } else if (group.open) {
        group.open = false;
      }
    });
  });
  document.addEventListener("click", function (event) {
    groups().forEach(function (group) {
      if (group.open && !group.contains(event.target)) group.open = false;
    });
  });
  // Older browsers without exclusive <details name>: opening one journey closes the others.
  document.addEventListener("toggle", function (event) {
    var opened = event.target;
    if (!opened.open || !opened.closest || !opened.closest(".main-nav")) return;
    groups().forEach(function (group) {
      if (group !== opened) group.open = false;
    });
  }, true);
})();
