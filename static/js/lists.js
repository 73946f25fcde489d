// Tables on phones (static/css/lists.css): each cell labelled with its column's header;
// lists with row checkboxes: "select all" on the page.
(function () {
  "use strict";
  function label(table) {
    var rows = table.tHead ? table.tHead.rows : [];
    if (!rows.length) return;
    var headers = [];
    Array.prototype.forEach.call(rows[rows.length - 1].cells, function (th) {
      for (var n = 0; n < (th.colSpan || 1); n++) headers.push(th.textContent.trim());
    });
    var sections = Array.prototype.slice.call(table.tBodies);
    if (table.tFoot) sections.push(table.tFoot);
    sections.forEach(function (body) {
      Array.prototype.forEach.call(body.rows, function (tr) {
        var column = 0;
        Array.prototype.forEach.call(tr.cells, function (cell) {
          if (cell.tagName === "TD" && !cell.hasAttribute("data-label") && cell.colSpan === 1) {
            cell.setAttribute("data-label", headers[column] || "");
          }
          column += cell.colSpan || 1;
        });
      });
    });
  }
  function ready() {
    Array.prototype.forEach.call(document.querySelectorAll("table"), label);
    Array.prototype.forEach.call(document.querySelectorAll("[data-select-all]"), function (box) {
      box.addEventListener("change", function () {
        var table = box.closest("table");
        table.querySelectorAll('tbody input[type="checkbox"][name="id"]').forEach(function (row) {
          row.checked = box.checked;
        });
      });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
})();

// The institution and user pickers (institutions/widgets.py, core/widgets.py): suggestions from the scoped JSON list in a
// <datalist>; the hidden input holds the id of the suggestion whose name was chosen.
(function () {
  "use strict";
  function attach(box) {
    var hidden = box.previousElementSibling;
    var list = document.getElementById(box.getAttribute("list"));
    var found = {};
    var timer = null;
    function pick() {
      hidden.value = Object.prototype.hasOwnProperty.call(found, box.value) ? found[box.value] : "";
    }
    box.addEventListener("input", function () {
      pick();
      clearTimeout(timer);
      // A suggestion reads "name（district）": search by the name.
      var query = box.value.trim().replace(/（[^（）]*）$/, "");
      if (query.length < 1 || hidden.value) return;
      timer = setTimeout(function () {
        fetch(box.dataset.picker + "?q=" + encodeURIComponent(query), {credentials: "same-origin"})
          .then(function (r) { return r.ok ? r.json() : {results: []}; })
          .then(function (data) {
            list.textContent = "";
            found = {};
            data.results.forEach(function (row) {
              // An institution's district, or a person's user name (core.widgets.UserPicker).
              var text = row.text + "（" + (row.detail || row.district) + "）";
              found[text] = String(row.id);
              var option = document.createElement("option");
              option.value = text;
              list.appendChild(option);
            });
            pick();
          });
      }, 200);
    });
    box.addEventListener("change", pick);
    if (box.value && hidden.value) found[box.value] = hidden.value;
  }
  function ready() {
    document.querySelectorAll("input[data-picker]").forEach(attach);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
})();
