/* Suggestions on the people pages, while the manager types:
 *
 * - a new person's username from their email address ("ava.lind@example.com" gives "ava.lind");
 * - a new team's slug from its name ("Phone support" gives "phone-support").
 *
 * A suggestion follows the typing only while the suggested field was empty when the page opened and the manager
 * has not typed in it themselves; emptying it hands it back. The server checks the result either way.
 */
(function () {
  "use strict";

  function usernameFrom(email) {
    return email.split("@")[0].trim().toLowerCase().replace(/[^a-z0-9_.+\-]/g, "").slice(0, 140);
  }

  function slugFrom(name) {
    return name
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 60)
      .replace(/-+$/, "");
  }

  function follow(form, fromName, toName, suggest) {
    var from = form.querySelector("input[name=" + fromName + "]");
    var to = form.querySelector("input[name=" + toName + "]");
    if (!from || !to || to.value !== "") return;
    var following = true;
    from.addEventListener("input", function () {
      if (following) to.value = suggest(from.value);
    });
    // "input" fires for the manager's own typing only, never for the value set above.
    to.addEventListener("input", function () {
      following = to.value === "";
    });
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("form"), function (form) {
      follow(form, "email", "username", usernameFrom);
      follow(form, "name", "slug", slugFrom);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
