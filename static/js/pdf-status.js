/* While a PDF is being made, its page follows the progress and opens the download when it is ready. */
(function () {
  "use strict";
  var box = document.querySelector(".pdf-progress[data-status-url]");
  if (!box) return;
  function poll() {
    fetch(box.dataset.statusUrl, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (s) {
      document.getElementById("pdf-bar").value = s.progress;
      document.getElementById("pdf-stage").textContent = (s.stage || "Waiting for a worker to start it") + "…";
      if (s.status === "done") { document.getElementById("pdf-ready").hidden = false; window.location = s.download; return; }
      if (s.status === "failed") { window.location.reload(); return; }
      setTimeout(poll, 1500);
    }).catch(function () { setTimeout(poll, 4000); });
  }
  setTimeout(poll, 1000);
})();
