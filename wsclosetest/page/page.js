// The page of "wsclose serve": it runs every client case of package
// wsclosetest in the browser that opens it, with the browser's own
// WebSocket, records the events each connection fires, posts them to the
// server, and shows the verdicts the server gives. Standard DOM and
// WebSocket only, so that it runs unchanged in Chromium, Firefox and Safari.
"use strict";

(function (g) {
  // runOne opens one connection to url, calls close(code, reason) once
  // open when close is not null, and resolves to the events it saw, in
  // order, with their time in ms after the constructor.
  function runOne(url, id, close, limitMs) {
    return new Promise(function (resolve) {
      var r = { id: id, opened: false, threw: "", timedOut: false, events: [] };
      var t0 = performance.now();
      var done = false;
      function at() { return Math.round(performance.now() - t0); }
      function finish() {
        if (done) return;
        done = true;
        resolve(r);
      }
      var ws;
      try {
        ws = new WebSocket(url);
      } catch (e) {
        r.threw = e.name || String(e);
        finish();
        return;
      }
      var timer = setTimeout(function () { r.timedOut = true; finish(); }, limitMs);
      ws.onopen = function () {
        r.opened = true;
        r.events.push({ type: "open", ms: at() });
        if (close) {
          try {
            if (close.code === 1005) ws.close();
            else if (close.reason !== "") ws.close(close.code, close.reason);
            else ws.close(close.code);
          } catch (e) {
            r.threw = e.name || String(e);
          }
        }
      };
      ws.onmessage = function () { r.events.push({ type: "message", ms: at() }); };
      ws.onerror = function () { r.events.push({ type: "error", ms: at() }); };
      ws.onclose = function (e) {
        r.events.push({ type: "close", ms: at(), code: e.code, reason: e.reason, wasClean: e.wasClean });
        clearTimeout(timer);
        // An error event fired after the close event is seen within a
        // few tasks; wait for them before reporting.
        setTimeout(finish, 50);
      };
    });
  }

  // runAll runs items ({url, id, close}), parallel connections at a time,
  // and calls progress with the number done after each.
  function runAll(items, limitMs, parallel, progress) {
    var results = [];
    var next = 0;
    function worker() {
      if (next >= items.length) return Promise.resolve();
      var it = items[next++];
      return runOne(it.url, it.id, it.close, limitMs).then(function (r) {
        results.push(r);
        progress(results.length);
        return worker();
      });
    }
    var workers = [];
    for (var i = 0; i < parallel; i++) workers.push(worker());
    return Promise.all(workers).then(function () { return results; });
  }

  g.wsclosePage = { runOne: runOne, runAll: runAll };
  if (typeof document === "undefined") return; // loaded by a script, not a page

  var params = new URLSearchParams(location.search);
  var agent = params.get("agent") || "browser";
  var wsBase = (location.protocol === "https:" ? "wss://" : "ws://") + location.host;

  function $(id) { return document.getElementById(id); }

  function say(text) { $("status").textContent = text; }

  function cell(tr, text, cls) {
    var td = document.createElement("td");
    td.textContent = text;
    if (cls) td.className = cls;
    tr.appendChild(td);
  }

  function show(report) {
    var counts = $("summary");
    counts.textContent = "";
    ["pass", "fail", "warn", "info"].forEach(function (v) {
      var s = document.createElement("span");
      s.className = v;
      s.textContent = report[v] + " " + v;
      counts.appendChild(s);
    });
    var tbody = $("results").tBodies[0];
    tbody.textContent = "";
    var rank = { fail: 0, warn: 1, info: 2, pass: 3 };
    report.cases.map(function (c, i) { return [c, i]; }).sort(function (a, b) {
      return (rank[a[0].verdict] - rank[b[0].verdict]) || (a[1] - b[1]);
    }).forEach(function (ci) {
      var c = ci[0];
      var tr = document.createElement("tr");
      tr.className = "row-" + c.verdict;
      cell(tr, c.id, "id");
      cell(tr, c.title + ": " + c.want);
      cell(tr, c.got);
      cell(tr, c.verdict, "verdict " + c.verdict);
      cell(tr, c.rule, "rule");
      tbody.appendChild(tr);
    });
    $("results").hidden = false;
    $("order").hidden = false;
    say(report.cases.length + " cases run; the report is at /report.json?agent=" + encodeURIComponent(agent) + ".");
    document.body.setAttribute("data-done", "true");
  }

  function fail(err) {
    $("error").textContent = String(err);
    document.body.setAttribute("data-done", "error");
  }

  function getJSON(resp) {
    if (!resp.ok) {
      return resp.text().then(function (t) { throw new Error(resp.status + " " + t); });
    }
    return resp.json();
  }

  $("agent").textContent = "Agent: " + agent + " (" + navigator.userAgent + ")";
  fetch("/cases.json").then(getJSON).then(function (list) {
    var items = list.cases.map(function (c) {
      return { id: c.id, close: c.close, url: wsBase + "/case?id=" + encodeURIComponent(c.id) + "&agent=" + encodeURIComponent(agent) };
    });
    $("progress").max = items.length;
    say("Running " + items.length + " cases…");
    return runAll(items, list.limitMs, list.parallel, function (n) {
      $("progress").value = n;
      say("Running case " + n + " of " + items.length + "…");
    });
  }).then(function (results) {
    say("Grading…");
    return fetch("/report?agent=" + encodeURIComponent(agent), {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ userAgent: navigator.userAgent, cases: results }),
    });
  }).then(getJSON).then(show).catch(fail);
})(globalThis);
