import { describe, expect, it } from 'vitest';
import { UriMatcher, type MatchPolicy } from '../../realms/uri-match/uri-matcher.js';

function matcherWith(entries: Array<[string, MatchPolicy, number]>): UriMatcher<number> {
  const matcher = new UriMatcher<number>();
  for (const [uri, match, id] of entries) matcher.set(uri, match, id);
  return matcher;
}

describe('UriMatcher.best — the registration tie-break order of rpc_pattern_based_registration.md', () => {
  const matcher = matcherWith([
    ['a1.b2.c3.d4.e55', 'exact', 1],
    ['a1.b2.c3', 'prefix', 2],
    ['a1.b2.c3.d4', 'prefix', 3],
    ['a1.b2..d4.e5', 'wildcard', 4],
    ['a1.b2.c33..e5', 'wildcard', 5],
    ['a1.b2..d4.e5..g7', 'wildcard', 6],
    ['a1.b2..d4..f6.g7', 'wildcard', 7],
  ]);
  it.each([
    ['a1.b2.c3.d4.e55', 1, 'exact'],
    ['a1.b2.c3.d98.e74', 2, 'prefix'],
    ['a1.b2.c3.d4.e325', 3, 'prefix'],
    ['a1.b2.c55.d4.e5', 4, 'wildcard'],
    ['a1.b2.c88.d4.e5.f6.g7', 6, 'wildcard'],
  ])('%s → registration %i (%s)', (uri, id, match) => {
    expect(matcher.best(uri)).toEqual({ entry: id, match });
  });
  // The spec's example expects 'a1.b2.c33.d4.e5' to find no prefix match, but its own prefix
  // definition is a string prefix ('com.myapp.myobject1' matches 'com.myapp.myobject1-mysubobject1'),
  // under which 'a1.b2.c3' does match. We follow the definition; the wildcard tie-break of that
  // example is checked without the competing prefix.
  it('a1.b2.c33.d4.e5 → the string prefix a1.b2.c3 wins over every wildcard', () => {
    expect(matcher.best('a1.b2.c33.d4.e5')).toEqual({ entry: 2, match: 'prefix' });
  });
  it('wildcards: a longer first literal run wins (a1.b2.c33..e5 over a1.b2..d4.e5)', () => {
    const m = matcherWith([
      ['a1.b2..d4.e5', 'wildcard', 4],
      ['a1.b2.c33..e5', 'wildcard', 5],
    ]);
    expect(m.best('a1.b2.c33.d4.e5')).toEqual({ entry: 5, match: 'wildcard' });
  });
  it('no match → undefined', () => {
    expect(matcher.best('a2.b2.c2.d2.e2')).toBeUndefined();
  });
  it('equal component counts: the longer prefix string wins', () => {
    const m = matcherWith([
      ['com.app', 'prefix', 1],
      ['com.application', 'prefix', 2],
    ]);
    expect(m.best('com.application.x')?.entry).toBe(2);
  });
  it('more components beat a longer string', () => {
    const m = matcherWith([
      ['com.a.b', 'prefix', 1],
      ['com.averyverylongname', 'prefix', 2],
    ]);
    expect(m.best('com.a.b.c')?.entry).toBe(1);
  });
  it('prefix beats wildcard even when the wildcard has more literal components', () => {
    const m = matcherWith([
      ['a', 'prefix', 1],
      ['a.b..d', 'wildcard', 2],
    ]);
    expect(m.best('a.b.c.d')?.entry).toBe(1);
  });
});

describe('UriMatcher.all — every matching subscription', () => {
  it('prefix is a string prefix: a.b matches a.bc and a.b.c, not a.c', () => {
    const m = matcherWith([['a.b', 'prefix', 1]]);
    expect(m.all('a.bc').map((h) => h.entry)).toEqual([1]);
    expect(m.all('a.b.c').map((h) => h.entry)).toEqual([1]);
    expect(m.all('a.b').map((h) => h.entry)).toEqual([1]);
    expect(m.all('a.c')).toEqual([]);
  });
  it('a wildcard component matches exactly one whole component', () => {
    const m = matcherWith([['com.myapp..myprocedure1', 'wildcard', 1]]);
    expect(m.all('com.myapp.x.myprocedure1').map((h) => h.entry)).toEqual([1]);
    expect(m.all('com.myapp.x.myprocedure1.sub')).toEqual([]);
    expect(m.all('com.myapp.x.myprocedure2')).toEqual([]);
    expect(m.all('com.myapp.myprocedure1')).toEqual([]);
  });
  it('returns exact, prefix and wildcard hits together', () => {
    const m = matcherWith([
      ['a.b.c', 'exact', 1],
      ['a.b', 'prefix', 2],
      ['a..c', 'wildcard', 3],
    ]);
    expect(m.all('a.b.c').map((h) => [h.entry, h.match])).toEqual([
      [1, 'exact'],
      [2, 'prefix'],
      [3, 'wildcard'],
    ]);
  });
  it('delete removes entries and prunes the trie', () => {
    const m = matcherWith([
      ['a..c', 'wildcard', 1],
      ['a.b', 'prefix', 2],
    ]);
    m.delete('a..c', 'wildcard');
    m.delete('a.b', 'prefix');
    expect(m.all('a.b.c')).toEqual([]);
    expect(m.size).toBe(0);
    expect(m.exactOnly).toBe(true);
  });
  it('get finds an entry by its own (uri, policy) only', () => {
    const m = matcherWith([['a.b', 'prefix', 2]]);
    expect(m.get('a.b', 'prefix')).toBe(2);
    expect(m.get('a.b', 'exact')).toBeUndefined();
    expect(m.get('a.b', 'wildcard')).toBeUndefined();
  });
});
