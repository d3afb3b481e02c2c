#!/usr/bin/env node
// The `sprocket` command: flags > config file > DEFAULTS.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createRouter } from './router.js';
import { ConfigError } from './config-schema.js';
import { DEFAULTS, type RouterConfigInput, type LogLevel } from './config.js';
import { startDemo, type DemoHandle } from './demo.js';

const HELP = `Usage: sprocket [options]

A WAMP v2 router. With no options it serves realm "realm1" to anonymous clients on
ws://127.0.0.1:8080/ws (serializers wamp.2.json, wamp.2.msgpack, wamp.2.cbor), with a demo
page at http://127.0.0.1:8080/. A config file adds RawSocket (TCP, Unix socket) and TLS
listeners, realms, authentication and roles (see README, "Configuration").

Options:
  --config FILE       JSON config file (see README, "Configuration")
  --host HOST         host of the first WebSocket listener (default 127.0.0.1)
  --port PORT         port of the first WebSocket listener (default 8080; 0 picks a free one)
  --realm NAME        serve this realm; repeat for several (added to the config file's realms)
  --log-level LEVEL   fatal, error, warn, info (default), debug, trace or silent
  --no-demo           without --config the router runs the browser demo (ticker and
                      demo.add in realm1, page at http://127.0.0.1:8080/); this turns it off
  -h, --help          show this help
  -v, --version       print the version
`;

function fail(message: string): never {
  process.stderr.write(`sprocket: ${message}\n`);
  process.exit(2);
}

function readConfigFile(path: string): RouterConfigInput {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    fail(`cannot read config file ${path}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text) as RouterConfigInput;
  } catch (error) {
    fail(`config file ${path} is not valid JSON: ${(error as Error).message}`);
  }
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be an integer in 0..65535, got "${value}"`);
  return port;
}

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      options: {
        config: { type: 'string' },
        host: { type: 'string' },
        port: { type: 'string' },
        realm: { type: 'string', multiple: true },
        'log-level': { type: 'string' },
        'no-demo': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (error) {
    fail(`${(error as Error).message}\n\n${HELP}`);
  }
  const flags = parsed.values;
  if (flags.help) {
    process.stdout.write(HELP);
    return;
  }
  if (flags.version) {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    process.stdout.write(`${pkg.version}\n`);
    return;
  }

  const input: RouterConfigInput = flags.config ? readConfigFile(flags.config) : {};
  if (flags.host !== undefined || flags.port !== undefined) {
    const [first = { type: 'websocket' as const }, ...rest] = input.listeners ?? [];
    input.listeners = [
      { ...first, ...(flags.host !== undefined && { host: flags.host }), ...(flags.port !== undefined && { port: parsePort(flags.port) }) },
      ...rest,
    ];
  }
  if (flags.realm !== undefined) {
    // --realm adds to the file's realms, or to the default realm1 when the file names none.
    const base = input.realms ?? DEFAULTS.realms;
    const named = new Set(base.map((realm) => realm.name));
    input.realms = [...base, ...flags.realm.filter((name) => !named.has(name)).map((name) => ({ name }))];
  }
  if (flags['log-level'] !== undefined) input.log = { ...input.log, level: flags['log-level'] as LogLevel };

  let router;
  try {
    router = createRouter(input);
  } catch (error) {
    if (error instanceof ConfigError) fail(`${flags.config ? `${flags.config}: ` : ''}${error.message}`);
    throw error;
  }
  let addresses;
  try {
    addresses = await router.start();
  } catch (error) {
    fail(`cannot listen: ${(error as Error).message}`);
  }
  const realms = router.config.realms.map((realm) => realm.name).join(', ');
  for (const address of addresses) {
    router.logger.info({ url: address.url, realms }, 'listening');
    process.stdout.write(`Sprocket listening on ${address.url} (realms: ${realms})\n`);
  }

  // The browser demo (router/demo.ts, web/): only with the default config, never from createRouter().
  let demo: DemoHandle | undefined;
  if (flags.config === undefined && flags['no-demo'] !== true && router.config.realms.some((realm) => realm.name === 'realm1')) {
    demo = await startDemo(router, { realm: 'realm1' });
    const web = addresses.find((address) => address.type === 'websocket');
    if (web !== undefined) {
      const page = `${web.url.slice(0, web.url.length - web.path.length).replace(/^ws/, 'http')}/`;
      process.stdout.write(`Demo page: ${page}\n`);
    }
  }

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    demo?.stop();
    router.logger.info({ signal }, 'shutting down');
    router.close().then(
      () => process.exit(0),
      (error: unknown) => {
        router.logger.error({ err: error }, 'error while shutting down');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(`sprocket: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
