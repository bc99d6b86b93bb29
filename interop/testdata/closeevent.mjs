// The close event runner of TestBrowserCloseEvent. It opens one WebSocket per
// behaviour of the raw server, calls close(code, reason) once open when the
// behaviour says so, and reports the events the connection fired: whether
// an error event came before the close event, the CloseEvent's code, reason
// and wasClean, and the message events. The same file runs in a page of
// headless Chromium (loaded as a module) and in Node (through node.mjs).

// limitMs bounds one connection: the server holds none longer than 4 s.
const limitMs = 12000;

function runOne(url, b) {
  return new Promise((resolve) => {
    const r = {
      id: b.id, opened: false, errorBeforeClose: false, errorAfterClose: false,
      closed: false, code: 0, reason: "", wasClean: false, messages: 0,
      threw: "", msToClose: -1,
    };
    let opened = 0;
    const ws = new WebSocket(url + "?id=" + b.id);
    const timer = setTimeout(() => resolve(r), limitMs);
    ws.onopen = () => {
      r.opened = true;
      opened = performance.now();
      if (b.close) {
        const args = [];
        if (b.close.code !== null) args.push(b.close.code);
        if (b.close.reason !== null) args.push(b.close.reason);
        try {
          ws.close(...args);
        } catch (e) {
          r.threw = e.name || String(e);
        }
      }
    };
    ws.onmessage = () => { r.messages++; };
    ws.onerror = () => {
      if (r.closed) r.errorAfterClose = true; else r.errorBeforeClose = true;
    };
    ws.onclose = (e) => {
      r.closed = true;
      r.code = e.code;
      r.reason = e.reason;
      r.wasClean = e.wasClean;
      if (r.opened) r.msToClose = Math.round(performance.now() - opened);
      clearTimeout(timer);
      // A late error event would still be seen in this turn's tasks.
      setTimeout(() => resolve(r), 50);
    };
  });
}

// runBehaviours runs every behaviour, at most 24 connections at a time.
export async function runBehaviours(url, behaviours) {
  const results = [];
  let next = 0;
  const worker = async () => {
    while (next < behaviours.length) {
      const b = behaviours[next++];
      results.push(await runOne(url, b));
    }
  };
  await Promise.all(Array.from({ length: 24 }, worker));
  return results;
}

globalThis.runBehaviours = runBehaviours;
