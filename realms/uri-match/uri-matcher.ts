// One URI matcher for broker and dealer: exact map + prefix index + wildcard trie.
import { PrefixIndex, comparePrefixes } from './prefix-index.js';
import { WildcardTrie, compareWildcardPatterns } from './wildcard-trie.js';

export type MatchPolicy = 'exact' | 'prefix' | 'wildcard';

export interface MatchHit<T> {
  entry: T;
  match: MatchPolicy;
}

export class UriMatcher<T> {
  private readonly exact = new Map<string, T>();
  private readonly prefix = new PrefixIndex<T>();
  private readonly wildcard = new WildcardTrie<T>();

  /** The entry stored under exactly this (uri, policy). */
  get(uri: string, match: MatchPolicy): T | undefined {
    if (match === 'exact') return this.exact.get(uri);
    return match === 'prefix' ? this.prefix.get(uri) : this.wildcard.get(uri);
  }

  set(uri: string, match: MatchPolicy, entry: T): void {
    if (match === 'exact') this.exact.set(uri, entry);
    else if (match === 'prefix') this.prefix.set(uri, entry);
    else this.wildcard.set(uri, entry);
  }

  delete(uri: string, match: MatchPolicy): void {
    if (match === 'exact') this.exact.delete(uri);
    else if (match === 'prefix') this.prefix.delete(uri);
    else this.wildcard.delete(uri);
  }

  /** True when only exact entries exist, so lookups can skip the pattern indexes. */
  get exactOnly(): boolean {
    return this.prefix.size === 0 && this.wildcard.size === 0;
  }

  /** Every entry that matches a concrete URI (broker: one delivery per matching subscription). */
  all(uri: string): MatchHit<T>[] {
    const hits: MatchHit<T>[] = [];
    const exact = this.exact.get(uri);
    if (exact !== undefined) hits.push({ entry: exact, match: 'exact' });
    if (this.exactOnly) return hits;
    for (const hit of this.prefix.matches(uri)) hits.push({ entry: hit.entry, match: 'prefix' });
    for (const hit of this.wildcard.matches(uri)) hits.push({ entry: hit.entry, match: 'wildcard' });
    return hits;
  }

  /**
   * The single best entry for a concrete URI (dealer), by the spec's order: exact, else the
   * longest prefix, else the wildcard with the longest literal runs.
   * spec: advanced/rpc_pattern_based_registration.md#calls-matching-multiple-registrations
   */
  best(uri: string): MatchHit<T> | undefined {
    const exact = this.exact.get(uri);
    if (exact !== undefined) return { entry: exact, match: 'exact' };
    if (this.exactOnly) return undefined;
    const prefixes = this.prefix.matches(uri);
    if (prefixes.length > 0) {
      prefixes.sort((a, b) => comparePrefixes(a.prefix, b.prefix));
      return { entry: prefixes[0].entry, match: 'prefix' };
    }
    const wildcards = this.wildcard.matches(uri);
    if (wildcards.length > 0) {
      wildcards.sort((a, b) => compareWildcardPatterns(a.pattern, b.pattern));
      return { entry: wildcards[0].entry, match: 'wildcard' };
    }
    return undefined;
  }

  get size(): number {
    return this.exact.size + this.prefix.size + this.wildcard.size;
  }
}

/** True when a concrete URI matches one pattern (for scans over stored topics, not routing). */
export function uriMatches(uri: string, pattern: string, match: MatchPolicy): boolean {
  if (match === 'exact') return uri === pattern;
  if (match === 'prefix') return uri.startsWith(pattern);
  const parts = uri.split('.');
  const patternParts = pattern.split('.');
  return parts.length === patternParts.length && patternParts.every((part, i) => part === '' || part === parts[i]);
}
