/* The roster upload page polls the progress of a running check or import (training/views/rosters.py). */
(function () {
  "use strict";
  var box = document.getElementById("status");
  if (!box || box.dataset.running !== "1") return;
  var bar = document.getElementById("progress-bar"), text = document.getElementById("progress-text");
  function poll() {
    fetch(box.dataset.progressUrl, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (p) {
      bar.style.width = p.percent + "%";
      bar.parentNode.setAttribute("aria-valuenow", p.percent);
      document.getElementById("status-label").textContent = p.status_label;
      if (p.total) text.textContent = p.done + " / " + p.total;
      if (p.finished) { window.location.reload(); } else { setTimeout(poll, 1000); }
    }).catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 1000);
})();
