/* Scripts on an entry page: channels as tabs (arrow keys move between them), and a button to copy each script.
   Without JavaScript every channel's scripts are shown one after another and the copy buttons stay hidden. */
(function () {
  document.querySelectorAll("[data-tabs]").forEach(function (box) {
    var list = box.querySelector("[role=tablist]");
    var tabs = Array.prototype.slice.call(box.querySelectorAll("[role=tab]"));
    var panels = box.querySelectorAll("[role=tabpanel]");
    if (!list || tabs.length < 2) return;
    list.hidden = false;
    box.classList.add("tabbed");
    function select(tab, focus) {
      tabs.forEach(function (t) {
        var on = t === tab;
        t.setAttribute("aria-selected", on ? "true" : "false");
        t.tabIndex = on ? 0 : -1;
        document.getElementById(t.getAttribute("aria-controls")).hidden = !on;
      });
      if (focus) tab.focus();
    }
    tabs.forEach(function (tab, i) {
      tab.addEventListener("click", function () { select(tab, false); });
      tab.addEventListener("keydown", function (event) {
        var next = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1 }[event.key];
        if (next === undefined) return;
        event.preventDefault();
        select(tabs[(next + tabs.length) % tabs.length], true);
      });
    });
    select(tabs[0], false);
    panels.forEach(function (panel) { panel.querySelector(".script-channel").classList.add("sr-only"); });
  });

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      var ok = document.execCommand("copy");
      area.remove();
      (ok ? resolve : reject)();
    });
  }
  document.querySelectorAll(".copy-script").forEach(function (button) {
    button.classList.add("ready");
    button.addEventListener("click", function () {
      var source = document.getElementById(button.dataset.copyTarget);
      copyText(source.innerText.trim()).then(function () {
        button.textContent = "Copied";
        button.setAttribute("aria-live", "polite");
        setTimeout(function () { button.textContent = "Copy"; }, 2000);
      }, function () { button.textContent = "Select and copy"; });
    });
  });
})();
