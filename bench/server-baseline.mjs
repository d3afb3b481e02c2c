// The baseline: a raw `ws` server doing the same forwarding as the router with no WAMP logic,
// the ceiling for any router built on `ws`. Roles come from the URL query, not from messages:
//   ?role=sub&topic=K   receives every frame a publisher of topic K sends (same bytes)
//   ?role=pub&topic=K   its frames go to topic K's subscribers
//   ?role=callee        gets every caller's frame; its replies go back in order (FIFO)
//   ?role=caller        its frames go to the callee
//   ?role=conn          each frame is answered with a fixed WELCOME (handshake cost only)
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';
import { encode } from './wire.mjs';
import { serveIpc } from './server-ipc.mjs';

const server = createServer((_req, res) => res.writeHead(426).end());
// The router's ws options: no compression, 16 MiB frames, first offered subprotocol.
const wss = new WebSocketServer({ server, path: '/ws', perMessageDeflate: false, maxPayload: 16 * 1024 * 1024, handleProtocols: (offered) => [...offered][0] ?? false });
const welcome = {
  'wamp.2.json': Buffer.from(encode('json', [2, 1, { roles: { broker: {}, dealer: {} } }])),
  'wamp.2.msgpack': encode('msgpack', [2, 1, { roles: { broker: {}, dealer: {} } }]),
};
const TEXT = { binary: false };
const BINARY = { binary: true };

const topics = new Map(); // topic → Set of subscriber sockets
let callee;
const waiting = []; // callers, in the order their calls went to the callee

wss.on('connection', (ws, req) => {
  const query = new URL(req.url, 'http://x').searchParams;
  const role = query.get('role');
  const topic = query.get('topic');
  const options = ws.protocol === 'wamp.2.json' ? TEXT : BINARY;
  ws.on('error', () => undefined);
  if (role === 'sub') {
    if (!topics.has(topic)) topics.set(topic, new Set());
    const subscribers = topics.get(topic);
    subscribers.add(ws);
    ws.on('close', () => subscribers.delete(ws));
  } else if (role === 'pub') {
    ws.on('message', (data) => {
      for (const subscriber of topics.get(topic) ?? []) subscriber.send(data, options);
    });
  } else if (role === 'callee') {
    callee = ws;
    ws.on('message', (data) => {
      const caller = waiting.shift();
      if (caller?.readyState === 1) caller.send(data, options);
    });
    ws.on('close', () => (callee = callee === ws ? undefined : callee));
  } else if (role === 'caller') {
    ws.on('message', (data) => {
      if (callee === undefined) return;
      waiting.push(ws);
      callee.send(data, options);
    });
  } else {
    ws.on('message', () => ws.send(welcome[ws.protocol], options));
  }
});

server.listen(0, '127.0.0.1', () => serveIpc(`ws://127.0.0.1:${server.address().port}/ws`, () => wss.clients.size));
