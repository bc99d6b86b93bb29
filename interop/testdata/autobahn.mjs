// The Autobahn client driver of TestServe, for Node's built-in WebSocket
// (undici): it runs the cases of "wsclose serve" as an Autobahn
// fuzzingserver client does, through /getCaseCount, /getCaseInfo,
// /runCase and /updateReports, and the cases where the client closes
// first through /cases.json and /case. It records each connection's events
// with the page's own code (page.js, given as text), posts them to /report
// as the page does, and resolves to the number of cases it ran.

// message opens url and resolves to the first text message it receives.
function message(url) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    let text = null;
    ws.onmessage = (e) => { text = e.data; };
    ws.onclose = () => (text === null ? reject(new Error(url + ": no message")) : resolve(text));
    ws.onerror = () => {};
  });
}

// closed opens url and resolves when the server closes it.
function closed(url) {
  return new Promise((resolve) => {
    const ws = new WebSocket(url);
    ws.onclose = resolve;
    ws.onerror = () => {};
  });
}

export async function runAutobahn(base, agent, pageJS) {
  (0, eval)(pageJS); // defines globalThis.wsclosePage
  const ws = base.replace(/^http/, "ws");
  const a = "&agent=" + encodeURIComponent(agent);
  const count = Number(await message(ws + "/getCaseCount"));
  const items = [];
  for (let n = 1; n <= count; n++) {
    const info = JSON.parse(await message(ws + "/getCaseInfo?case=" + n));
    items.push({ id: info.id, close: null, url: ws + "/runCase?case=" + n + a });
  }
  const list = await (await fetch(base + "/cases.json")).json();
  for (const c of list.cases) {
    if (c.close) items.push({ id: c.id, close: c.close, url: ws + "/case?id=" + encodeURIComponent(c.id) + a });
  }
  const results = await globalThis.wsclosePage.runAll(items, list.limitMs, list.parallel, () => {});
  await closed(ws + "/updateReports?agent=" + encodeURIComponent(agent));
  const resp = await fetch(base + "/report?agent=" + encodeURIComponent(agent), {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ userAgent: "Node.js " + process.version, cases: results }),
  });
  if (!resp.ok) throw new Error("POST /report: " + resp.status + " " + (await resp.text()));
  return { autobahn: count, ran: results.length };
}
