// The close() runner of TestBrowserClose. For each call it opens a
// WebSocket to the raw endpoint, calls close(code, reason) once the
// connection is open and waits for the close event; it reports the name
// and message of the exception close() threw ("" for none), or "timeout"
// when no close event came within 5 s. Ten calls run at a time. The same
// file runs in a page of headless Chromium (loaded as a module) and in
// Node (through node.mjs).

// runCalls runs every call against url and resolves to their results.
export async function runCalls(url, calls) {
  const results = [];
  const one = (c) => new Promise((resolve) => {
    const ws = new WebSocket(url + "?id=" + c.id);
    let threw = "", message = "";
    const done = (threw) => resolve({ id: c.id, threw, message });
    const timer = setTimeout(() => done(threw || "timeout"), 5000);
    ws.onclose = () => { clearTimeout(timer); done(threw); };
    ws.onerror = () => {};
    ws.onopen = () => {
      const args = [];
      if (c.code !== null) args.push(c.code); else if (c.reason !== null) args.push(undefined);
      if (c.reason !== null) args.push(String.fromCharCode(...c.reason));
      try {
        ws.close(...args);
      } catch (e) {
        threw = e.name || String(e);
        message = e.message || "";
        ws.close();
      }
    };
  });
  for (let i = 0; i < calls.length; i += 10) {
    results.push(...await Promise.all(calls.slice(i, i + 10).map(one)));
  }
  return results;
}

globalThis.runCalls = runCalls;
