// "Select all" / "Select none" for a list of checkboxes: a button with
// data-select-all="<name>" and data-checked="true|false" ticks or unticks every enabled
// checkbox of that name (inside the element data-within names, when given). The buttons
// are hidden until this script shows them, so a page without JavaScript has no dead
// buttons.
(function () {
  "use strict";
  document.querySelectorAll("[data-select-all]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var name = button.getAttribute("data-select-all");
      var checked = button.getAttribute("data-checked") === "true";
      var scope = document.querySelector(button.getAttribute("data-within") || "body");
      scope.querySelectorAll('input[type="checkbox"][name="' + name + '"]').forEach(
        function (box) { if (!box.disabled) { box.checked = checked; } }
      );
    });
  });
})();
