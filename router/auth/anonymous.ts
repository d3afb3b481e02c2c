// Anonymous authentication: no credentials, a random authid, the configured authrole
// (default `anonymous`). The zero-config realm admits only this.
import { randomBytes } from 'node:crypto';
import type { AuthRequest, Authenticated, Authenticator } from './authenticator.js';
import { AUTH_DEFAULTS, type AnonymousConfig } from './config.js';

export class AnonymousAuthenticator implements Authenticator {
  readonly method = 'anonymous';
  private readonly role: string;

  constructor(config: AnonymousConfig = {}) {
    this.role = config.role ?? AUTH_DEFAULTS.anonymousRole;
  }

  start(_request: AuthRequest): Authenticated {
    return { kind: 'welcome', authid: randomBytes(9).toString('base64url'), authrole: this.role, authprovider: 'static' };
  }
}
