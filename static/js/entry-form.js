/* The entry editor: a live preview rendered on the server, the Markdown buttons, and a question before leaving
 * with unsaved changes.
 */
(function () {
  "use strict";
  var body = document.getElementById("id_body");
  var preview = document.getElementById("preview");
  var warnings = document.getElementById("preview-warnings");
  var form = document.getElementById("entry-form");
  if (!body || !preview || !form) return;
  var token = form.querySelector("[name=csrfmiddlewaretoken]").value;
  var timer = null;
  function refresh() {
    var data = new FormData();
    data.append("body", body.value);
    fetch(preview.dataset.url, {method: "POST", body: data, headers: {"X-CSRFToken": token}, credentials: "same-origin"})
      .then(function (r) { return r.json(); })
      .then(function (json) {
        if (json.error) { warnings.hidden = false; warnings.textContent = json.error; return; }
        preview.innerHTML = json.html;  // sanitised on the server by the same renderer readers get
        var broken = json.broken_links || [], bad = json.bad_addresses || [], unknown = json.unknown_values || [];
        var notes = [];
        if (broken.length) notes.push("No entry called: " + broken.join(", ") + ".");
        if (bad.length) notes.push("Not an address a link can open: " + bad.join(", ") + ".");
        if (unknown.length) notes.push("No shared value called: " + unknown.join(", ") + ".");
        warnings.hidden = notes.length === 0;
        warnings.textContent = notes.join(" ");
      })
      .catch(function () {});
  }
  body.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(refresh, 300); });
  // Leaving with unsaved changes (to review, say) asks first; saving or submitting does not.
  var dirty = false;
  form.addEventListener("input", function () { dirty = true; });
  form.addEventListener("submit", function () { dirty = false; });
  window.addEventListener("beforeunload", function (e) { if (dirty) { e.preventDefault(); e.returnValue = ""; } });
  if (!preview.innerHTML.trim() && body.value) refresh();
  document.querySelectorAll("[data-md]").forEach(function (button) {
    button.addEventListener("click", function () {
      var parts = button.dataset.md.replace(/\\n/g, "\n").split("|");
      var start = body.selectionStart, end = body.selectionEnd, chosen = body.value.slice(start, end);
      body.setRangeText(parts[0] + chosen + parts[1], start, end, "end");
      body.selectionStart = body.selectionEnd = start + parts[0].length + chosen.length;
      body.focus();
      body.dispatchEvent(new Event("input"));
    });
  });
})();
