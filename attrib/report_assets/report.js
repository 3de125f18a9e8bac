/* attrib report, index page: loads data/meta.js, then the data shards (script tags: file:// allows no fetch),
   draws the tables and filters them. No request leaves the machine. */
"use strict";
var ATTRIB = (function () {
  var KINDS = ["speakers", "claims", "stances", "articles"];  // loaded when the page opens
  var TABLES = KINDS.concat(["quotes"]);  // the quotes when a search or speaker asks for them
  var PAGE = 100;
  var meta = null;
  var data = {speakers: [], claims: [], stances: [], articles: [], quotes: []};
  var loaded = {speakers: 0, claims: 0, stances: 0, articles: 0, quotes: 0};
  var shown = {speakers: PAGE, claims: PAGE, stances: PAGE, articles: PAGE, quotes: PAGE};
  var quotesWanted = false;
  var timer = null;

  function $(id) { return document.getElementById(id); }
  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    if (attrs) { for (var k in attrs) { if (attrs[k] !== null && attrs[k] !== undefined) e.setAttribute(k, attrs[k]); } }
    (children || []).forEach(function (c) {
      e.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return e;
  }
  function chip(cls) { return el("span", {"class": "chip " + cls, "aria-hidden": "true"}); }
  function fmt(n) { return Number(n).toLocaleString("en"); }
  function low(s) { return (s || "").toLowerCase(); }

  function loadShard(kind, n, done) {
    var s = document.createElement("script");
    s.src = "data/" + kind + "-" + String(n).padStart(4, "0") + ".js";
    s.onload = done;
    s.onerror = function () { $("loading").textContent = "Could not load " + s.src + "."; };
    document.body.appendChild(s);
  }

  function setMeta(m) {
    meta = m;
    var c = m.types || {};
    $("counts").textContent = fmt(m.articles) + " articles, " + fmt(m.quotes) + " quotes (direct " +
      fmt(c.direct || 0) + ", indirect " + fmt(c.indirect || 0) + ", mixed " + fmt(c.mixed || 0) + "), " +
      fmt(m.speakers) + " speakers.";
    var aff = $("f-affiliation"), out = $("f-outlet");
    m.affiliations.forEach(function (a) { aff.appendChild(el("option", null, [a])); });
    m.outlets.forEach(function (o) { out.appendChild(el("option", null, [o])); });
    var legend = $("legend");
    m.palette.forEach(function (p) { legend.appendChild(el("li", null, [chip(p.cls), p.top])); });
    legend.appendChild(el("li", null, [chip("cx"), "other affiliations"]));
    legend.appendChild(el("li", null, [chip("cn"), "none"]));
    wire();
    // the first shard of each table first, then the rest one after another
    var pending = KINDS.length;
    KINDS.forEach(function (kind) {
      loadShard(kind, 0, function () { if (--pending === 0) { render(); loadRest(); } });
    });
  }

  function loadRest() {
    var queue = [];
    KINDS.forEach(function (kind) { for (var i = 1; i < meta.shards[kind]; i++) queue.push([kind, i]); });
    var total = queue.length;
    function next() {
      if (!queue.length) { $("loading").textContent = ""; render(); document.body.setAttribute("data-loaded", "all"); return; }
      var job = queue.shift();
      $("loading").textContent = "Loading data: " + (total - queue.length) + " of " + total + " parts…";
      loadShard(job[0], job[1], function () { schedule(); next(); });
    }
    next();
  }

  function addShard(kind, n, rows) {
    Array.prototype.push.apply(data[kind], rows);
    loaded[kind]++;
  }

  function schedule() { if (!timer) timer = setTimeout(function () { timer = null; render(); }, 250); }

  function filters() {
    return {search: low($("f-search").value.trim()), speaker: low($("f-speaker").value.trim()),
            affiliation: $("f-affiliation").value, type: $("f-type").value, outlet: $("f-outlet").value};
  }

  var TYPE_INDEX = {direct: 0, indirect: 1, mixed: 2};
  var match = {
    // [name, id, kind, role, affiliation, top, colour, quotes, articles, [d, i, m], outlets]
    speakers: function (r, f) {
      return (!f.speaker || low(r[0]).indexOf(f.speaker) >= 0) &&
        (!f.affiliation || r[4] === f.affiliation || r[5] === f.affiliation) &&
        (!f.type || r[9][TYPE_INDEX[f.type]] > 0) && (!f.outlet || r[10].indexOf(f.outlet) >= 0) &&
        (!f.search || low(r[0] + " " + r[3] + " " + r[4]).indexOf(f.search) >= 0);
    },
    // [page, speaker, affiliation, top, colour, type, text, reports, articles, outlets]
    claims: function (r, f) {
      return (!f.speaker || low(r[1]).indexOf(f.speaker) >= 0) &&
        (!f.affiliation || r[2] === f.affiliation || r[3] === f.affiliation) &&
        (!f.type || r[5] === f.type) && (!f.outlet || r[9].indexOf(f.outlet) >= 0) &&
        (!f.search || low(r[6] + " " + r[1]).indexOf(f.search) >= 0);
    },
    // [speaker, top, colour, relation, target, target colour, stances, articles, page]
    stances: function (r, f) {
      return (!f.speaker || low(r[0] + " " + r[4]).indexOf(f.speaker) >= 0) &&
        (!f.affiliation || r[1] === f.affiliation || r[4] === f.affiliation) &&
        (!f.search || low(r[0] + " " + r[4]).indexOf(f.search) >= 0);
    },
    // [page#quote, speaker, colour, affiliation, top, type, outlets, text]
    quotes: function (r, f) {
      return (!f.speaker || low(r[1]).indexOf(f.speaker) >= 0) &&
        (!f.affiliation || r[3] === f.affiliation || r[4] === f.affiliation) &&
        (!f.type || r[5] === f.type) && (!f.outlet || r[6].indexOf(f.outlet) >= 0) &&
        (!f.search || low(r[7]).indexOf(f.search) >= 0);
    },
    // [page, doc id, title, outlet, date, quotes, speakers, tops, types]
    articles: function (r, f) {
      return (!f.speaker || r[6].some(function (s) { return low(s).indexOf(f.speaker) >= 0; })) &&
        (!f.affiliation || r[7].indexOf(f.affiliation) >= 0) && (!f.type || r[8].indexOf(f.type[0]) >= 0) &&
        (!f.outlet || r[3] === f.outlet) &&
        (!f.search || low(r[2] + " " + r[1] + " " + r[6].join(" ")).indexOf(f.search) >= 0);
    }
  };

  function speakerButton(name, cls) {
    var b = el("button", {type: "button", "class": "link", title: "show only " + name}, [chip(cls), name]);
    b.addEventListener("click", function () { $("f-speaker").value = name; reset(); render(); });
    return b;
  }

  var row = {
    speakers: function (r) {
      return el("tr", null, [el("td", null, [speakerButton(r[0], r[6])]), el("td", null, [r[2] || ""]),
        el("td", null, [r[3] || ""]), el("td", null, [r[4] || ""]), el("td", {"class": "num"}, [fmt(r[7])]),
        el("td", {"class": "num"}, [fmt(r[8])]), el("td", null, [r[10].slice(0, 5).join(", ")])]);
    },
    claims: function (r) {
      var text = r[6].length > 220 ? r[6].slice(0, 220) + "…" : r[6];
      return el("tr", null, [el("td", null, [el("a", {href: r[0]}, [text])]),
        el("td", null, [chip(r[4]), r[1] || "unknown speaker"]), el("td", null, [r[5] || ""]),
        el("td", {"class": "num"}, [fmt(r[7])]), el("td", null, [r[9].slice(0, 5).join(", ")])]);
    },
    stances: function (r) {
      return el("tr", null, [el("td", null, [chip(r[2]), r[0]]),
        el("td", null, [r[8] ? el("a", {href: r[8]}, [r[3]]) : r[3]]), el("td", null, [chip(r[5]), r[4]]),
        el("td", {"class": "num"}, [fmt(r[6])]), el("td", {"class": "num"}, [fmt(r[7])])]);
    },
    quotes: function (r) {
      return el("tr", null, [el("td", null, [el("a", {href: r[0]}, [r[7]])]),
        el("td", null, [chip(r[2]), r[1] || "unknown speaker"]), el("td", null, [r[5] || ""]),
        el("td", null, [r[6].join(", ")])]);
    },
    articles: function (r) {
      return el("tr", null, [el("td", null, [el("a", {href: r[0]}, [r[2] || r[1]])]), el("td", null, [r[3] || ""]),
        el("td", null, [r[4] || ""]), el("td", {"class": "num"}, [fmt(r[5])]),
        el("td", null, [r[6].slice(0, 6).join(", ")])]);
    }
  };

  // the quotes (a shard per 2,000) load the first time a search or a speaker asks for them
  function loadQuotes() {
    quotesWanted = true;
    var n = 0;
    function next() {
      if (n >= meta.shards.quotes) { render(); document.body.setAttribute("data-quotes", "loaded"); return; }
      $("s-quotes").textContent = "Loading quotes: " + (n + 1) + " of " + meta.shards.quotes + " parts…";
      loadShard("quotes", n++, function () { schedule(); next(); });
    }
    next();
  }

  function render() {
    var f = filters();
    var wantQuotes = Boolean(f.search || f.speaker);
    if (wantQuotes && !quotesWanted) loadQuotes();
    TABLES.forEach(function (kind) {
      if (kind === "quotes" && !wantQuotes) {
        $("t-quotes").replaceChildren();
        $("s-quotes").textContent = "Type a search or a speaker to list their quotes.";
        document.querySelector('.more[data-table="quotes"]').hidden = true;
        return;
      }
      var body = $("t-" + kind), rows = data[kind], hits = 0, frag = document.createDocumentFragment();
      for (var i = 0; i < rows.length; i++) {
        if (match[kind](rows[i], f)) {
          if (hits < shown[kind]) frag.appendChild(row[kind](rows[i]));
          hits++;
        }
      }
      body.replaceChildren(frag);
      var all = loaded[kind] >= meta.shards[kind];
      $("s-" + kind).textContent = "Showing " + fmt(Math.min(hits, shown[kind])) + " of " + fmt(hits) +
        " matching" + (all ? "." : " (still loading)."); 
      document.querySelector('.more[data-table="' + kind + '"]').hidden = hits <= shown[kind];
    });
  }

  function reset() { TABLES.forEach(function (k) { shown[k] = PAGE; }); }

  function wire() {
    var names = $("speaker-names");
    ["f-search", "f-speaker"].forEach(function (id) {
      $(id).addEventListener("input", function () { reset(); schedule(); });
    });
    ["f-affiliation", "f-type", "f-outlet"].forEach(function (id) {
      $(id).addEventListener("change", function () { reset(); render(); });
    });
    $("filters").addEventListener("reset", function () { setTimeout(function () { reset(); render(); }, 0); });
    document.querySelectorAll(".more").forEach(function (b) {
      b.addEventListener("click", function () { shown[b.getAttribute("data-table")] += PAGE; render(); });
    });
    $("f-speaker").addEventListener("focus", function () {  // the names of the most quoted speakers loaded
      if (names.childElementCount) return;
      data.speakers.slice(0, 500).forEach(function (r) { names.appendChild(el("option", {value: r[0]})); });
    });
  }

  return {setMeta: setMeta, addShard: addShard, data: data};
})();
