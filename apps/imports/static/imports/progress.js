// Poll the import's status every second and update the progress bar; stop when it finishes.
(function () {
  "use strict";
  var section = document.getElementById("import-progress");
  if (!section || section.dataset.finished === "true") { return; }
  var bar = document.getElementById("import-bar");
  var done = document.getElementById("progress-done");
  var total = document.getElementById("progress-total");
  var statusLabel = document.getElementById("progress-status");
  var resultLink = document.getElementById("result-link");
  var format = new Intl.NumberFormat(document.documentElement.lang || undefined);

  function update(data) {
    bar.max = Math.max(data.total_rows, 1);
    bar.value = data.processed_rows;
    bar.textContent = data.percent + " %";
    done.textContent = format.format(data.processed_rows);
    total.textContent = format.format(data.total_rows);
    statusLabel.textContent = data.status_label;
    if (data.finished) {
      resultLink.hidden = false;
      resultLink.querySelector("a").focus();
      return true;
    }
    return false;
  }

  function poll() {
    fetch(section.dataset.statusUrl, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) { if (!update(data)) { window.setTimeout(poll, 1000); } })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 1000);
})();
