(function () {
  "use strict";
  var state = { tags: new Set(), statuses: new Set(), text: "" };
  var search = document.getElementById("search");
  var shown = document.getElementById("shown");
  var articles = Array.prototype.slice.call(document.querySelectorAll("article.scenario"));

  function filtering() {
    return state.tags.size > 0 || state.statuses.size > 0 || state.text !== "";
  }

  // A case (a scenario, or one row of an outline) passes when it carries every chosen tag
  // and, if statuses are chosen, one of them.
  function passes(element) {
    var tags = element.dataset.tags ? element.dataset.tags.split(" ") : [];
    var ok = true;
    state.tags.forEach(function (tag) { if (tags.indexOf(tag) < 0) { ok = false; } });
    return ok && (state.statuses.size === 0 || state.statuses.has(element.dataset.status));
  }

  // Counts cases, as the totals do: an outline counts once per visible row.
  function apply() {
    var count = 0;
    var total = 0;
    articles.forEach(function (article) {
      var textOk = state.text === "" || article.textContent.toLowerCase().indexOf(state.text) >= 0;
      var rows = article.querySelectorAll("tr.row");
      var visible = 0;
      if (article.classList.contains("outline")) {
        rows.forEach(function (row) {
          var ok = textOk && passes(row);
          row.hidden = !ok;
          row.nextElementSibling.hidden = !ok;
          if (ok) { visible += 1; }
        });
        total += rows.length;
      } else {
        visible = textOk && passes(article) ? 1 : 0;
        total += 1;
      }
      article.hidden = visible === 0;
      count += visible;
    });
    document.querySelectorAll("section.rule, section.feature").forEach(function (section) {
      section.hidden = filtering() && !section.querySelector("article.scenario:not([hidden])");
    });
    shown.textContent = count + " of " + total + " scenarios shown";
  }

  function toggle(button, set, value) {
    var on = button.getAttribute("aria-pressed") !== "true";
    button.setAttribute("aria-pressed", on ? "true" : "false");
    if (on) { set.add(value); } else { set.delete(value); }
    apply();
  }

  function clear() {
    state.tags.clear();
    state.statuses.clear();
    state.text = "";
    search.value = "";
    document.querySelectorAll("[aria-pressed]").forEach(function (b) { b.setAttribute("aria-pressed", "false"); });
    apply();
  }

  document.querySelectorAll("button[data-tag]").forEach(function (button) {
    button.addEventListener("click", function () { toggle(button, state.tags, button.dataset.tag); });
  });
  document.querySelectorAll("button[data-status-filter]").forEach(function (button) {
    button.addEventListener("click", function () { toggle(button, state.statuses, button.dataset.statusFilter); });
  });
  search.addEventListener("input", function () { state.text = search.value.trim().toLowerCase(); apply(); });
  document.getElementById("clear").addEventListener("click", clear);
  document.addEventListener("keydown", function (event) {
    if (event.key === "/" && document.activeElement !== search) { event.preventDefault(); search.focus(); }
  });

  // A link from the coverage table must land on its scenario even when filters hide it.
  function reveal() {
    var target = location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (!target) { return; }
    if (target.closest("[hidden]")) { clear(); }
    for (var node = target; node; node = node.parentElement) {
      if (node.tagName === "DETAILS") { node.open = true; }
    }
    var detail = target.tagName === "TR" && target.nextElementSibling;
    if (detail) { detail.querySelectorAll("details").forEach(function (d) { d.open = true; }); }
    target.scrollIntoView();
  }
  window.addEventListener("hashchange", reveal);
  apply();
  reveal();
})();
