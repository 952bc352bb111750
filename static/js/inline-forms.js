// Progressive enhancement: forms marked data-inline="#section-id" are sent in the
// background and the section is swapped for its fresh copy, so reordering or removing
// a plan's activities and goals keeps the reader's place. Without JavaScript the same
// forms post and redirect as usual.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var selector = form.getAttribute("data-inline");
    if (!selector || !window.fetch || !window.DOMParser) {
      return;
    }
    event.preventDefault();
    var data = new FormData(form);
    if (event.submitter && event.submitter.name) {
      data.append(event.submitter.name, event.submitter.value);
    }
    // getAttribute: a button named "action" would shadow the form.action property.
    fetch(form.getAttribute("action"), { method: "POST", body: data, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.text();
      })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html");
        [selector, ".messages"].forEach(function (part) {
          var current = document.querySelector(part);
          var replacement = fresh.querySelector(part);
          if (current && replacement) { current.replaceWith(replacement); }
        });
        var section = document.querySelector(selector);
        if (section) {
          section.setAttribute("tabindex", "-1");
          section.focus();
        }
      })
      .catch(function () { form.submit(); });
  });
})();
