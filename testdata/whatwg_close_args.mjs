// whatwg_close_args.mjs evaluates the argument lists of the close() calls in
// vectors.json (key whatwg_close_api) with a real JavaScript engine and
// writes what WebSocket.close() receives: the code after ToNumber (before
// Web IDL's [Clamp], as a string so that NaN and Infinity survive JSON) and
// the reason as UTF-16 code units after ToString. Missing arguments and
// undefined are null. Run from this folder:
//
//	node whatwg_close_args.mjs > whatwg_close_args.json
import { readFileSync } from "node:fs";

const vectors = JSON.parse(readFileSync("vectors.json", "utf8"));
const out = [];
for (const v of vectors.whatwg_close_api) {
  const m = /^close\((.*)\)$/s.exec(v.js);
  if (!m) throw new Error("not a close() call: " + v.js);
  // The vectors write one call in Python's notation; JavaScript spells it out.
  const args = m[1].replace("'0123456789'*12+'0123'", "'0123456789'.repeat(12)+'0123'");
  const list = new Function("return [" + args + "]")();
  const code = list.length > 0 && list[0] !== undefined ? String(Number(list[0])) : null;
  let reason = null;
  if (list.length > 1 && list[1] !== undefined) {
    const s = String(list[1]);
    reason = Array.from({ length: s.length }, (_, i) => s.charCodeAt(i));
  }
  out.push({ js: v.js, code, reason });
}
process.stdout.write("[\n" + out.map((o) => JSON.stringify(o)).join(",\n") + "\n]\n");
