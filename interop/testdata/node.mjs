// Runs a runner module of the browser tests in Node: `node node.mjs fn`
// imports runner.mjs from the same folder, reads the arguments of its
// function fn as a JSON array on stdin, calls it and writes the value it
// resolves to as JSON on stdout.

import * as runner from "./runner.mjs";

const chunks = [];
for await (const c of process.stdin) chunks.push(c);
const args = JSON.parse(Buffer.concat(chunks).toString());
// Exit once written: fetch's kept-alive connections would hold Node open
// for seconds more.
process.stdout.write(JSON.stringify(await runner[process.argv[2]](...args)), () => process.exit(0));
