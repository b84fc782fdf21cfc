// stance report: inline script. Reads the JSON data block and writes with textContent only,
// so no article or model text is ever parsed as HTML.
(function () {
  "use strict";
  var node = document.getElementById("stance-data");
  if (!node) { return; }
  var data = JSON.parse(node.textContent);
  var body = document.getElementById("detail-body");
  var pinned = null;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }
  function row(key, value, cls) {
    var r = el("div", "row" + (cls ? " " + cls : ""));
    r.appendChild(el("span", "k", key));
    r.appendChild(document.createTextNode(" "));
    r.appendChild(el("span", "v", value));
    return r;
  }
  function item(id) {
    var ev = data.ev[id];
    var box = el("div", "detail-item");
    box.setAttribute("data-detail", id);
    if (!ev) { box.appendChild(el("div", "", "unknown evidence " + id)); return box; }
    var actor = data.actors[ev.a] || {name: ev.a};
    var claim = data.claims[ev.c] || {id: ev.c, text: ""};
    var head = el("div", "row");
    head.appendChild(el("span", "badge st-" + ev.stance, ev.stance));
    head.appendChild(document.createTextNode(" "));
    head.appendChild(el("strong", "detail-actor", actor.name));
    box.appendChild(head);
    if (actor.type || actor.role) {
      box.appendChild(row("actor", [actor.type, actor.role].filter(Boolean).join(", ")));
    }
    box.appendChild(row("claim " + claim.id, claim.text, "detail-claim"));
    box.appendChild(row("stance", ev.stance, "detail-stance"));
    var where = ev.start === null ? "not located in the text" : "chars " + ev.start + "\u2013" + ev.end;
    if (ev.alignment !== undefined) {
      box.appendChild(row("alignment", ev.alignment + " (" + where + ")", "detail-alignment"));
    } else {
      box.appendChild(row("where", where, "detail-where"));
    }
    if (ev.kind) { box.appendChild(row("pair", ev.kind, "detail-kind")); }
    if (data.articles && data.articles[ev.art] !== undefined) { box.appendChild(row("article", data.articles[ev.art])); }
    box.appendChild(el("div", "quote", "\u201c" + ev.quote + "\u201d"));
    return box;
  }
  function show(ids) {
    if (!body) { return; }
    while (body.firstChild) { body.removeChild(body.firstChild); }
    if (ids.length > 1) { body.appendChild(el("p", "muted", ids.length + " overlapping evidence spans")); }
    ids.forEach(function (id) { body.appendChild(item(id)); });
  }
  function idsOf(target) { return target.getAttribute("data-ev").split(" "); }
  function select(mark) {
    if (pinned) { pinned.classList.remove("selected"); }
    pinned = mark;
    if (mark) { mark.classList.add("selected"); }
  }

  document.addEventListener("click", function (event) {
    var target = event.target.closest("[data-ev]");
    if (!target) { return; }
    var ids = idsOf(target);
    if (target.tagName === "MARK") {
      select(target);
    } else {
      // a quote in a list: jump to its highlight(s) in the article text
      var marks = document.querySelectorAll('mark[data-ev~="' + ids[0] + '"]');
      document.querySelectorAll("mark.flash").forEach(function (m) { m.classList.remove("flash"); });
      marks.forEach(function (m) { m.classList.add("flash"); });
      select(marks.length ? marks[0] : null);
      if (marks.length) { marks[0].scrollIntoView({block: "center"}); }
    }
    show(ids);
  });
  document.addEventListener("mouseover", function (event) {
    var mark = event.target.closest("mark[data-ev]");
    if (mark) { show(idsOf(mark)); }
  });
  document.addEventListener("mouseout", function (event) {
    var mark = event.target.closest("mark[data-ev]");
    if (mark && pinned && pinned !== mark) { show(idsOf(pinned)); }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && document.activeElement && document.activeElement.matches("mark[data-ev]")) {
      document.activeElement.click();
    }
  });
})();
