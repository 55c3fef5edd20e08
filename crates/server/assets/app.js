// OpenRCM: code search as you type, code notes and 7th characters, and the scrubber's findings
// while a claim is edited. Plain script, no build step; every page works without it.
(function () {
  "use strict";
  var csrfMeta = document.querySelector('meta[name="csrf-token"]');
  var csrf = csrfMeta ? csrfMeta.getAttribute("content") : "";
  var form = document.getElementById("claim-form");
  var serviceDate = form ? form.getAttribute("data-date") : "";

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function debounce(fn, ms) {
    var t = null;
    return function () {
      var args = arguments, self = this;
      clearTimeout(t);
      t = setTimeout(function () { fn.apply(self, args); }, ms);
    };
  }

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.json().then(function (b) { return { ok: r.ok, body: b }; }); });
  }

  // A code needing a 7th character gets placeholder X up to six characters first.
  function withSeventh(code, ch) {
    var plain = code.replace(".", "");
    while (plain.length < 6) plain += "X";
    return plain.slice(0, 3) + "." + plain.slice(3) + ch;
  }

  var notes = document.getElementById("code-notes");

  function showNotes(input, code) {
    if (!notes || !code) return;
    getJSON("/api/codes/" + encodeURIComponent(code) + (serviceDate ? "?date=" + serviceDate : "")).then(function (res) {
      notes.textContent = "";
      if (!res.ok) return;
      var d = res.body;
      var head = el("p", d.billable ? "ok" : "error");
      head.appendChild(el("strong", null, (d.code || d.input) + " "));
      head.appendChild(document.createTextNode((d.title || "") + " — " + d.message));
      notes.appendChild(head);
      if (d.allowed_seventh && d.allowed_seventh.length && !d.billable) {
        var p = el("p", null, "7th character: ");
        d.allowed_seventh.forEach(function (s) {
          var b = el("button", null, s.character + " " + s.meaning);
          b.type = "button";
          b.addEventListener("click", function () {
            input.value = withSeventh(d.code || d.input, s.character);
            input.dispatchEvent(new Event("input", { bubbles: true }));
            showNotes(input, input.value);
            input.focus();
          });
          p.appendChild(b);
        });
        notes.appendChild(p);
      }
      if (d.suggestions && d.suggestions.length && !d.billable) {
        var s = el("p", "muted", "Consider: " + d.suggestions.slice(0, 6).map(function (x) { return x.code + " " + x.title; }).join(" · "));
        notes.appendChild(s);
      }
      var shown = (d.notes || []).filter(function (n) { return n.kind !== "inclusionTerm"; }).slice(0, 8);
      if (shown.length) {
        var ul = el("ul");
        shown.forEach(function (n) {
          var li = el("li");
          li.appendChild(el("span", "tag", n.kind));
          li.appendChild(document.createTextNode(" " + n.text + " "));
          li.appendChild(el("span", "muted", "(" + n.source + ")"));
          ul.appendChild(li);
        });
        notes.appendChild(ul);
      }
    });
  }

  function attachSearch(input) {
    var box = null, items = [], active = -1, seq = 0;
    var holder = input.parentNode;
    function close() { if (box) { box.remove(); box = null; } items = []; active = -1; input.setAttribute("aria-expanded", "false"); }
    function choose(hit) {
      if (hit.billable || !hit.needs_seventh) {
        input.value = hit.code;
      } else {
        input.value = hit.code;
      }
      close();
      input.dispatchEvent(new Event("input", { bubbles: true }));
      showNotes(input, hit.code);
    }
    function highlight(i) {
      if (!box) return;
      var lis = box.querySelectorAll("li");
      lis.forEach(function (li, j) { li.setAttribute("aria-selected", j === i ? "true" : "false"); });
      active = i;
      if (lis[i]) lis[i].scrollIntoView({ block: "nearest" });
    }
    var run = debounce(function () {
      var q = input.value.trim();
      if (q.length < 2) { close(); return; }
      var mine = ++seq;
      getJSON("/api/codes/search?limit=8&q=" + encodeURIComponent(q) + (serviceDate ? "&date=" + serviceDate : "")).then(function (res) {
        if (mine !== seq || !res.ok) return;
        close();
        items = res.body;
        if (!items.length) return;
        box = el("ul", "suggest");
        box.setAttribute("role", "listbox");
        items.forEach(function (h, i) {
          var li = el("li");
          li.setAttribute("role", "option");
          li.appendChild(el("span", "c", h.code));
          li.appendChild(document.createTextNode(h.title));
          li.appendChild(el("span", "b", h.billable ? "billable" : (h.needs_seventh ? "needs 7th: " + h.needs_seventh : "header")));
          li.addEventListener("mousedown", function (ev) { ev.preventDefault(); choose(h); });
          box.appendChild(li);
        });
        holder.appendChild(box);
        input.setAttribute("aria-expanded", "true");
        highlight(0);
      });
    }, 120);
    input.setAttribute("aria-autocomplete", "list");
    input.addEventListener("input", function (ev) { if (ev.isTrusted) run(); });
    input.addEventListener("keydown", function (ev) {
      if (!box) return;
      if (ev.key === "ArrowDown") { ev.preventDefault(); highlight(Math.min(active + 1, items.length - 1)); }
      else if (ev.key === "ArrowUp") { ev.preventDefault(); highlight(Math.max(active - 1, 0)); }
      else if (ev.key === "Enter") { if (active >= 0 && items[active]) { ev.preventDefault(); choose(items[active]); } }
      else if (ev.key === "Escape") { close(); }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
    input.addEventListener("focus", function () { if (input.value.trim()) showNotes(input, input.value.trim()); });
  }

  document.querySelectorAll("input[data-search]").forEach(attachSearch);

  // The claim as the API takes it, read from the editor.
  function claimBody() {
    var dx = [], filled = [];
    for (var i = 1; i <= 12; i++) {
      var v = (form.elements["dx" + i] || {}).value || "";
      dx.push(v.trim());
      if (v.trim()) filled.push(i - 1);
    }
    var lines = [];
    for (var r = 1; r <= 50; r++) {
      var code = form.elements["line" + r + "_code"];
      if (!code) break;
      if (!code.value.trim()) continue;
      var ptrs = [];
      (form.elements["line" + r + "_ptr"].value || "").split(/[ ,;]+/).forEach(function (p) {
        p = p.trim();
        if (!p) return;
        var slot = /^[A-La-l]$/.test(p) ? p.toUpperCase().charCodeAt(0) - 65 : parseInt(p, 10) - 1;
        var pos = filled.indexOf(slot);
        if (pos >= 0) ptrs.push(pos + 1); else ptrs.push(0);
      });
      var units = form.elements["line" + r + "_units"].value.trim() || "1";
      lines.push({
        procedure_code: code.value.trim(),
        modifiers: form.elements["line" + r + "_mod"].value.split(/[ ,]+/).filter(Boolean),
        charge: form.elements["line" + r + "_charge"].value.trim(),
        units: units,
        diagnosis_pointers: ptrs,
        service_date: form.elements["line" + r + "_date"].value || null
      });
    }
    return {
      encounter_id: parseInt(form.getAttribute("data-encounter"), 10),
      coverage_id: parseInt(form.elements["coverage_id"].value, 10),
      diagnoses: dx,
      lines: lines
    };
  }

  function renderFindings(res) {
    var panel = document.getElementById("findings");
    if (!panel) return;
    panel.textContent = "";
    panel.appendChild(el("h2", null, "Scrubber findings (live, not saved yet)"));
    if (!res.ok) {
      var b = res.body || {};
      var p = el("p", "muted", "Not checked yet: " + (b.detail || "the claim is incomplete"));
      panel.appendChild(p);
      return;
    }
    var f = res.body;
    if (!f.findings.length) { panel.appendChild(el("p", "ok", "Clean: no finding.")); return; }
    panel.appendChild(el("p", null, f.errors + " error(s), " + f.warnings + " other finding(s)."));
    var ul = el("ul", "findings");
    f.findings.forEach(function (x) {
      var li = el("li", "sev-" + x.severity);
      li.appendChild(el("span", "sev", x.severity));
      li.appendChild(document.createTextNode(" " + x.message));
      if (x.next_step) { li.appendChild(el("br")); li.appendChild(el("span", "next", "→ " + x.next_step)); }
      ul.appendChild(li);
    });
    panel.appendChild(ul);
  }

  if (form && form.querySelector("#save-claim")) {
    var checks = 0;
    var check = debounce(function () {
      var body = claimBody();
      if (!body.lines.length || !body.diagnoses.some(Boolean)) return;
      // Only the answer to the newest input is shown: a slow earlier one must not overwrite it.
      var mine = ++checks;
      fetch("/api/claims/check", {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf, "Accept": "application/json" },
        body: JSON.stringify(body)
      }).then(function (r) { return r.json().then(function (b) { if (mine === checks) renderFindings({ ok: r.ok, body: b }); }); })
        .catch(function () { /* the saved findings stay on the page */ });
    }, 500);
    form.addEventListener("input", check);
    form.addEventListener("change", check);
  }

  var all = document.getElementById("select-all");
  if (all) {
    var boxes = function () { return document.querySelectorAll('#batch-form input[name="claim_id"]'); };
    all.addEventListener("change", function () {
      boxes().forEach(function (c) { c.checked = all.checked; });
    });
    // The "all" box follows the claims' boxes.
    boxes().forEach(function (c) {
      c.addEventListener("change", function () {
        var list = Array.prototype.slice.call(boxes());
        all.checked = list.every(function (x) { return x.checked; });
        all.indeterminate = !all.checked && list.some(function (x) { return x.checked; });
      });
    });
  }
})();
