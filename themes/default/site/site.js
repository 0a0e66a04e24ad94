// shenbao site: findings filters and full-text search. No network, no
// innerHTML with document text: results are built from text nodes.
(function () {
  "use strict";

  function filters() {
    var sev = document.getElementById("f-severity");
    var rule = document.getElementById("f-rule");
    if (!sev || !rule) return;
    var rows = document.querySelectorAll(".findings-table tbody tr");
    var count = document.getElementById("f-count");
    function apply() {
      var shown = 0;
      rows.forEach(function (r) {
        var ok = (!sev.value || r.dataset.severity === sev.value) && (!rule.value || r.dataset.rule === rule.value);
        r.hidden = !ok;
        if (ok) shown++;
      });
      if (count) count.textContent = "显示 " + shown + " 条";
    }
    sev.addEventListener("change", apply);
    rule.addEventListener("change", apply);
    apply();
  }

  // Substring search works for Chinese, which has no spaces between words:
  // every term must occur in a section; more occurrences rank higher.
  function search(entries, query) {
    var terms = query.toLowerCase().split(/\s+/).filter(function (t) { return t.length > 0; });
    if (!terms.length) return [];
    var hits = [];
    entries.forEach(function (e) {
      var hay = (e.t + "\n" + e.x).toLowerCase();
      var score = 0;
      for (var i = 0; i < terms.length; i++) {
        var n = 0, at = hay.indexOf(terms[i]);
        if (at < 0) return;
        while (at >= 0) { n++; at = hay.indexOf(terms[i], at + terms[i].length); }
        score += n + (e.t.toLowerCase().indexOf(terms[i]) >= 0 ? 10 : 0);
      }
      hits.push({ e: e, score: score });
    });
    hits.sort(function (a, b) { return b.score - a.score; });
    return hits.slice(0, 50).map(function (h) { return { e: h.e, terms: terms }; });
  }

  function excerpt(text, terms) {
    var low = text.toLowerCase(), first = -1;
    terms.forEach(function (t) { var i = low.indexOf(t); if (i >= 0 && (first < 0 || i < first)) first = i; });
    var start = Math.max(0, first - 40), end = Math.min(text.length, first + 80);
    return (start > 0 ? "…" : "") + text.slice(start, end) + (end < text.length ? "…" : "");
  }

  function highlighted(text, terms) {
    var frag = document.createDocumentFragment(), low = text.toLowerCase(), pos = 0;
    while (pos < text.length) {
      var next = -1, len = 0;
      terms.forEach(function (t) { var i = low.indexOf(t, pos); if (i >= 0 && (next < 0 || i < next)) { next = i; len = t.length; } });
      if (next < 0) { frag.appendChild(document.createTextNode(text.slice(pos))); break; }
      if (next > pos) frag.appendChild(document.createTextNode(text.slice(pos, next)));
      var m = document.createElement("mark");
      m.textContent = text.slice(next, next + len);
      frag.appendChild(m);
      pos = next + len;
    }
    return frag;
  }

  function searchPage() {
    var form = document.getElementById("search-form");
    var input = document.getElementById("q");
    var list = document.getElementById("results");
    var status = document.getElementById("search-status");
    if (!form || !input || !list) return;
    var entries = null;
    function run() {
      if (!entries) { status.textContent = "正在读取搜索数据……"; return; }
      var q = input.value.trim();
      while (list.firstChild) list.removeChild(list.firstChild);
      if (!q) { status.textContent = "共 " + entries.length + " 处可搜索（章节、附件、附表）。"; return; }
      var results = search(entries, q);
      status.textContent = results.length ? "找到 " + results.length + " 处" : "没有找到“" + q + "”";
      results.forEach(function (r) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = r.e.u;
        a.textContent = r.e.t || r.e.d;
        var where = document.createElement("div");
        where.className = "where";
        where.textContent = r.e.d;
        var p = document.createElement("p");
        p.appendChild(highlighted(excerpt(r.e.x, r.terms), r.terms));
        li.appendChild(a); li.appendChild(where); li.appendChild(p);
        list.appendChild(li);
      });
    }
    var params = new URLSearchParams(window.location.search);
    if (params.get("q")) input.value = params.get("q");
    input.addEventListener("input", run);
    form.addEventListener("submit", function (ev) { ev.preventDefault(); run(); });
    run();
    loadEntries(list.dataset.shards, function (loaded) {
      if (!loaded) { status.textContent = "搜索数据读取失败，请刷新页面重试。"; return; }
      entries = loaded;
      run();
    });
  }

  // Each document's search data is a shard. Served over HTTP (the preview,
  // a published site) it is fetched, so it never lands in a global variable
  // another site's page could read; opened from disk (file:), where fetch
  // is refused, the shards are loaded as scripts.
  function loadEntries(spec, done) {
    var urls = [];
    try { urls = JSON.parse(spec || "[]"); } catch (e) { urls = []; }
    if (location.protocol === "http:" || location.protocol === "https:") {
      Promise.all(urls.map(function (u) {
        return fetch(u, { credentials: "same-origin" }).then(function (r) {
          if (!r.ok) throw new Error(String(r.status));
          return r.text();
        }).then(function (text) {
          // The shard is `(…).push(...[…]);`: the JSON is the spread array.
          var a = text.indexOf("...[") + 3, b = text.lastIndexOf("]");
          return a < 3 || b < a ? [] : JSON.parse(text.slice(a, b + 1));
        });
      })).then(function (lists) { done([].concat.apply([], lists)); }, function () { done(null); });
      return;
    }
    var left = urls.length;
    if (!left) { done([]); return; }
    urls.forEach(function (u) {
      var s = document.createElement("script");
      s.src = u;
      s.onload = s.onerror = function () { if (--left === 0) done(window.SHENBAO_SEARCH || []); };
      document.body.appendChild(s);
    });
  }

  filters();
  searchPage();
})();
