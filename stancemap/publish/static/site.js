// Progressive extras for the matrix page: filter parties and issues, search the quotes.
// The page reads fully without this file; nothing here fetches from another host.
"use strict";
(function () {
  const matrix = document.getElementById("matrix");
  const controls = document.getElementById("controls");
  if (!matrix || !controls) return;
  controls.hidden = false;

  const parties = document.getElementById("filter-parties");
  const issues = document.getElementById("filter-issues");
  const headers = Array.from(matrix.querySelectorAll("thead th[data-party]"));
  const rows = Array.from(matrix.tBodies[0].rows);
  const hiddenColumns = document.createElement("style");
  document.head.appendChild(hiddenColumns);

  function matches(text, query) {
    return !query || text.toLowerCase().includes(query);
  }

  function filter() {
    const party = parties.value.trim().toLowerCase();
    const issue = issues.value.trim().toLowerCase();
    // One CSS rule per hidden column: far cheaper than touching every cell.
    const rules = [];
    headers.forEach(function (th, i) {
      if (!matches(th.textContent, party)) rules.push("#matrix tr > :nth-child(" + (i + 2) + ")");
    });
    hiddenColumns.textContent = rules.length ? rules.join(",") + "{display:none}" : "";
    rows.forEach(function (tr) {
      tr.hidden = !matches(tr.cells[0].textContent, issue);
    });
  }
  parties.addEventListener("input", filter);
  issues.addEventListener("input", filter);

  // The quote index is a script file, not JSON, so it loads from file:// too; only on the first search.
  const search = document.getElementById("search-quotes");
  const results = document.getElementById("search-results");
  const LIMIT = 50;
  let loading = false;

  function show() {
    const data = window.stancemapQuotes;
    const query = search.value.trim().toLowerCase();
    results.replaceChildren();
    if (!data || query.length < 2) return;
    const found = data.quotes.filter(function (q) { return q[1].toLowerCase().includes(query); });
    const summary = document.createElement("p");
    summary.textContent = found.length + " quote" + (found.length === 1 ? "" : "s") +
      (found.length > LIMIT ? " (first " + LIMIT + " shown)" : "");
    const list = document.createElement("ol");
    found.slice(0, LIMIT).forEach(function (q) {
      const cell = data.cells[q[0]];
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = cell[2];
      link.textContent = cell[0] + " on " + cell[1];
      item.append(link, " — " + q[2] + ": “" + q[1] + "”");
      list.appendChild(item);
    });
    results.append(summary, list);
  }

  search.addEventListener("input", function () {
    if (window.stancemapQuotes || loading) { show(); return; }
    loading = true;
    const script = document.createElement("script");
    script.src = "data/quotes.js";
    script.onload = show;
    document.head.appendChild(script);
  });
})();
