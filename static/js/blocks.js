/* Repeated blocks of a formset (questions, scripts, targets): "Add a ..." copies the last block, empty, with
   the next number in its field names, and focuses it. The form says the formset's prefix, how many blocks it
   may hold and what one is called: data-prefix, data-most, data-one; the button is #add-part and each block
   .part-block. */
(function () {
  var add = document.getElementById("add-part");
  if (!add) return;
  var form = add.closest("form");
  var prefix = form.dataset.prefix, most = parseInt(form.dataset.most, 10), one = form.dataset.one;
  var pattern = new RegExp(prefix + "-\\d+-");
  add.addEventListener("click", function () {
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    var blocks = form.querySelectorAll(".part-block");
    var n = parseInt(total.value, 10);
    if (n >= most) return;
    var copy = blocks[blocks.length - 1].cloneNode(true);
    copy.querySelector("legend").textContent = one + " " + (n + 1);
    copy.querySelectorAll("input, select, textarea, label, p").forEach(function (el) {
      ["name", "id", "for", "aria-describedby"].forEach(function (attr) {
        var v = el.getAttribute(attr);
        if (v) el.setAttribute(attr, v.replace(pattern, prefix + "-" + n + "-"));
      });
      if (el.tagName === "INPUT" || el.tagName === "TEXTAREA") el.value = "";
      if (el.tagName === "SELECT") el.selectedIndex = 0;
      el.removeAttribute("aria-invalid");
    });
    copy.querySelectorAll(".errorlist").forEach(function (el) { el.remove(); });
    blocks[blocks.length - 1].after(copy);
    total.value = n + 1;
    copy.querySelector("input, select, textarea").focus();
    if (n + 1 >= most) add.remove();
  });
})();
