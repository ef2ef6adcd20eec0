/* The reading pages' contents drawer on a phone: it opens below the top bar, scrolls on its own while the page
 * behind stays put, and closes on Escape (focus goes back to the menu button) or a tap anywhere outside it.
 */
(function () {
  "use strict";
  var button = document.querySelector("[data-toggle-toc]");
  var toc = document.getElementById("toc");
  var topbar = document.querySelector(".topbar");
  var root = document.documentElement;
  if (!button || !toc) return;
  function isOpen() { return toc.classList.contains("open"); }
  function set(open) {
    if (open && topbar) root.style.setProperty("--drawer-top", topbar.getBoundingClientRect().bottom + "px");
    toc.classList.toggle("open", open);
    root.classList.toggle("toc-open", open);
    button.setAttribute("aria-expanded", open ? "true" : "false");
  }
  button.addEventListener("click", function () { set(!isOpen()); });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && isOpen()) { set(false); button.focus(); }
  });
  document.addEventListener("click", function (e) {
    if (isOpen() && !toc.contains(e.target) && !button.contains(e.target)) set(false);
  });
})();
