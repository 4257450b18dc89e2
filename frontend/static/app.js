// Where focus goes after the shop's form is swapped: the server names the element (data-land on #configurator)
// for actions that move the shopper's attention (a repair dialog, a completion, an undo, a repair applied or
// declined); a plain change names none, so focus stays where the shopper is (the morph swap keeps that element).
(function () {
  var FOCUSABLE = "input:not([type=hidden]):not([disabled]), button:not([disabled]), select, textarea, a[href]";

  function land() {
    var root = document.getElementById("configurator");
    var id = root && root.getAttribute("data-land");
    if (!id) { return; }
    root.removeAttribute("data-land");
    var target = document.getElementById(id);
    if (!target) { return; }
    var field = target;
    if (!target.matches(FOCUSABLE) && !target.hasAttribute("tabindex")) {
      field = target.querySelector("input:checked:not([disabled])") || target.querySelector(FOCUSABLE);
      if (!field) { target.setAttribute("tabindex", "-1"); field = target; }
    }
    field.focus({ preventScroll: true });
    (target.closest("[role=dialog]") || target).scrollIntoView({ block: "nearest" });
  }

  // A morph swap updates attributes, but a box the shopper clicked keeps its own checkedness: make every box say
  // what the answer says (the answer swapped is always that of the latest request: the form replaces older ones).
  function syncChecks() {
    var root = document.getElementById("configurator");
    if (!root) { return; }
    root.querySelectorAll("input[type=radio], input[type=checkbox]").forEach(function (box) {
      box.checked = box.defaultChecked;
    });
  }

  document.addEventListener("htmx:after:swap", syncChecks);
  document.addEventListener("htmx:after:settle", land);
  document.addEventListener("DOMContentLoaded", land);
})();

// The quote's print button (a script file: the pages' policy allows no inline script).
document.addEventListener("click", function (event) {
  if (event.target.closest && event.target.closest("[data-print]")) { window.print(); }
});
