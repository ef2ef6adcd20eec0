/* A filter chosen after a search shows its results at once; without script the Search button does it. */
(function () {
  "use strict";
  var form = document.querySelector("[data-search-form]");
  if (!form) return;
  form.addEventListener("change", function (e) {
    if (e.target.tagName === "SELECT" && form.elements.q.value.trim()) form.submit();
  });
})();
