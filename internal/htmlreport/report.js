(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("data").textContent);
  // each column's modules, from the shared lists (htmlreport.compact)
  D.functions.forEach(function (f) {
    f.columns.forEach(function (c) {
      var win = {};
      c.win.forEach(function (i) { win[i] = true; });
      c.modules = (D.lists[c.list] || []).map(function (m, i) {
        return { name: m.name, kind: m.kind, size: m.size || 0, wins: !!win[i], wonBy: c.by[i] || "" };
      });
    });
  });
  var fi = 0; // chosen function
  var zoom = []; // treemap path of boxes from the function's root
  var tableView = { map: false, size: false };

  function el(tag, attrs, kids) {
    var e = document.createElement(tag);
    for (var k in attrs || {}) {
      if (k === "text") e.textContent = attrs[k];
      else if (k === "cls") e.className = attrs[k];
      else e.setAttribute(k, attrs[k]);
    }
    (kids || []).forEach(function (c) { if (c) e.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
    return e;
  }
  function size(n) {
    var u = ["B", "KiB", "MiB", "GiB"], i = 0, v = n;
    while (v >= 1024 && i < u.length - 1) { v /= 1024; i++; }
    return (i ? v.toFixed(1) : v) + " " + u[i];
  }
  function table(head, rows, num) {
    var t = el("table"), tr = el("tr");
    head.forEach(function (h, i) { tr.appendChild(el("th", { text: h, cls: num && num[i] ? "num" : "" })); });
    t.appendChild(el("thead", {}, [tr]));
    var tb = el("tbody");
    rows.forEach(function (r) {
      var row = el("tr");
      r.forEach(function (c, i) {
        var td = el("td", { cls: num && num[i] ? "num" : "" });
        if (c instanceof Node) td.appendChild(c); else td.textContent = c;
        row.appendChild(td);
      });
      tb.appendChild(row);
    });
    t.appendChild(tb);
    return t;
  }

  // ---- tabs and keys
  var tabs = Array.prototype.slice.call(document.querySelectorAll("[role=tab]"));
  function show(id, focus) {
    tabs.forEach(function (t) {
      var on = t.getAttribute("aria-controls") === id;
      t.setAttribute("aria-selected", on);
      t.tabIndex = on ? 0 : -1;
      document.getElementById(t.getAttribute("aria-controls")).hidden = !on;
      if (on && focus) t.focus();
    });
    if (id === "map") drawMap();
    if (id === "size") drawSize();
  }
  tabs.forEach(function (t, i) {
    t.addEventListener("click", function () { show(t.getAttribute("aria-controls")); });
    t.addEventListener("keydown", function (e) {
      var j = e.key === "ArrowRight" ? i + 1 : e.key === "ArrowLeft" ? i - 1 : -2;
      if (j === -2) return;
      show(tabs[(j + tabs.length) % tabs.length].getAttribute("aria-controls"), true);
      e.preventDefault();
    });
  });
  document.addEventListener("keydown", function (e) {
    if (e.target.tagName === "SELECT" || e.target.tagName === "INPUT" || e.ctrlKey || e.metaKey || e.altKey) return;
    var n = "1234".indexOf(e.key);
    if (n >= 0) { show(tabs[n].getAttribute("aria-controls"), true); return; }
    if ((e.key === "j" || e.key === "k") && D.functions.length) {
      choose((fi + (e.key === "j" ? 1 : D.functions.length - 1)) % D.functions.length);
    }
    if (e.key === "t") {
      var cur = tabs.filter(function (t) { return t.getAttribute("aria-selected") === "true"; })[0];
      var id = cur && cur.getAttribute("aria-controls");
      if (id === "map" || id === "size") toggle(id);
    }
    if (e.key === "Escape" && zoom.length) { zoom.pop(); drawSize(); }
  });
  Array.prototype.forEach.call(document.querySelectorAll("[data-show]"), function (a) {
    a.addEventListener("click", function (e) { e.preventDefault(); choose(+a.getAttribute("data-show")); show("map", true); });
  });
  Array.prototype.forEach.call(document.querySelectorAll("[data-toggle]"), function (b) {
    b.addEventListener("click", function () { toggle(b.getAttribute("data-toggle")); });
  });
  function toggle(id) {
    tableView[id] = !tableView[id];
    document.getElementById(id + "-pic").hidden = tableView[id];
    document.getElementById(id + "-table").hidden = !tableView[id];
    document.querySelector("[data-toggle=" + id + "]").setAttribute("aria-pressed", tableView[id]);
  }
  var sels = Array.prototype.slice.call(document.querySelectorAll(".fnsel"));
  sels.forEach(function (s) {
    D.functions.forEach(function (f, i) { s.appendChild(el("option", { value: i, text: f.name + " (" + f.verdict + ")" })); });
    s.addEventListener("change", function () { choose(+s.value); });
  });
  function choose(i) {
    fi = i; zoom = [];
    sels.forEach(function (s) { s.value = i; });
    drawMap(); drawSize();
  }

  // ---- map
  function colName(f, id) {
    for (var i = 0; i < f.columns.length; i++) if (f.columns[i].id === id) return f.columns[i].name;
    return id;
  }
  function drawMap() {
    var pic = document.getElementById("map-pic"), tab = document.getElementById("map-table");
    pic.textContent = ""; tab.textContent = "";
    var f = D.functions[fi];
    if (!f) { pic.textContent = "No function."; return; }
    if (f.skipped) pic.appendChild(el("p", { cls: "v-info", text: "Imports not checked: " + f.skipped }));
    var wrap = el("div", { cls: "cols" });
    var imp = el("div", { cls: "col" }, [el("h3", { text: "handler " + f.handler }), el("div", { cls: "p", text: "its imports" })]);
    var chips = {};
    f.imports.forEach(function (m, k) {
      var c = el("a", { cls: "chip" + (m.failed ? " miss" : ""), href: m.finding >= 0 ? "#f" + m.finding : "#map", title: m.failed ? "does not resolve" : "resolves to " + colName(f, m.to), text: m.module + (m.line ? "  :" + m.line : "") });
      c.setAttribute("data-imp", k);
      if (m.finding >= 0) c.addEventListener("click", function (e) { e.preventDefault(); goFinding(m.finding); });
      imp.appendChild(c);
    });
    wrap.appendChild(imp);
    f.columns.forEach(function (col, ci) {
      var box = el("div", { cls: "col", "data-col": col.id }, [
        el("h3", { text: (ci === 0 ? "" : ci < f.columns.length - 1 ? ci + ". " : "") + col.name }),
        el("div", { cls: "p", text: col.path + (col.note ? " · " + col.note : "") })]);
      var shown = col.modules;
      if (col.id === "runtime") shown = shown.filter(function (m) { return f.imports.some(function (i) { return i.top === m.name; }); });
      shown.slice(0, 200).forEach(function (m) {
        var c = el("span", { cls: "chip" + (m.wins ? " win" : m.wonBy ? " shadowed" : ""), title: m.kind + (m.wonBy ? ", shadowed by " + colName(f, m.wonBy) : m.wins ? ", wins" : "") + (m.size ? ", " + size(m.size) : ""), text: m.name });
        c.setAttribute("data-mod", m.name);
        chips[col.id + "|" + m.name] = c;
        box.appendChild(c);
      });
      if (shown.length > 200) box.appendChild(el("div", { cls: "p", text: "… " + (shown.length - 200) + " more (table view lists all)" }));
      wrap.appendChild(box);
    });
    pic.appendChild(wrap);
    // lines from each import to where it resolves
    var svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    svg.setAttribute("class", "links");
    // each line runs up the gap beside the imports, along its own lane above the
    // columns, and down the gap before the column it resolves to; its colour marks
    // both ends
    var lanes = f.imports.filter(function (m) { return !m.failed && chips[m.to + "|" + m.top]; }).length;
    wrap.style.paddingTop = Math.min(8 + lanes * 5, 80) + "px";
    svg.setAttribute("width", wrap.scrollWidth); svg.setAttribute("height", wrap.scrollHeight);
    var wr = wrap.getBoundingClientRect(), lane = 0;
    var hues = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22"];
    f.imports.forEach(function (m, k) {
      var a = imp.querySelector("[data-imp='" + k + "']"), b = chips[m.to + "|" + m.top];
      if (!a || !b || m.failed) return;
      var color = hues[lane % hues.length], y = 4 + Math.min(lane, 14) * 5, off = (lane % 4) * 2;
      lane++;
      var ra = a.getBoundingClientRect(), rb = b.getBoundingClientRect(), rc = b.parentNode.getBoundingClientRect(), ri = imp.getBoundingClientRect();
      var sx = wrap.scrollLeft - wr.left, sy = -wr.top;
      var x1 = ra.right + sx, y1 = ra.top + ra.height / 2 + sy, g1 = ri.right + sx + 3 + off;
      var x2 = rb.left + sx, y2 = rb.top + rb.height / 2 + sy, g2 = rc.left + sx - 3 - off;
      var p = document.createElementNS("http://www.w3.org/2000/svg", "path");
      p.setAttribute("d", "M" + x1 + "," + y1 + " H" + g1 + " V" + y + " H" + g2 + " V" + y2 + " H" + x2);
      p.setAttribute("fill", "none"); p.setAttribute("stroke", color); p.setAttribute("stroke-width", "1.5");
      svg.appendChild(p);
      a.style.boxShadow = b.style.boxShadow = "inset 4px 0 0 " + color;
    });
    wrap.appendChild(svg);
    // the same as text
    var rows = [];
    f.imports.forEach(function (m) {
      rows.push([m.module, m.from + (m.line ? ":" + m.line : ""), m.failed ? "does not resolve" : colName(f, m.to), m.finding >= 0 ? D.findings[m.finding].code + " " + D.findings[m.finding].message : ""]);
    });
    tab.appendChild(el("h3", { text: "Imports of the handler module, and failing imports" }));
    tab.appendChild(table(["Import", "In", "Resolves to", "Finding"], rows));
    var mrows = [];
    f.columns.forEach(function (col, ci) {
      col.modules.forEach(function (m) {
        if (col.id === "runtime" && !m.wins && !f.imports.some(function (i) { return i.top === m.name; })) return;
        mrows.push([ci + ". " + col.name, m.name, m.kind, m.wins ? "wins" : m.wonBy ? "shadowed by " + colName(f, m.wonBy) : "", m.size ? size(m.size) : ""]);
      });
    });
    tab.appendChild(el("h3", { text: "What each place provides, in search order" }));
    tab.appendChild(table(["Place", "Module", "Kind", "Import gets", "Size"], mrows, [0, 0, 0, 0, 1]));
  }
  function goFinding(i) {
    show("findings");
    var a = document.getElementById("f" + i);
    if (a) { a.scrollIntoView(); a.focus(); a.classList.add("hl"); }
  }

  // ---- size: a squarified treemap (Bruls, Huizing, van Wijk)
  function squarify(items, x, y, w, h, out) {
    var total = items.reduce(function (s, n) { return s + n.s; }, 0);
    if (!total || w <= 0 || h <= 0) return;
    var scale = (w * h) / total, rest = items.slice(), row = [];
    function worst(r, side) {
      var s = 0, mx = 0, mn = Infinity;
      r.forEach(function (n) { var a = n.s * scale; s += a; mx = Math.max(mx, a); mn = Math.min(mn, a); });
      return Math.max((side * side * mx) / (s * s), (s * s) / (side * side * mn));
    }
    function lay(r) {
      var s = r.reduce(function (t, n) { return t + n.s * scale; }, 0);
      if (w >= h) { var cw = s / h, cy = y; r.forEach(function (n) { var ch = (n.s * scale) / cw; out.push([n, x, cy, cw, ch]); cy += ch; }); x += cw; w -= cw; }
      else { var rh = s / w, cx = x; r.forEach(function (n) { var c = (n.s * scale) / rh; out.push([n, cx, y, c, rh]); cx += c; }); y += rh; h -= rh; }
    }
    while (rest.length) {
      var n = rest[0], side = Math.min(w, h);
      if (!row.length || worst(row.concat([n]), side) <= worst(row, side)) { row.push(n); rest.shift(); }
      else { lay(row); row = []; }
    }
    if (row.length) lay(row);
  }
  var palette = ["#90caf9", "#a5d6a7", "#ffcc80", "#ce93d8", "#80deea", "#ef9a9a", "#c5e1a5", "#b0bec5"];
  function rootOf(f) {
    var kids = f.size.map(function (id) { return D.trees[id]; });
    return { n: f.name, s: kids.reduce(function (s, k) { return s + k.s; }, 0), c: kids };
  }
  function drawSize() {
    var pic = document.getElementById("size-pic"), tab = document.getElementById("size-table"), sv = document.getElementById("savings"), cr = document.getElementById("crumbs");
    pic.textContent = ""; tab.textContent = ""; sv.textContent = ""; cr.textContent = "";
    var f = D.functions[fi];
    if (!f) return;
    var root = rootOf(f), node = root, path = [root];
    zoom.forEach(function (i) { if (node.c && node.c[i]) { node = node.c[i]; path.push(node); } });
    path.forEach(function (p, i) {
      var b = el("button", { text: i ? p.n : f.name });
      b.addEventListener("click", function () { zoom = zoom.slice(0, i); drawSize(); });
      cr.appendChild(b); if (i < path.length - 1) cr.appendChild(document.createTextNode(" › "));
    });
    var over = f.total > D.limit;
    var lim = el("div", { cls: "limit", role: "img", "aria-label": "unzipped " + size(f.total) + " of the " + size(D.limit) + " limit" });
    var full = Math.max(f.total, D.limit);
    lim.appendChild(el("div", { cls: "used" + (over ? " over" : ""), style: "width:" + (100 * f.total / full) + "%" }));
    lim.appendChild(el("div", { cls: "line", style: "left:" + (100 * D.limit / full) + "%", title: "Lambda's limit: 262,144,000 bytes" }));
    lim.appendChild(el("div", { cls: "lbl", text: "/var/task + /opt unzipped: " + size(f.total) + " (" + f.total.toLocaleString("en") + " bytes) of 262,144,000 (250 MiB)" + (over ? " — over the limit" : "") }));
    pic.appendChild(lim);
    var W = Math.min(pic.clientWidth || 900, 1200), H = 420;
    var tm = el("div", { cls: "tm", style: "width:" + W + "px;height:" + H + "px", role: "group", "aria-label": "treemap of " + node.n });
    var boxes = [];
    var kids = (node.c || []).filter(function (k) { return k.s > 0; });
    squarify(kids, 0, 0, W, H, boxes);
    boxes.forEach(function (b, i) {
      var n = b[0], idx = node.c.indexOf(n);
      var d = el("div", { tabindex: 0, role: "button", "data-size": n.s, "data-name": n.n, title: n.n + " — " + size(n.s) + (n.c ? " (Enter: open)" : ""),
        style: "left:" + b[1] + "px;top:" + b[2] + "px;width:" + b[3] + "px;height:" + b[4] + "px;background:" + (n.k === "more" ? "#ddd" : palette[(zoom.length ? zoom[0] : i) % palette.length]),
        text: b[3] > 40 && b[4] > 14 ? n.n + " " + size(n.s) : "" });
      // one level more inside a box that has room: its own boxes under its label
      var kids = (n.c || []).filter(function (k) { return k.s > 0; });
      if (kids.length && b[3] > 60 && b[4] > 48) {
        var inner = [];
        squarify(kids, 0, 16, b[3] - 8, b[4] - 20, inner);
        inner.forEach(function (c) {
          d.appendChild(el("div", { cls: "sub", "aria-hidden": "true", "data-size": c[0].s, "data-name": c[0].n, title: c[0].n + " — " + size(c[0].s),
            style: "left:" + c[1] + "px;top:" + c[2] + "px;width:" + c[3] + "px;height:" + c[4] + "px",
            text: c[3] > 50 && c[4] > 14 ? c[0].n + " " + size(c[0].s) : "" }));
        });
      }
      function open() { if (n.c && n.c.length) { zoom.push(idx); drawSize(); var t = document.querySelector(".tm > div"); if (t) t.focus(); } }
      d.addEventListener("click", open);
      d.addEventListener("keydown", function (e) {
        if (e.key === "Enter" || e.key === " ") { open(); e.preventDefault(); }
        if (e.key === "Backspace" && zoom.length) { zoom.pop(); drawSize(); e.preventDefault(); }
      });
      tm.appendChild(d);
    });
    pic.appendChild(tm);
    pic.appendChild(el("p", { cls: "mut", text: "Enter or click opens a box, Escape goes back up." }));
    var rows = [];
    (function list(n, depth, p) {
      (n.c || []).forEach(function (k) {
        rows.push([p + k.n, size(k.s), k.s.toLocaleString("en")]);
        if (depth < 2) list(k, depth + 1, p + k.n + " / ");
      });
    })(node, 0, "");
    tab.appendChild(table(["Box", "Size", "Bytes"], rows, [0, 1, 1]));
    if (!f.savings.length) sv.appendChild(el("p", { cls: "mut", text: "Nothing obvious." }));
    else sv.appendChild(table(["What", "Saves", "Why", "Where (first few)"], f.savings.map(function (s) {
      return [s.what, size(s.bytes), s.why, (s.where || []).join("\n")];
    }), [0, 1, 0, 0]));
  }

  if (location.hash && location.hash.charAt(1) === "f") show("findings");
  choose(0);
})();
