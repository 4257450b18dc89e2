// Where focus goes after the shop's form is swapped: the server names the element (data-land on #form-state)
// for actions that move the shopper's attention (a repair dialog, a completion, an undo, a repair applied or
// declined); a plain change names none, so focus stays where the shopper is (the morph swap keeps that element).
(function () {
  var FOCUSABLE = "input:not([type=hidden]):not([disabled]), button:not([disabled]), select, textarea, a[href]";

  // The element in focus when the form last sent: an answer lands focus only if the shopper is still there. One
  // who has moved on (pressed the next button while the answer was on its way) keeps their place.
  var focusAtSend = null;

  document.addEventListener("htmx:before:request", function () { focusAtSend = document.activeElement; });

  function movedOn() {
    var now = document.activeElement;
    return Boolean(focusAtSend) && now !== focusAtSend && now !== document.body && now.isConnected;
  }

  function land() {
    var root = document.getElementById("form-state");
    var id = root && root.getAttribute("data-land");
    if (!id) { return; }
    root.removeAttribute("data-land");
    var target = document.getElementById(id);
    if (!target) { return; }
    if (movedOn() && !target.contains(document.activeElement)) { return; }  // (autofocus may be there already)
    var field = target;
    if (!target.matches(FOCUSABLE) && !target.hasAttribute("tabindex")) {
      field = target.querySelector("input:checked:not([disabled])") || target.querySelector(FOCUSABLE);
      if (!field) { target.setAttribute("tabindex", "-1"); field = target; }
    }
    var folded = field.closest("details:not([open])");
    if (folded) { field = folded.querySelector("summary"); }
    field.focus({ preventScroll: true });
    reveal(target.closest("[role=dialog]") || target);
  }

  // Scroll an element into view, and again once the options above it are laid out: they are drawn only when near
  // the screen (content-visibility), so their real height can move it out of view (behind a phone's sticky bar)
  // a frame or two after the first scroll.
  function reveal(element) {
    element.scrollIntoView({ block: "nearest" });
    requestAnimationFrame(function () {
      requestAnimationFrame(function () {
        if (element.isConnected) { element.scrollIntoView({ block: "nearest" }); }
      });
    });
  }

  // A morph swap updates attributes, but a box the shopper clicked keeps its own checkedness: make every box say
  // what the answer says (the answer swapped is always that of the latest request: the form replaces older ones).
  var lastAnswer = null;

  function syncChecks() {
    var root = document.getElementById("configurator");
    var state = document.getElementById("form-state");
    var answer = state && state.getAttribute("data-answer");
    if (!root || !answer || answer === lastAnswer) { return; }  // no new answer (a refusal says so in messages)
    lastAnswer = answer;
    root.querySelectorAll("input[type=radio], input[type=checkbox]").forEach(function (box) {
      if (box.checked !== box.defaultChecked) { box.checked = box.defaultChecked; }
    });
  }

  // One Tab stop per option for its "Choose anyway" buttons (and its "Why?" buttons): the arrow keys move between
  // them. Without JavaScript every button stays in the Tab order.
  var ROVING = ["button.anyway", "button.why"];

  function rove() {
    document.querySelectorAll("#configurator .option").forEach(function (option) {
      ROVING.forEach(function (selector) {
        var buttons = option.querySelectorAll(selector);
        var current = Array.prototype.some.call(buttons, function (b) { return b === document.activeElement; });
        buttons.forEach(function (button, index) {
          var stop = (current ? button === document.activeElement : index === 0) ? "0" : "-1";
          if (button.getAttribute("tabindex") !== stop) { button.setAttribute("tabindex", stop); }
        });
      });
    });
  }

  document.addEventListener("keydown", function (event) {
    var keys = { ArrowDown: 1, ArrowRight: 1, ArrowUp: -1, ArrowLeft: -1 };
    var step = keys[event.key];
    var target = event.target;
    var selector = step && target.matches && ROVING.filter(function (s) { return target.matches(s); })[0];
    if (!selector) { return; }
    var buttons = Array.prototype.slice.call(target.closest(".option").querySelectorAll(selector));
    var next = buttons[(buttons.indexOf(target) + step + buttons.length) % buttons.length];
    target.setAttribute("tabindex", "-1");
    next.setAttribute("tabindex", "0");
    next.focus();
    event.preventDefault();
  });

  // Find an option by name (a large product's tools): options whose label does not contain the words are hidden.
  function filterOptions() {
    var box = document.getElementById("option-filter");
    if (!box) { return; }
    var words = box.value.trim().toLowerCase();
    document.querySelectorAll("#configurator .option").forEach(function (option) {
      var hide = Boolean(words) && (option.getAttribute("data-label") || "").indexOf(words) < 0;
      if (option.hidden !== hide) { option.hidden = hide; }
    });
  }

  function showFilter() {
    var holder = document.getElementById("filter-box");
    if (holder) { holder.hidden = false; }
  }

  document.addEventListener("input", function (event) {
    if (event.target.id === "option-filter") { filterOptions(); }
  });
  document.addEventListener("htmx:after:swap", filterOptions);
  document.addEventListener("DOMContentLoaded", showFilter);
  // A folded option the shopper opened stays open through a morph (the server folds it only on a full page).
  // htmx 4 asks its extensions, not the page's event listeners, before it changes an attribute; htmx may come
  // after this script (the vendored copy, loaded when the CDN's fails), so the extension is registered once it is.
  var keepingOpen = false;

  function keepOpen() {
    if (keepingOpen || !window.htmx) { return; }
    keepingOpen = true;
    window.htmx.registerExtension("keep-open", {
      htmx_before_morph_attr: function (element, detail) {
        return !(element.tagName === "DETAILS" && detail.attrName === "open" && detail.newValue === null);
      }
    });
  }

  keepOpen();
  window.addEventListener("load", keepOpen);
  // A change answered part by part is checked: every option must now carry the digest the answer says it has
  // (a click that raced an earlier answer could leave one behind). If one does not, the page asks for the whole
  // form again (an empty `shown`), which is always right. That whole form is drawn as the server sent it, so it is
  // never asked for twice in a row (were the digests ever wrong, the page would otherwise ask forever).
  var reasked = false;

  function verify() {
    var field = document.querySelector("#form-state input[name=shown]");
    var again = reasked;
    reasked = false;
    if (!field || !field.value || again) { return; }
    var digests = field.value.split(",");
    var options = document.querySelectorAll("#configurator .option");
    var behind = options.length !== digests.length || Array.prototype.some.call(options, function (option, i) {
      return option.getAttribute("data-digest") !== digests[i];
    });
    if (behind && window.htmx) {
      reasked = true;
      field.value = "";
      window.htmx.trigger(document.getElementById("choices"), "submit");
    }
  }

  // A typed field sends itself 500 ms after the last key; the form (a change when the field is left, a button)
  // sends every field at once. A field's late request after a form's would replace that one's answer (the form
  // answers only its latest request): a completion asked for right after typing would be lost. So a field's
  // request is not sent when the form has sent since its last key.
  var formSentAt = 0;

  document.addEventListener("input", function (event) {
    if (event.target.form && event.target.form.id === "choices") { event.target.typedAt = performance.now(); }
  });
  document.addEventListener("htmx:before:request", function (event) {
    if (event.target.id === "choices") { formSentAt = performance.now(); }
  });
  document.addEventListener("htmx:config:request", function (event) {
    var field = event.target;
    if (field.id !== "choices" && field.form && field.form.id === "choices" && field.typedAt < formSentAt) {
      event.preventDefault();
    }
  });

  // "None of these" and the values of a multi choice exclude each other: ticking one clears the others before
  // the form sends the change (capturing, so before htmx hears it). Without JavaScript a ticked value wins.
  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!box.matches || !box.matches(".option-checkbox input[type=checkbox]") || !box.checked) { return; }
    var list = box.closest("ul.values");
    list.querySelectorAll("input[type=checkbox]").forEach(function (other) {
      if (other !== box && (box.hasAttribute("data-none") || other.hasAttribute("data-none"))) {
        other.checked = false;
      }
    });
  }, true);

  // The header's language and market links lead to this page in another language or market, with the shopper's
  // choices: htmx keeps those in the address bar, so each link follows it (without JavaScript every page is
  // loaded whole, its links drawn by the server from the same state).
  function relinkLanguages() {
    document.querySelectorAll("header a[data-switch]").forEach(function (link) {
      var url = new URL(window.location.href);
      url.searchParams.set(link.getAttribute("data-switch"), link.getAttribute("data-value"));
      link.setAttribute("href", url.pathname + url.search);
    });
  }

  document.addEventListener("htmx:after:history:push", relinkLanguages);
  document.addEventListener("htmx:after:history:replace", relinkLanguages);
  document.addEventListener("htmx:after:swap", verify);
  document.addEventListener("htmx:after:swap", syncChecks);
  document.addEventListener("htmx:after:swap", rove);
  document.addEventListener("DOMContentLoaded", rove);
  document.addEventListener("htmx:after:swap", land);
  document.addEventListener("DOMContentLoaded", land);
})();

// The quote's print button (a script file: the pages' policy allows no inline script).
document.addEventListener("click", function (event) {
  if (event.target.closest && event.target.closest("[data-print]")) { window.print(); }
});
