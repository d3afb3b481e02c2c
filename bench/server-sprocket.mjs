// Sprocket in its own process for the benchmark: one listener on 127.0.0.1, default realm1.
import { pathToFileURL } from 'node:url';
import { serveIpc } from './server-ipc.mjs';

// SPROCKET_DIST points at another build (A/B comparisons); default ../dist.
const dist = process.env.SPROCKET_DIST ? pathToFileURL(`${process.env.SPROCKET_DIST}/`).href : new URL('../dist/', import.meta.url).href;
const { createRouter } = await import(new URL('router/index.js', dist).href);

const router = createRouter({ listeners: [{ type: 'websocket', host: '127.0.0.1', port: 0 }], log: { level: 'silent' } });
const [address] = await router.start();
serveIpc(address.url, () => router.stats().sessions);
