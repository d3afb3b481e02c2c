// The `sprocket` command (router/cli.ts) as users run it: `node dist/router/cli.js` in a child
// process. Flags > config file > defaults; SIGTERM says GOODBYE to every session and exits 0.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { execSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openRaw, type RawPeer } from '../helpers/raw.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = join(ROOT, 'dist/router/cli.js');
const LISTENING = /Sprocket listening on (ws:\/\/127\.0\.0\.1:(\d+)\/ws)/;

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const children: ChildProcess[] = [];
const peers: RawPeer[] = [];
let tempDir = '';

beforeAll(() => {
  // The CLI runs from dist/: build it from the current sources. tsc emits even when some other
  // file has a type error, so a failed build only matters if it produced no cli.js.
  try {
    execSync('npm run build', { cwd: ROOT, stdio: 'pipe' });
  } catch (error) {
    if (!existsSync(CLI)) throw error;
  }
  tempDir = mkdtempSync(join(tmpdir(), 'sprocket-cli-test-'));
}, 60_000);

afterAll(() => {
  if (tempDir !== '') rmSync(tempDir, { recursive: true, force: true });
});

afterEach(async () => {
  await Promise.all(peers.splice(0).map((peer) => peer.close()));
  // Only the processes this file started, by their own handle.
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
});

function run(args: string[]): Run {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

/** Resolves with the match of `pattern` (default: the listening line) once the CLI prints it. */
async function waitForOutput(r: Run, pattern = LISTENING, ms = 10_000): Promise<RegExpExecArray> {
  const deadline = Date.now() + ms;
  for (;;) {
    const match = pattern.exec(r.stdout());
    if (match) return match;
    if (r.child.exitCode !== null) throw new Error(`CLI exited ${r.child.exitCode}: ${r.stderr()}`);
    if (Date.now() > deadline) throw new Error(`no ${pattern} within ${ms} ms; stdout: ${r.stdout()} stderr: ${r.stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function listeningUrl(r: Run): Promise<string> {
  return (await waitForOutput(r))[1];
}

async function peer(url: string): Promise<RawPeer> {
  const p = await openRaw(url, 'json');
  peers.push(p);
  return p;
}

function configFile(name: string, content: unknown): string {
  const path = join(tempDir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

describe('sprocket CLI', () => {
  it('--help exits 0 and lists --host, --port, --realm, --config and --log-level', async () => {
    const r = run(['--help']);
    expect((await r.exited).code).toBe(0);
    for (const flag of ['--host', '--port', '--realm', '--config', '--log-level']) expect(r.stdout()).toContain(flag);
    expect(r.stderr()).toBe('');
  });

  it('--version prints the package version and exits 0', async () => {
    const r = run(['--version']);
    expect((await r.exited).code).toBe(0);
    expect(r.stdout().trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('--port 0 --log-level silent prints the URL; a raw peer gets WELCOME; SIGTERM → GOODBYE wamp.close.system_shutdown and exit 0', async () => {
    const r = run(['--port', '0', '--log-level', 'silent']);
    const url = await listeningUrl(r);
    expect(Number(LISTENING.exec(r.stdout())?.[2])).toBeGreaterThan(0);
    const p = await peer(url);
    expect(await p.join('realm1')).toEqual([2, expect.any(Number), expect.objectContaining({ authrole: 'anonymous' })]);
    p.send([32, 1, {}, 'com.example.topic']);
    expect(await p.next()).toEqual([33, 1, expect.any(Number)]);
    r.child.kill('SIGTERM');
    expect(await p.next(5000)).toEqual([6, { message: expect.any(String) }, 'wamp.close.system_shutdown']);
    p.send([6, {}, 'wamp.close.goodbye_and_out']);
    await p.closed;
    expect(await r.exited).toEqual({ code: 0, signal: null });
  });

  it('SIGINT also shuts down with GOODBYE and exits 0, even if the client never answers the GOODBYE', async () => {
    const r = run(['--port', '0', '--log-level', 'silent']);
    const p = await peer(await listeningUrl(r));
    expect((await p.join())[0]).toBe(2);
    r.child.kill('SIGINT');
    expect(await p.next(5000)).toEqual([6, { message: expect.any(String) }, 'wamp.close.system_shutdown']);
    expect(await r.exited).toEqual({ code: 0, signal: null });
    await p.closed;
  });

  it('a config file with {"realms":[{"name":5}]} → exit code 2 and stderr names "realms[0].name: must be a string"', async () => {
    const path = configFile('bad-name.json', { realms: [{ name: 5 }] });
    const r = run(['--config', path, '--port', '0']);
    expect((await r.exited).code).toBe(2);
    expect(r.stderr()).toContain('realms[0].name: must be a string');
    expect(r.stdout()).not.toMatch(LISTENING);
  });

  it('a config file with several problems → exit code 2 and every problem on stderr', async () => {
    const path = configFile('bad-many.json', { realms: [{ name: 'realm1', uriCheck: 'medium' }], log: { level: 'loud' }, extra: 1 });
    const r = run(['--config', path]);
    expect((await r.exited).code).toBe(2);
    expect(r.stderr()).toContain('realms[0].uriCheck: must be one of "loose", "strict"');
    expect(r.stderr()).toContain('log.level: must be one of');
    expect(r.stderr()).toContain('(root): unknown key "extra"');
    expect(r.stderr()).toContain(path);
  });

  it('a config file that is not JSON → exit code 2 and a message naming the file', async () => {
    const path = configFile('not-json.json', '{ realms: ');
    const r = run(['--config', path]);
    expect((await r.exited).code).toBe(2);
    expect(r.stderr()).toContain(path);
    expect(r.stderr()).toContain('not valid JSON');
  });

  it('a missing config file → exit code 2', async () => {
    const r = run(['--config', join(tempDir, 'does-not-exist.json')]);
    expect((await r.exited).code).toBe(2);
    expect(r.stderr()).toContain('cannot read config file');
  });

  it.each([
    ['--port abc', ['--port', 'abc']],
    ['--port 70000', ['--port', '70000']],
    ['an unknown flag --bogus', ['--bogus']],
    ['--log-level loud', ['--port', '0', '--log-level', 'loud']],
  ])('%s → exit code 2 with a message on stderr', async (_name, args) => {
    const r = run(args);
    expect((await r.exited).code).toBe(2);
    expect(r.stderr()).toMatch(/^sprocket: /);
  });

  it('--realm extra → a HELLO for realm "extra" gets WELCOME', async () => {
    const r = run(['--port', '0', '--log-level', 'silent', '--realm', 'extra']);
    const url = await listeningUrl(r);
    expect(r.stdout()).toContain('extra');
    const p = await peer(url);
    expect(await p.join('extra')).toEqual([2, expect.any(Number), expect.any(Object)]);
    r.child.kill('SIGTERM');
    expect((await p.next(5000))[0]).toBe(6);
    expect((await r.exited).code).toBe(0);
  });

  it('--realm a --realm b with a config file realm → all three realms are served; an unknown realm is refused', async () => {
    const path = configFile('realms.json', { realms: [{ name: 'from.file' }], log: { level: 'silent' } });
    const r = run(['--config', path, '--port', '0', '--realm', 'a', '--realm', 'b']);
    const url = await listeningUrl(r);
    for (const realm of ['from.file', 'a', 'b']) {
      const p = await peer(url);
      expect((await p.join(realm))[0]).toBe(2);
    }
    const refused = await peer(url);
    expect(await refused.join('realm.other')).toEqual([3, expect.any(Object), 'wamp.error.no_such_realm']);
    r.child.kill('SIGTERM');
    expect((await r.exited).code).toBe(0);
  });

  it('flags override the config file: --port 0 wins over the file’s port', async () => {
    const path = configFile('port.json', { listeners: [{ type: 'websocket', port: 1, path: '/wamp' }], log: { level: 'silent' } });
    const r = run(['--config', path, '--port', '0']);
    const match = await waitForOutput(r, /Sprocket listening on ws:\/\/127\.0\.0\.1:(\d+)\/wamp/);
    expect(Number(match[1])).toBeGreaterThan(1);
    const p = await peer(`ws://127.0.0.1:${match[1]}/wamp`);
    expect((await p.join())[0]).toBe(2);
    r.child.kill('SIGTERM');
    expect((await r.exited).code).toBe(0);
  });
});
