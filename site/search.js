// Client-side search for the home page. The page works without this file (it lists recent
// packages); with it, the search form appears and filters -/search.json in the browser.
// No dependencies, no build step: the site must work from any static host, offline.
(function () {
  "use strict";

  var form = document.querySelector("form.search[data-index]");
  if (!form || !window.fetch) return;

  var input = form.querySelector("input[type=search]");
  var status = form.querySelector(".status");
  var results = form.querySelector("#results");
  var recent = document.getElementById("recent");
  var base = form.getAttribute("data-base") || "";
  var indexUrl = form.getAttribute("data-index");
  var limit = 50;
  var loading = null;

  // The index is fetched once, on first use, so visitors who never search never pay for it.
  function load() {
    if (!loading) {
      loading = fetch(indexUrl, { headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) throw new Error("HTTP " + response.status);
          return response.json();
        })
        .then(function (doc) {
          return (doc.packages || []).map(function (p) {
            var haystack = [p.name, p.description]
              .concat(p.tags || [], p.provider || [])
              .join("\n")
              .toLowerCase();
            return { p: p, name: p.name.toLowerCase(), haystack: haystack };
          });
        });
      loading.catch(function () {
        loading = null; // let the next keystroke retry
      });
    }
    return loading;
  }

  // Exact name first, then name prefix, then name substring, then any other field; every
  // word of the query must appear somewhere.
  function rank(item, query, words) {
    for (var i = 0; i < words.length; i++) {
      if (item.haystack.indexOf(words[i]) < 0) return -1;
    }
    if (item.name === query) return 0;
    if (item.name.indexOf(query) === 0) return 1;
    if (item.name.indexOf(query) > 0) return 2;
    return 3;
  }

  function search(items, raw) {
    var query = raw.trim().toLowerCase();
    var words = query.split(/\s+/);
    var hits = [];
    items.forEach(function (item) {
      var r = rank(item, query, words);
      if (r >= 0) hits.push({ rank: r, item: item });
    });
    hits.sort(function (a, b) {
      return a.rank - b.rank || (a.item.name < b.item.name ? -1 : a.item.name > b.item.name ? 1 : 0);
    });
    return hits.map(function (hit) {
      return hit.item.p;
    });
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text != null) node.textContent = text;
    return node;
  }

  // The same markup as the server-rendered list, so one stylesheet serves both.
  function item(p) {
    var li = el("li");
    var row = el("div", "row");
    var link = el("a", "name", p.name);
    // A protocol may name its own page (npm: "npm/{name}/-/"); Serverless pages are "{name}/".
    link.href = base + "/" + (p.page || encodeURIComponent(p.name) + "/");
    row.appendChild(link);
    if (p.latest) row.appendChild(el("span", "version", p.latest));
    row.appendChild(el("span", "kind", p.type));
    if (p.updated) {
      var time = el("time", null, String(p.updated).slice(0, 10));
      time.setAttribute("datetime", p.updated);
      row.appendChild(time);
    }
    li.appendChild(row);
    if (p.description) li.appendChild(el("p", null, p.description));
    return li;
  }

  function show(raw) {
    var query = raw.trim();
    if (!query) {
      results.hidden = true;
      results.textContent = "";
      status.textContent = "";
      if (recent) recent.hidden = false;
      return;
    }
    load().then(
      function (items) {
        if (input.value.trim() !== query) return; // a newer keystroke wins
        var hits = search(items, query);
        results.textContent = "";
        hits.slice(0, limit).forEach(function (p) {
          results.appendChild(item(p));
        });
        results.hidden = hits.length === 0;
        if (recent) recent.hidden = true;
        status.textContent =
          hits.length === 0
            ? "No packages match \u201c" + query + "\u201d."
            : hits.length > limit
              ? "Showing " + limit + " of " + hits.length + " matches."
              : hits.length + (hits.length === 1 ? " match." : " matches.");
      },
      function (error) {
        status.textContent = "Search is unavailable: " + error.message;
      }
    );
  }

  function remember(query) {
    if (!window.history || !history.replaceState) return;
    var url = new URL(window.location.href);
    if (query.trim()) url.searchParams.set("q", query.trim());
    else url.searchParams.delete("q");
    history.replaceState(null, "", url);
  }

  form.hidden = false;
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    show(input.value);
  });
  input.addEventListener("input", function () {
    show(input.value);
    remember(input.value);
  });
  input.addEventListener("focus", function () {
    load().catch(function () {});
  });
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    var typing = target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
    if (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      input.focus();
    }
  });

  var initial = new URLSearchParams(window.location.search).get("q");
  if (initial) {
    input.value = initial;
    show(initial);
  }
})();
