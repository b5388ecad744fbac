(function () {
  "use strict";
  // The run travels as gzip-compressed JSON at the end of the page (html.py). Features and
  // scenario headings are drawn once it is read; a scenario's steps (and an outline's rows)
  // when it is opened. Filters and search work on the data, then touch only the elements whose
  // visibility changes: a run of 10,000 scenarios answers as quickly as one of ten.
  var container = document.getElementById("features");
  var search = document.getElementById("search");
  var shown = document.getElementById("shown");
  var state = { tags: new Set(), statuses: new Set(), text: "" };
  var data = null;
  var scenarios = []; // {data, feature, rule, element, cases: [numbers], outline, text, hidden}
  var features = []; // {element, scenarios: [scenario], rules: [{element, scenarios}], hidden}
  var byAnchor = {}; // case anchor -> its scenario, for links to rows not drawn yet
  var ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&#34;", "'": "&#39;" };

  function esc(text) {
    return String(text).replace(/[&<>"']/g, function (c) { return ESCAPES[c]; });
  }
  function slug(status) { return status.replace(" ", "-"); }
  // In the form html.format_duration writes them.
  function duration(seconds) {
    if (seconds < 1) { return Math.round(seconds * 1000) + " ms"; }
    if (seconds < 120) { return seconds.toFixed(2) + " s"; }
    return Math.floor(seconds / 60) + " min " + Math.round(seconds % 60) + " s";
  }

  function load() {
    var binary = atob(document.getElementById("livingdoc-data").textContent);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i += 1) { bytes[i] = binary.charCodeAt(i); }
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Response(stream).text().then(JSON.parse);
  }

  // --- drawing ---------------------------------------------------------------------------

  function tagList(tags) {
    if (!tags || !tags.length) { return ""; }
    return " <span class=\"tags\">" + tags.map(function (t) {
      return "<span class=\"tag\">" + esc(t) + "</span>";
    }).join("") + "</span>";
  }
  function badge(status) {
    return "<span class=\"badge st-" + slug(status) + "\">" + esc(status) + "</span>";
  }
  function bar(parts) {
    var label = parts.map(function (p) { return p[1] + " " + p[0].replace("-", " "); }).join(", ");
    return "<div class=\"bar\" role=\"img\" aria-label=\"" + esc(label) + "\">" + parts.map(function (p) {
      return "<span class=\"st-" + p[0] + "\" style=\"width:" + p[2] + "%\" title=\"" + p[1] + " " +
        p[0].replace("-", " ") + "\"></span>";
    }).join("") + "</div>";
  }
  function outlineText(text) {
    return esc(text).replace(/&lt;(.+?)&gt;/g, "<span class=\"param\">&lt;$1&gt;</span>");
  }
  function background(bg) {
    if (!bg) { return ""; }
    return "<div class=\"background\"><h4><span class=\"kw\">" + esc(bg.keyword) + ":</span> " +
      esc(bg.name) + "</h4><ol class=\"steps\">" + bg.steps.map(function (s) {
        return "<li class=\"step\"><span class=\"kw\">" + esc(s[0]) + "</span><span class=\"text\">" +
          esc(s[1]) + "</span></li>";
      }).join("") + "</ol></div>";
  }
  function opens(status) { return status === "failed" || status === "undefined"; }

  function scenarioHead(number, scenario) {
    var single = scenario.cases ? data.cases[scenario.cases[0]] : null;
    return "<article class=\"scenario" + (scenario.examples ? " outline" : "") + " st-" +
      slug(scenario.status) + "\" id=\"" + esc(scenario.anchor) + "\"><details data-scenario=\"" +
      number + "\"" + (opens(scenario.status) ? " open" : "") + "><summary>" + badge(scenario.status) +
      " <span class=\"kw\">" + esc(scenario.keyword) + ":</span> <span class=\"name\">" +
      esc(scenario.name) + "</span>" + tagList(scenario.tags) +
      (single && single.duration !== undefined ? " <span class=\"dur\">" + duration(single.duration) + "</span>" : "") +
      "</summary></details></article>";
  }

  function scenarioBody(scenario) {
    var html = scenario.description ? "<p class=\"desc\">" + esc(scenario.description) + "</p>" : "";
    if (!scenario.examples) { return html + caseBody(data.cases[scenario.cases[0]]); }
    html += "<ol class=\"steps template\">" + scenario.steps.map(function (s) {
      return "<li class=\"step\"><span class=\"kw\">" + esc(s[0]) + "</span><span class=\"text\">" +
        outlineText(s[1]) + "</span></li>";
    }).join("") + "</ol>";
    scenario.examples.forEach(function (examples) {
      html += "<div class=\"examples\"><h5><span class=\"kw\">" + esc(examples.keyword) + ":</span> " +
        esc(examples.name) + tagList(examples.tags) + "</h5>" +
        (examples.description ? "<p class=\"desc\">" + esc(examples.description) + "</p>" : "") +
        "<table class=\"rows\"><thead><tr><th></th>" + examples.header.map(function (h) {
          return "<th>" + esc(h) + "</th>";
        }).join("") + "</tr></thead><tbody>" + examples.cases.map(function (number) {
          var c = data.cases[number];
          var hidden = passes(c) ? "" : " hidden";
          return "<tr class=\"row st-" + slug(c.status) + "\" id=\"" + esc(c.anchor) + "\" data-case=\"" +
            number + "\"" + hidden + "><td>" + badge(c.status) + "</td>" + c.values.map(function (v) {
              return "<td>" + esc(v) + "</td>";
            }).join("") + "</tr><tr class=\"row-detail\"" + hidden + "><td colspan=\"" +
            (examples.header.length + 1) + "\"><details data-case=\"" + number + "\"" +
            (opens(c.status) ? " open" : "") + "><summary>" + esc(c.name) +
            (c.duration !== undefined ? " <span class=\"dur\">" + duration(c.duration) + "</span>" : "") +
            "</summary></details></td></tr>";
        }).join("") + "</tbody></table></div>";
    });
    return html;
  }

  // A step: [keyword, text, status, duration, message, definition, background, doc, table].
  function caseBody(c) {
    var html = "<ol class=\"steps\">" + c.steps.map(function (s) {
      var status = s[2];
      return "<li class=\"step st-" + slug(status) + (s[6] ? " bg" : "") + "\"" +
        (s[5] ? " title=\"" + esc(s[5]) + "\"" : "") + "><span class=\"sym\" aria-label=\"" + esc(status) +
        "\">" + data.symbols[status] + "</span><span class=\"kw\">" + esc(s[0]) +
        "</span><span class=\"text\">" + esc(s[1]) + "</span>" +
        (s[3] ? "<span class=\"dur\">" + duration(s[3]) + "</span>" : "") +
        (s[7] !== undefined && s[7] !== null ? "<pre class=\"doc\">" + esc(s[7]) + "</pre>" : "") +
        (s[8] ? "<table class=\"data\">" + s[8].map(function (row) {
          return "<tr>" + row.map(function (cell) { return "<td>" + esc(cell) + "</td>"; }).join("") + "</tr>";
        }).join("") + "</table>" : "") +
        (s[4] ? "<pre class=\"msg\">" + esc(s[4]) + "</pre>" : "") + "</li>";
    }).join("") + "</ol>";
    if (c.message) {
      html += "<pre class=\"msg st-" + slug(c.status) + "\">" + (c.phase ? "[" + esc(c.phase) + "] " : "") +
        esc(c.message) + "</pre>";
    }
    if (c.api) {
      html += "<p class=\"api\">API: " + c.api.map(function (call) {
        return "<code>" + esc(call) + "</code>";
      }).join("") + "</p>";
    }
    if (c.nodeid) { html += "<p class=\"nodeid\"><code>" + esc(c.nodeid) + "</code></p>"; }
    return html;
  }

  function draw() {
    var html = [];
    var number = 0;
    data.features.forEach(function (feature) {
      var unit = { element: null, scenarios: [], rules: [], hidden: false };
      features.push(unit);
      html.push("<section class=\"feature\" id=\"" + esc(feature.anchor) + "\"><h2><span class=\"kw\">" +
        esc(feature.keyword) + ":</span> " + esc(feature.name) + tagList(feature.tags) + "</h2>" +
        "<p class=\"path\"><code>" + esc(feature.path) + "</code> &middot; " + feature.cases + " scenario" +
        (feature.cases === 1 ? "" : "s") + "</p>" +
        (feature.unbound ? "<p class=\"warn\">No test module binds this feature file: its scenarios never run.</p>" : "") +
        (feature.bar.length ? bar(feature.bar) : "") +
        (feature.description ? "<p class=\"desc narrative\">" + esc(feature.description) + "</p>" : "") +
        background(feature.background));
      function add(scenario, rule) {
        var cases = scenario.cases || [].concat.apply([], scenario.examples.map(function (e) { return e.cases; }));
        var entry = { data: scenario, feature: unit, rule: rule, element: null, cases: cases,
          outline: !!scenario.examples, text: null, hidden: false, drawn: false };
        scenarios.push(entry);
        unit.scenarios.push(entry);
        if (rule) { rule.scenarios.push(entry); }
        cases.forEach(function (c) { byAnchor[data.cases[c].anchor] = entry; });
        html.push(scenarioHead(number, scenario));
        number += 1;
      }
      feature.children.forEach(function (child) {
        if (child.rule) {
          var rule = { element: null, scenarios: [], hidden: false };
          unit.rules.push(rule);
          html.push("<section class=\"rule\"><h3><span class=\"kw\">" + esc(child.keyword) + ":</span> " +
            esc(child.name) + tagList(child.tags) + "</h3>" +
            (child.description ? "<p class=\"desc\">" + esc(child.description) + "</p>" : "") +
            background(child.background));
          child.scenarios.forEach(function (s) { add(s, rule); });
          html.push("</section>");
        } else {
          add(child, null);
        }
      });
      html.push("</section>");
    });
    container.innerHTML = html.join("");
    container.removeAttribute("aria-busy");
    var sections = container.querySelectorAll("section.feature");
    features.forEach(function (unit, i) { unit.element = sections[i]; });
    var rules = container.querySelectorAll("section.rule");
    var r = 0;
    features.forEach(function (unit) { unit.rules.forEach(function (rule) { rule.element = rules[r]; r += 1; }); });
    var articles = container.querySelectorAll("article.scenario");
    scenarios.forEach(function (entry, i) { entry.element = articles[i]; });
    container.querySelectorAll("details[open]").forEach(fill);
  }

  // Draws what a details element holds the first time it opens.
  function fill(details) {
    if (details.dataset.filled) { return; }
    details.dataset.filled = "1";
    var html;
    if (details.dataset.scenario !== undefined) {
      var entry = scenarios[+details.dataset.scenario];
      html = scenarioBody(entry.data);
      entry.drawn = true;
    } else if (details.dataset.case !== undefined) {
      html = caseBody(data.cases[+details.dataset.case]);
    } else if (details.dataset.cases !== undefined) {
      html = "<ul>" + details.dataset.cases.split(",").map(function (n) {
        var c = data.cases[+n];
        return "<li><a href=\"#" + esc(c.anchor) + "\">" + esc(c.name) + "</a></li>";
      }).join("") + "</ul>";
    } else {
      return;
    }
    details.insertAdjacentHTML("beforeend", html);
    details.querySelectorAll(":scope details[open]").forEach(fill);
  }

  // --- filters -----------------------------------------------------------------------------

  function filtering() {
    return state.tags.size > 0 || state.statuses.size > 0 || state.text !== "";
  }

  // A case passes when it carries every chosen tag and, if statuses are chosen, one of them.
  function passes(c) {
    var ok = true;
    state.tags.forEach(function (tag) { if (c.tags.indexOf(tag) < 0) { ok = false; } });
    return ok && (state.statuses.size === 0 || state.statuses.has(c.status));
  }

  // What the search looks in: everything the scenario shows, drawn or not.
  function searchText(entry) {
    var s = entry.data;
    var parts = [s.keyword, s.name, s.description || "", s.status, (s.tags || []).join(" ")];
    if (s.steps) { s.steps.forEach(function (step) { parts.push(step[0] + step[1]); }); }
    (s.examples || []).forEach(function (e) { parts.push(e.keyword, e.name, e.header.join(" ")); });
    entry.cases.forEach(function (n) {
      var c = data.cases[n];
      parts.push(c.name, c.status, c.nodeid || "", c.message || "", (c.values || []).join(" "),
        (c.api || []).join(" "));
      c.steps.forEach(function (step) { parts.push(step[0] + step[1], step[4] || ""); });
    });
    return parts.join("\n").toLowerCase();
  }

  function setHidden(element, hidden) {
    if (element.hidden !== hidden) { element.hidden = hidden; }
  }

  // Counts cases, as the totals do: an outline counts once per visible row.
  function apply() {
    var count = 0;
    var total = data.cases.length;
    var any = filtering();
    scenarios.forEach(function (entry) {
      if (state.text !== "" && entry.text === null) { entry.text = searchText(entry); }
      var textOk = state.text === "" || entry.text.indexOf(state.text) >= 0;
      var visible = 0;
      entry.cases.forEach(function (n) {
        var ok = textOk && passes(data.cases[n]);
        if (ok) { visible += 1; }
        if (entry.outline && entry.drawn) {
          var row = document.getElementById(data.cases[n].anchor);
          setHidden(row, !ok);
          setHidden(row.nextElementSibling, !ok);
        }
      });
      count += visible;
      entry.hidden = visible === 0;
      setHidden(entry.element, entry.hidden);
    });
    features.forEach(function (unit) {
      unit.rules.forEach(function (rule) {
        setHidden(rule.element, any && rule.scenarios.every(function (e) { return e.hidden; }));
      });
      setHidden(unit.element, any && unit.scenarios.every(function (e) { return e.hidden; }));
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

  // A link (from the coverage table, or into the page) lands on its scenario, or outline row,
  // even when it is not drawn yet or the filters hide it.
  function reveal() {
    var id = location.hash && decodeURIComponent(location.hash.slice(1));
    if (!id) { return; }
    var target = document.getElementById(id);
    if (!target && byAnchor[id]) {
      var details = byAnchor[id].element.querySelector("details");
      details.open = true;
      fill(details);
      target = document.getElementById(id);
    }
    if (!target) { return; }
    if (target.closest("[hidden]")) { clear(); }
    for (var node = target; node; node = node.parentElement) {
      if (node.tagName === "DETAILS" && !node.open) { node.open = true; fill(node); }
    }
    var detail = target.tagName === "TR" && target.nextElementSibling;
    if (detail) {
      detail.querySelectorAll("details").forEach(function (d) { d.open = true; fill(d); });
    }
    target.scrollIntoView();
  }

  function start(loaded) {
    data = loaded;
    draw();
    // "toggle" does not bubble: one listener, capturing, serves every details element.
    document.addEventListener("toggle", function (event) {
      if (event.target.tagName === "DETAILS" && event.target.open) { fill(event.target); }
    }, true);
    document.querySelectorAll("details.cases[open]").forEach(fill); // opened while loading
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
    window.addEventListener("hashchange", reveal);
    apply();
    reveal();
    document.documentElement.dataset.ready = "true"; // for tests and benchmarks: drawn, filters on
  }

  load().then(start, function (error) {
    container.removeAttribute("aria-busy");
    container.innerHTML = "<p class=\"warn\">This browser cannot read the page's data (" + esc(error) +
      "): it needs DecompressionStream (Chrome 80, Firefox 113, Safari 16.4 or later).</p>";
  });
})();
