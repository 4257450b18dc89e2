// Runs right after the CDN's htmx: if that did not load (offline, blocked), load the vendored copy of the same file.
(function () {
  if (window.htmx) { return; }
  var script = document.createElement("script");
  script.src = document.currentScript.dataset.vendored;
  document.head.appendChild(script);
})();
