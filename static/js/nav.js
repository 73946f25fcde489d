// The navigation's menus are <details>: they open without any script. This only closes the
// others when one opens, and all of them on Escape or a click elsewhere.
(function () {
  "use strict";
  var menus = function () { return document.querySelectorAll("details.nav-menu"); };
  document.addEventListener("toggle", function (event) {
    var opened = event.target;
    if (!opened.matches || !opened.matches("details.nav-menu") || !opened.open) return;
    menus().forEach(function (d) { if (d !== opened) d.open = false; });
  }, true);
  document.addEventListener("click", function (event) {
    menus().forEach(function (d) { if (d.open && !d.contains(event.target)) d.open = false; });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    menus().forEach(function (d) {
      if (d.open) { d.open = false; d.querySelector("summary").focus(); }
    });
  });
})();
