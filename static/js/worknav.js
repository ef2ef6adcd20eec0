/* The workspace menu scrolls sideways when it is wider than the screen (a phone): a fade at the edge and a
 * "Scroll for more" cue say so, and both go once the menu fits or has been scrolled to its end. Without script,
 * narrow screens show the cue all the time (see app.css).
 */
(function () {
  "use strict";
  var nav = document.querySelector("[data-worknav]");
  if (!nav) return;
  var scroller = nav.querySelector("[data-worknav-scroller]");
  function update() {
    var more = scroller.scrollWidth - scroller.clientWidth - scroller.scrollLeft > 2;
    nav.classList.toggle("has-more", more);
    nav.classList.add("is-measured");
  }
  scroller.addEventListener("scroll", update, {passive: true});
  window.addEventListener("resize", update);
  update();
  // The current page's link is brought into view, so a phone shows where you are.
  var current = scroller.querySelector("[aria-current=page]");
  if (current && nav.classList.contains("has-more")) {
    scroller.scrollLeft = current.offsetLeft - scroller.clientWidth / 2 + current.offsetWidth / 2;
    update();
  }
})();
