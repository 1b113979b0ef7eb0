// Polls an import's progress and shows it; when the import ends, loads its page.
(function () {
  "use strict";
  var box = document.getElementById("import-progress");
  if (!box) { return; }
  var bar = document.getElementById("import-progress-bar");
  var message = document.getElementById("import-progress-message");
  function poll() {
    fetch(box.dataset.progressUrl, { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (progress) {
        bar.value = progress.percent;
        bar.textContent = progress.percent + "%";
        message.textContent = progress.status_label + (progress.message ? ": " + progress.message : "");
        if (progress.status === "queued" || progress.status === "running") {
          window.setTimeout(poll, 1000);
        } else {
          window.location.assign(progress.url);
        }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 1000);
}());
