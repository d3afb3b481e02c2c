// vitest globalSetup: a throwaway PKI for the TLS tests, made with the `openssl` CLI in a fresh
// temp dir: a CA, a server certificate for localhost / 127.0.0.1 and a client certificate, all
// signed by that CA. It runs in the main vitest process before any test worker starts, so
// NODE_EXTRA_CA_CERTS set here reaches every worker: Node's WebSocket (used by autobahn) takes
// no CA option and only trusts what Node trusts at startup.
//
// If openssl is missing, nothing is generated and the TLS tests fail with the reason (inject
// 'tlsSetupError'); the rest of the suite runs as usual.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

/** PEM file paths of the test PKI. */
export interface TestTlsFiles {
  dir: string;
  caCert: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    tlsFiles: TestTlsFiles | null;
    tlsSetupError: string;
  }
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

function makePki(dir: string): TestTlsFiles {
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=Sprocket test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n');
  openssl(['req', '-new', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost'], dir);
  openssl(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem',
    '-days', '2', '-extfile', 'server.ext'], dir);
  writeFileSync(join(dir, 'client.ext'), 'extendedKeyUsage=clientAuth\nbasicConstraints=CA:FALSE\n');
  openssl(['req', '-new', ...ec, '-keyout', 'client.key', '-out', 'client.csr', '-subj', '/CN=sprocket-test-client'], dir);
  openssl(['x509', '-req', '-in', 'client.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'client.pem',
    '-days', '2', '-extfile', 'client.ext'], dir);
  return {
    dir,
    caCert: join(dir, 'ca.pem'),
    serverCert: join(dir, 'server.pem'),
    serverKey: join(dir, 'server.key'),
    clientCert: join(dir, 'client.pem'),
    clientKey: join(dir, 'client.key'),
  };
}

export default function setup(project: TestProject): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'sprocket-tls-'));
  let files: TestTlsFiles | null = null;
  let error = '';
  try {
    files = makePki(dir);
    // Before the workers start: they read it once, at their own startup.
    // An extra CA file the environment already names is kept: both go into one bundle.
    const extra = process.env.NODE_EXTRA_CA_CERTS;
    let bundle = files.caCert;
    if (extra !== undefined && extra !== '') {
      bundle = join(dir, 'extra-ca-bundle.pem');
      writeFileSync(bundle, `${readFileSync(extra, 'utf8')}\n${readFileSync(files.caCert, 'utf8')}`);
    }
    process.env.NODE_EXTRA_CA_CERTS = bundle;
    process.env.SPROCKET_TEST_TLS_DIR = dir;
  } catch (cause) {
    const stderr = (cause as { stderr?: Buffer }).stderr?.toString().trim();
    error = `could not make the test certificates with the openssl CLI: ${(cause as Error).message}${stderr ? `\n${stderr}` : ''}`;
  }
  project.provide('tlsFiles', files);
  project.provide('tlsSetupError', error);
  return () => rmSync(dir, { recursive: true, force: true });
}
