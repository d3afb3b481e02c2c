// Static authorization (realms/authorizer.ts): which permission rule decides, for every pairing of
// exact / prefix / wildcard rules, default deny with roles, allow-all without, trusted bypass, the
// per-(authrole, uri, action) cache and disclosure.
import { describe, expect, it } from 'vitest';
import { AllowAll, RoleAuthorizer, createAuthorizer, type Action, type Decision, type PermissionRule, type RoleConfig } from '../../realms/authorizer.js';
import type { RealmMember } from '../../realms/member.js';

function member(authrole: string, options: { trusted?: boolean; id?: number } = {}): RealmMember {
  return {
    id: options.id ?? 1,
    realm: 'realm1',
    authid: 'someone',
    authrole,
    authmethod: 'ticket',
    authprovider: 'static',
    transport: {},
    roles: {},
    trusted: options.trusted ?? false,
    send: () => undefined,
    close: () => undefined,
    isOpen: () => true,
  };
}

function decide(authorizer: RoleAuthorizer | AllowAll, who: RealmMember, uri: string, action: Action): Decision {
  const verdict = authorizer.authorize(who, uri, action, {});
  if (verdict instanceof Promise) throw new Error('a static rule must decide synchronously');
  return verdict;
}

const all = { call: true, register: true, publish: true, subscribe: true };
const none = {};

/** One role "r" with the given rules; each rule is labelled by its `allow.call`. */
function roleWith(rules: PermissionRule[]): RoleAuthorizer {
  return new RoleAuthorizer([{ name: 'r', permissions: rules }], undefined);
}

describe('precedence: the most specific rule wins (the order of pattern-based registrations)', () => {
  // Each row: rules (only one allows), the URI, and which rule must decide ("allow" = the allowing one).
  const table: Array<[string, PermissionRule[], string, boolean]> = [
    ['exact beats prefix', [{ uri: 'com.a.b', allow: all }, { uri: 'com.a.', match: 'prefix', allow: none }], 'com.a.b', true],
    ['exact (deny) beats prefix (allow)', [{ uri: 'com.a.b', allow: none }, { uri: 'com.a.', match: 'prefix', allow: all }], 'com.a.b', false],
    ['exact beats wildcard', [{ uri: 'com.a.b', allow: none }, { uri: 'com..b', match: 'wildcard', allow: all }], 'com.a.b', false],
    ['prefix beats wildcard', [{ uri: 'com.', match: 'prefix', allow: all }, { uri: 'com.a.', match: 'wildcard', allow: none }], 'com.a.b', true],
    ['prefix (deny) beats wildcard (allow)', [{ uri: 'com.', match: 'prefix', allow: none }, { uri: 'com..b', match: 'wildcard', allow: all }], 'com.a.b', false],
    ['the prefix with more URI components wins', [{ uri: 'com.a.', match: 'prefix', allow: none }, { uri: 'com.', match: 'prefix', allow: all }], 'com.a.b', false],
    ['… whichever order the rules are listed in', [{ uri: 'com.', match: 'prefix', allow: all }, { uri: 'com.a.', match: 'prefix', allow: none }], 'com.a.b', false],
    ['equal components: the longer prefix string wins', [{ uri: 'com.ab', match: 'prefix', allow: all }, { uri: 'com.a', match: 'prefix', allow: none }], 'com.abc', true],
    ['a prefix is a string prefix ("com.a" matches "com.ab")', [{ uri: 'com.a', match: 'prefix', allow: all }], 'com.ab', true],
    ['the catch-all prefix "" matches everything', [{ uri: '', match: 'prefix', allow: all }], 'anything.at.all', true],
    ['a more specific prefix beats the catch-all', [{ uri: '', match: 'prefix', allow: all }, { uri: 'com.secret.', match: 'prefix', allow: none }], 'com.secret.x', false],
    ['wildcard with the longer first literal run wins', [{ uri: 'com.a..d', match: 'wildcard', allow: all }, { uri: 'com...d', match: 'wildcard', allow: none }], 'com.a.b.d', true],
    ['wildcard: an earlier literal component beats a later one', [{ uri: 'com.a..', match: 'wildcard', allow: none }, { uri: 'com..b.', match: 'wildcard', allow: all }], 'com.a.b.c', false],
    ['a wildcard rule matches only URIs with as many components', [{ uri: 'com..b', match: 'wildcard', allow: all }], 'com.a.b.c', false],
    ['no rule matches → default deny', [{ uri: 'com.a', allow: all }], 'org.a', false],
    ['an exact rule does not match a longer URI', [{ uri: 'com.a', allow: all }], 'com.a.b', false],
  ];
  it.each(table)('%s', (_name, rules, uri, allowed) => {
    expect(decide(roleWith(rules), member('r'), uri, 'call').allow).toBe(allowed);
  });
});

describe('per-action flags', () => {
  const authorizer = roleWith([{ uri: 'com.feed.', match: 'prefix', allow: { subscribe: true, call: true } }]);
  it.each<[Action, boolean]>([
    ['subscribe', true],
    ['call', true],
    ['publish', false],
    ['register', false],
  ])('allow {subscribe, call} on prefix com.feed.: %s → %s', (action, allowed) => {
    expect(decide(authorizer, member('r'), 'com.feed.ticks', action).allow).toBe(allowed);
  });

  it('a pattern subscription is authorized as its pattern string: "com.feed." prefix-subscribe allowed, "com." denied', () => {
    expect(decide(authorizer, member('r'), 'com.feed.', 'subscribe').allow).toBe(true);
    expect(decide(authorizer, member('r'), 'com.', 'subscribe').allow).toBe(false);
  });
});

describe('roles', () => {
  const roles: RoleConfig[] = [
    { name: 'reader', permissions: [{ uri: 'com.', match: 'prefix', allow: { subscribe: true } }] },
    { name: 'writer', permissions: [{ uri: 'com.', match: 'prefix', allow: all }] },
    { name: 'empty' },
  ];
  const authorizer = new RoleAuthorizer(roles, undefined);

  it('each session is judged by its own authrole', () => {
    expect(decide(authorizer, member('reader'), 'com.x', 'publish').allow).toBe(false);
    expect(decide(authorizer, member('writer'), 'com.x', 'publish').allow).toBe(true);
  });

  it('a role without permissions may do nothing; an authrole that is not configured may do nothing', () => {
    expect(decide(authorizer, member('empty'), 'com.x', 'subscribe').allow).toBe(false);
    expect(decide(authorizer, member('ghost'), 'com.x', 'subscribe').allow).toBe(false);
  });

  it('a trusted member (the router\'s own, a trusted embedding session) is never refused', () => {
    expect(decide(authorizer, member('ghost', { trusted: true }), 'wamp.anything', 'register').allow).toBe(true);
  });

  it('hasRole / authextraOf reflect the configuration', () => {
    const withExtra = new RoleAuthorizer([{ name: 'user', authextra: { tier: 'gold' } }], undefined);
    expect(withExtra.hasRole('user')).toBe(true);
    expect(withExtra.hasRole('admin')).toBe(false);
    expect(withExtra.authextraOf('user')).toEqual({ tier: 'gold' });
    expect(withExtra.authextraOf('admin')).toBeUndefined();
  });

  it('grants(): only an explicit allowing rule, or a trusted member', () => {
    expect(authorizer.grants(member('writer'), 'com.x', 'call')).toBe(true);
    expect(authorizer.grants(member('reader'), 'com.x', 'call')).toBe(false);
    expect(authorizer.grants(member('ghost', { trusted: true }), 'com.x', 'call')).toBe(true);
  });
});

describe('zero config: no roles → allow all', () => {
  it('createAuthorizer(undefined) allows every action on every URI, synchronously', () => {
    const authorizer = createAuthorizer(undefined, undefined);
    expect(authorizer.configured).toBe(false);
    for (const action of ['call', 'register', 'publish', 'subscribe'] as Action[]) {
      expect(authorizer.authorize(member('anonymous'), 'com.anything', action, {})).toEqual({ allow: true, disclose: false });
    }
    expect(authorizer.hasRole('whatever')).toBe(true);
  });

  it('grants() is false for an untrusted member: allow-all never opens the privileged meta procedures', () => {
    expect(new AllowAll().grants(member('anonymous'))).toBe(false);
  });

  it('roles: [] is configured: everything is denied', () => {
    const authorizer = createAuthorizer([], undefined);
    expect(authorizer.configured).toBe(true);
    expect(authorizer.authorize(member('anonymous'), 'com.x', 'call', {})).toMatchObject({ allow: false });
  });
});

describe('disclose', () => {
  const authorizer = roleWith([
    { uri: 'com.rpc.', match: 'prefix', allow: { call: true, publish: true }, disclose: { caller: true } },
    { uri: 'com.pub.', match: 'prefix', allow: { call: true, publish: true }, disclose: { publisher: true } },
  ]);
  it('disclose.caller applies to call, disclose.publisher to publish', () => {
    expect(decide(authorizer, member('r'), 'com.rpc.x', 'call')).toEqual({ allow: true, disclose: true });
    expect(decide(authorizer, member('r'), 'com.rpc.x', 'publish')).toEqual({ allow: true, disclose: false });
    expect(decide(authorizer, member('r'), 'com.pub.x', 'publish')).toEqual({ allow: true, disclose: true });
    expect(decide(authorizer, member('r'), 'com.pub.x', 'call')).toEqual({ allow: true, disclose: false });
  });
});

describe('cache per (authrole, uri, action)', () => {
  it('a second decision for the same triple does not consult the rules again', () => {
    const authorizer = roleWith([{ uri: 'com.', match: 'prefix', allow: { call: true } }]);
    const rules = (authorizer as unknown as { roles: Map<string, { rules: { best: (uri: string) => unknown } }> }).roles.get('r')!.rules;
    let lookups = 0;
    const best = rules.best.bind(rules);
    rules.best = (uri: string) => {
      lookups++;
      return best(uri);
    };
    const who = member('r');
    decide(authorizer, who, 'com.x', 'call');
    decide(authorizer, member('r', { id: 2 }), 'com.x', 'call');
    expect(lookups).toBe(1);
    decide(authorizer, who, 'com.x', 'publish'); // another action: another entry
    decide(authorizer, who, 'com.y', 'call'); // another URI: another entry
    expect(lookups).toBe(3);
  });

  it('the cache is bounded: past 10000 entries it starts over and decisions stay right', () => {
    const authorizer = roleWith([{ uri: 'com.', match: 'prefix', allow: { call: true } }]);
    for (let i = 0; i < 10_050; i++) expect(decide(authorizer, member('r'), `com.u${i}`, 'call').allow).toBe(true);
    expect((authorizer as unknown as { cached: number }).cached).toBeLessThanOrEqual(10_000);
    expect(decide(authorizer, member('r'), 'org.x', 'call').allow).toBe(false);
  });
});
