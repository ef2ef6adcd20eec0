/* A form control marked data-autosubmit sends its form as soon as it changes (a "Move to…" select, say).
 * Without script the page still offers a button or a second step to send it.
 */
(function () {
  "use strict";
  document.addEventListener("change", function (e) {
    var control = e.target.closest("[data-autosubmit]");
    if (control && control.form && control.value !== "") control.form.submit();
  });
})();
