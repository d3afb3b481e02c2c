// OriginPolicy (router/http/origin.ts) without sockets: which Origin headers pass for which
// listener host and local address.
import { describe, expect, it } from 'vitest';
import { OriginPolicy } from '../../router/http/origin.js';

describe('OriginPolicy', () => {
  it('no Origin → allowed', () => {
    expect(new OriginPolicy('127.0.0.1').allows(undefined, '127.0.0.1')).toBe(true);
  });

  it('loopback origins → allowed on any port, whatever the listener host', () => {
    const policy = new OriginPolicy('10.1.2.3');
    for (const origin of ['http://localhost:1', 'https://localhost', 'http://dev.localhost:3000', 'http://127.0.0.1:8080', 'http://127.9.9.9', 'http://[::1]:9000']) {
      expect(policy.allows(origin, '10.1.2.3')).toBe(true);
    }
  });

  it('the configured listener host → allowed; another name → 403', () => {
    const policy = new OriginPolicy('router.example.com');
    expect(policy.allows('https://router.example.com', '10.0.0.5')).toBe(true);
    expect(policy.allows('https://ROUTER.example.com:8443', '10.0.0.5')).toBe(true);
    expect(policy.allows('https://example.com', '10.0.0.5')).toBe(false);
  });

  it('a wildcard listener (0.0.0.0) → the address the connection arrived on is its own host', () => {
    const policy = new OriginPolicy('0.0.0.0');
    expect(policy.allows('http://192.168.1.5:8080', '::ffff:192.168.1.5')).toBe(true);
    expect(policy.allows('http://192.168.1.6:8080', '::ffff:192.168.1.5')).toBe(false);
    expect(policy.allows('http://0.0.0.0:8080', '192.168.1.5')).toBe(false);
    // a DNS-rebinding name is not "own host" even if the Host header says so
    expect(policy.allows('http://rebind.evil.example:8080', '192.168.1.5')).toBe(false);
  });

  it('an IPv6 listener host → allowed in bracket form', () => {
    expect(new OriginPolicy('fd00::1').allows('http://[fd00::1]:8080', 'fd00::1')).toBe(true);
  });

  it('non-http(s) and opaque origins → refused unless "*" is configured', () => {
    const policy = new OriginPolicy('127.0.0.1');
    for (const origin of ['null', 'file://', 'chrome-extension://abc', 'ws://localhost', 'garbage']) expect(policy.allows(origin, '127.0.0.1')).toBe(false);
    expect(new OriginPolicy('127.0.0.1', ['*']).allows('null', '127.0.0.1')).toBe(true);
  });

  it('configured origins compare by scheme, host and port (default ports folded)', () => {
    const policy = new OriginPolicy('127.0.0.1', ['https://app.example.com', 'http://intranet:8080']);
    expect(policy.allows('https://app.example.com:443', '127.0.0.1')).toBe(true);
    expect(policy.allows('https://app.example.com:444', '127.0.0.1')).toBe(false);
    expect(policy.allows('http://intranet:8080', '127.0.0.1')).toBe(true);
    expect(policy.allows('http://intranet', '127.0.0.1')).toBe(false);
  });
});
