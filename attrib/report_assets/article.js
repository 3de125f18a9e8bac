/* attrib report, article page: focusing, hovering or clicking a quote shows who said it and why. */
"use strict";
(function () {
  var details = JSON.parse(document.getElementById("quote-data").textContent);
  var panel = document.getElementById("detail");
  var current = null;

  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    if (attrs) { for (var k in attrs) e.setAttribute(k, attrs[k]); }
    (children || []).forEach(function (c) { e.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
    return e;
  }
  function item(dl, term, value) {
    if (value === null || value === undefined || value === "" || (Array.isArray(value) && !value.length)) return;
    dl.appendChild(el("dt", null, [term]));
    if (Array.isArray(value)) {
      dl.appendChild(el("dd", null, [el("ul", null, value.map(function (v) { return el("li", null, [v]); }))]));
    } else {
      dl.appendChild(el("dd", null, [value]));
    }
  }

  function show(id) {
    var records = details[id];
    if (!records || id === current) return;
    current = id;
    document.querySelectorAll("mark.q.active").forEach(function (m) { m.classList.remove("active"); });
    document.querySelectorAll('mark.q[data-quote-id="' + CSS.escape(id) + '"]').forEach(function (m) {
      m.classList.add("active");
    });
    var kids = [el("h2", null, [records.length > 1 ? "Quote (" + records.length + " speakers)" : "Quote"])];
    records.forEach(function (d) {
      var dl = el("dl");
      item(dl, "Speaker", d.speaker || "not found");
      item(dl, "Kind", d.kind);
      item(dl, "Role", d.role);
      item(dl, "Affiliation", d.path.length ? d.path.join(" → ") : d.affiliation);
      item(dl, "Mention as written", d.mention);
      item(dl, "Quote", d.type + (d.cue ? ", cue “" + d.cue + "”" + (d.cue_class ? " (" + d.cue_class + ")" : "") : "") +
        (d.outlet ? ", via " + d.outlet : ""));
      item(dl, "Rules", d.rules);
      item(dl, "Stance", d.stances);
      item(dl, "Merged", d.merges);
      kids.push(dl);
      if (d.claim) kids.push(el("p", null, [el("a", {href: d.claim}, ["All reports of this claim →"])]));
    });
    kids.push(el("p", {"class": "small"}, ["id " + id]));
    panel.replaceChildren.apply(panel, kids);
  }

  function quoteOf(target) {
    var m = target.closest ? target.closest("mark.q") : null;
    if (m) return m;
    var s = target.closest ? target.closest(".cue, .who") : null;  // a cue or mention: its first quote
    if (s) return document.querySelector('mark.q[data-quote-id="' + CSS.escape(s.getAttribute("data-for").split(" ")[0]) + '"]');
    return null;
  }
  ["focusin", "mouseover", "click"].forEach(function (type) {
    document.addEventListener(type, function (ev) {
      var m = quoteOf(ev.target);
      if (m) show(m.getAttribute("data-quote-id"));
    });
  });
  document.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape") { current = null; panel.replaceChildren(el("p", {"class": "small"}, ["Focus (Tab), hover or click a highlighted quote."])); }
  });
  if (location.hash.indexOf("#q-") === 0) {
    var target = document.getElementById(location.hash.slice(1));
    if (target) { target.focus(); }
  }
})();
