// Prefix patterns: a URI matches every registered prefix it starts with (string prefix, so
// `a.b` matches `a.bc` and `a.b.c`). Prefixes are grouped by length, so a lookup costs one map
// probe per distinct prefix length, not one per prefix.
// spec: advanced/pubsub_pattern_based_subscription.md#prefix-matching

export interface PrefixHit<T> {
  prefix: string;
  entry: T;
}

export class PrefixIndex<T> {
  private readonly byLength = new Map<number, Map<string, T>>();
  private count = 0;

  get(prefix: string): T | undefined {
    return this.byLength.get(prefix.length)?.get(prefix);
  }

  set(prefix: string, entry: T): void {
    let group = this.byLength.get(prefix.length);
    if (group === undefined) this.byLength.set(prefix.length, (group = new Map()));
    if (!group.has(prefix)) this.count++;
    group.set(prefix, entry);
  }

  delete(prefix: string): void {
    const group = this.byLength.get(prefix.length);
    if (group === undefined || !group.delete(prefix)) return;
    this.count--;
    if (group.size === 0) this.byLength.delete(prefix.length);
  }

  /** Every registered prefix of `uri`. */
  matches(uri: string): PrefixHit<T>[] {
    const hits: PrefixHit<T>[] = [];
    if (this.count === 0) return hits;
    for (const [length, group] of this.byLength) {
      if (length > uri.length) continue;
      const prefix = uri.slice(0, length);
      const entry = group.get(prefix);
      if (entry !== undefined) hits.push({ prefix, entry });
    }
    return hits;
  }

  get size(): number {
    return this.count;
  }
}

/**
 * Orders prefixes by the spec's rule for registrations: more URI components matched wins;
 * with equal component counts the longer string wins. Negative when `a` is better.
 */
export function comparePrefixes(a: string, b: string): number {
  const components = (s: string): number => s.split('.').length;
  return components(b) - components(a) || b.length - a.length;
}
