// TLS for listeners: reads the PEM files a listener's `tls` config names into the options that
// https.createServer (wss) and tls.createServer (RawSocket over TLS) take.
import { readFileSync } from 'node:fs';
import type { TlsOptions } from 'node:tls';
import type { TlsConfig } from '../config.js';

/** A TLS file that could not be read; the message names the config key and the path. */
export class TlsConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TlsConfigError';
  }
}

function readPem(where: string, key: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new TlsConfigError(`${where}.tls.${key}: cannot read ${path}: ${(error as Error).message}`);
  }
}

/**
 * Server TLS options from a listener's `tls` block; `where` names the listener in errors, e.g.
 * `listeners[1]`. With `requestClientCert`, a client must present a certificate signed by `ca`
 * (or, without `ca`, by a CA in Node's default store): connections without one fail the TLS
 * handshake.
 */
export function loadTlsOptions(config: TlsConfig, where = 'listener'): TlsOptions {
  const options: TlsOptions = {
    cert: readPem(where, 'cert', config.cert),
    key: readPem(where, 'key', config.key),
  };
  if (config.ca !== undefined) options.ca = readPem(where, 'ca', config.ca);
  if (config.requestClientCert === true) {
    options.requestCert = true;
    options.rejectUnauthorized = true;
  }
  return options;
}
