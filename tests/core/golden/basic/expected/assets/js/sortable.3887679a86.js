/* Sortable statistics tables: every <table data-sortable> gets a sort button in each column
   heading that has data-sort-type. Cells carry their raw value in data-sort; empty values stay
   last in both directions. The tables are complete without this script. */
(function () {
  "use strict";

  var collator = new Intl.Collator(document.documentElement.lang || "vi", { sensitivity: "base", numeric: true });

  function cellValue(row, index) {
    var cell = row.cells[index];
    if (!cell) return "";
    var raw = cell.getAttribute("data-sort");
    return raw === null ? cell.textContent.trim() : raw;
  }

  function compare(a, b, type) {
    if (a === "" || b === "") return a === b ? 0 : (a === "" ? 1 : -1);
    if (type === "number") return parseFloat(a) - parseFloat(b);
    return collator.compare(a, b);
  }

  function sortBy(table, heading, index, direction) {
    var body = table.tBodies[0];
    var type = heading.getAttribute("data-sort-type");
    var rows = Array.prototype.slice.call(body.rows).map(function (row, position) {
      return { row: row, value: cellValue(row, index), position: position };
    });
    rows.sort(function (x, y) {
      var empty = (x.value === "") - (y.value === "");
      if (empty) return empty; // empty cells last whatever the direction
      var order = compare(x.value, y.value, type) * direction;
      return order || x.position - y.position;
    });
    rows.forEach(function (item) { body.appendChild(item.row); });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) { th.removeAttribute("aria-sort"); });
    heading.setAttribute("aria-sort", direction > 0 ? "ascending" : "descending");
    table.classList.toggle("stats-table--sorted", index !== 0);
  }

  function enhance(table) {
    if (!table.tHead || !table.tBodies.length) return;
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (heading, index) {
      if (!heading.hasAttribute("data-sort-type")) return;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "stats-sort";
      while (heading.firstChild) button.appendChild(heading.firstChild);
      heading.appendChild(button);
      button.addEventListener("click", function () {
        var ascending = heading.getAttribute("aria-sort") === "ascending";
        sortBy(table, heading, index, ascending ? -1 : 1);
      });
    });
    var hint = table.closest("main") && table.closest("main").querySelector("[data-sort-hint]");
    if (hint) hint.hidden = false;
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("table[data-sortable]"), enhance);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
