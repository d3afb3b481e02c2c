// Runs test/python/rawsocket_client.py (Autobahn|Python over RawSocket) with Debian's
// /usr/bin/python3 — the `python3` first on PATH may be a build that cannot see Debian's
// python3-autobahn, python3-msgpack and python3-cbor2 (.ci/run installs them).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';

export const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('../python/rawsocket_client.py', import.meta.url));

/** Empty when Autobahn|Python and its serializers import; else why not (the tests fail with it). */
export function pythonProblem(): string {
  const check = spawnSync(PYTHON, ['-c', 'import autobahn, msgpack, cbor2'], { encoding: 'utf8' });
  if (check.error !== undefined) return `${PYTHON} cannot run: ${check.error.message}`;
  if (check.status !== 0) {
    return `${PYTHON} lacks Autobahn|Python or a serializer (apt-get install python3-autobahn python3-msgpack python3-cbor2): ${check.stderr.trim()}`;
  }
  return '';
}

export interface PythonRun {
  code: number | null;
  /** Parsed stdout lines. */
  lines: Array<Record<string, unknown>>;
  stderr: string;
}

/** Runs the client to completion. */
export function runPython(args: string[], timeoutMs = 12_000): Promise<PythonRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, [SCRIPT, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      const lines = stdout
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      resolve({ code, lines, stderr });
    });
  });
}

/** A long-running client (mode `callee`): its stdout lines as they come. */
export interface PythonProcess {
  child: ChildProcess;
  lines: Array<Record<string, unknown>>;
  /** Resolves with the first line for which `match` is true. */
  waitFor(match: (line: Record<string, unknown>) => boolean, ms?: number): Promise<Record<string, unknown>>;
  exited: Promise<PythonRun>;
  stderr(): string;
}

export function startPython(args: string[]): PythonProcess {
  const child = spawn(PYTHON, [SCRIPT, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: Array<Record<string, unknown>> = [];
  const listeners: Array<() => void> = [];
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  createInterface({ input: child.stdout! }).on('line', (line) => {
    if (line.trim() === '') return;
    lines.push(JSON.parse(line) as Record<string, unknown>);
    for (const listener of listeners.splice(0)) listener();
  });
  const exited = new Promise<PythonRun>((resolve) =>
    child.once('close', (code) => {
      for (const listener of listeners.splice(0)) listener();
      resolve({ code, lines, stderr });
    }),
  );
  let done = false;
  void exited.then(() => (done = true));
  return {
    child,
    lines,
    exited,
    stderr: () => stderr,
    async waitFor(match, ms = 15_000) {
      const deadline = Date.now() + ms;
      for (;;) {
        const found = lines.find(match);
        if (found !== undefined) return found;
        if (done) throw new Error(`python client exited without the expected line; stdout ${JSON.stringify(lines)}; stderr ${stderr}`);
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`python client: no expected line within ${ms} ms; stdout ${JSON.stringify(lines)}; stderr ${stderr}`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          listeners.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
    },
  };
}

/** {"$bytes": hex} as the python client prints bytes. */
export const pyBytes = (bytes: Uint8Array): { $bytes: string } => ({ $bytes: Buffer.from(bytes).toString('hex') });
