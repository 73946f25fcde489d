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
    Array.prototype.forEach.call(table.tBodies, function (body) {
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
