// An echo server on Node's ws package, set up as ws's own Autobahn server
// is: every message is sent back as it came, text as text, binary as
// binary; ws answers Pings and Close frames itself. It listens on a free
// port of 127.0.0.1 and prints its URL on the first line of stdout.
// WS_DIR is the folder whose node_modules holds ws.
import { createRequire } from 'node:module';

const require = createRequire(process.env.WS_DIR + '/');
const { WebSocketServer } = require('ws');

const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
wss.on('connection', (ws) => {
  ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
  ws.on('error', () => {}); // a refused frame: ws fails the connection itself
});
wss.on('listening', () => console.log(`ws://127.0.0.1:${wss.address().port}/`));
