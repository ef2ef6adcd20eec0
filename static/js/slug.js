/* Suggest a web address (slug) from the title while someone fills in a new manual, section or entry.
 *
 * Any form with both a title and a slug field gets it, as long as the slug was empty when the page opened:
 * an existing entry's address never changes by retyping its title. Once the person types in the slug field,
 * it is theirs; emptying it hands it back to the title.
 */
(function () {
  "use strict";

  var MAX_LENGTH = 100; // the models' SlugField max_length

  function slugify(text) {
    return text
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "") // accents left apart by NFKD: "é" -> "e"
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, MAX_LENGTH)
      .replace(/-+$/, "");
  }

  function follow(form) {
    var title = form.querySelector("input[name=title]");
    var slug = form.querySelector("input[name=slug]");
    if (!title || !slug || slug.value !== "") return;
    var following = true;
    title.addEventListener("input", function () {
      if (following) slug.value = slugify(title.value);
    });
    // "input" only fires for the person's own typing, never for the value set above.
    slug.addEventListener("input", function () {
      following = slug.value === "";
    });
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("form"), follow);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
