// Wildcard patterns (an empty component matches exactly one whole component) in a trie over
// URI components, so a lookup walks the URI once instead of testing every pattern.
// spec: advanced/pubsub_pattern_based_subscription.md, advanced/rpc_pattern_based_registration.md

interface TrieNode<T> {
  literal: Map<string, TrieNode<T>>;
  wildcard: TrieNode<T> | undefined;
  entry: T | undefined;
  pattern: string | undefined;
}

function node<T>(): TrieNode<T> {
  return { literal: new Map(), wildcard: undefined, entry: undefined, pattern: undefined };
}

export interface WildcardHit<T> {
  pattern: string;
  entry: T;
}

export class WildcardTrie<T> {
  private readonly root: TrieNode<T> = node();
  private count = 0;

  get(pattern: string): T | undefined {
    let current: TrieNode<T> | undefined = this.root;
    for (const part of pattern.split('.')) {
      current = part === '' ? current.wildcard : current.literal.get(part);
      if (current === undefined) return undefined;
    }
    return current.entry;
  }

  set(pattern: string, entry: T): void {
    let current = this.root;
    for (const part of pattern.split('.')) {
      if (part === '') current = current.wildcard ??= node();
      else {
        let next = current.literal.get(part);
        if (next === undefined) current.literal.set(part, (next = node()));
        current = next;
      }
    }
    if (current.entry === undefined) this.count++;
    current.entry = entry;
    current.pattern = pattern;
  }

  delete(pattern: string): void {
    const parts = pattern.split('.');
    const path: TrieNode<T>[] = [this.root];
    for (const part of parts) {
      const current = path[path.length - 1];
      const next = part === '' ? current.wildcard : current.literal.get(part);
      if (next === undefined) return;
      path.push(next);
    }
    const leaf = path[path.length - 1];
    if (leaf.entry === undefined) return;
    leaf.entry = undefined;
    leaf.pattern = undefined;
    this.count--;
    // Prune empty nodes so churn does not grow the trie.
    for (let i = parts.length; i > 0; i--) {
      const child = path[i];
      if (child.entry !== undefined || child.wildcard !== undefined || child.literal.size > 0) break;
      const parent = path[i - 1];
      if (parts[i - 1] === '') parent.wildcard = undefined;
      else parent.literal.delete(parts[i - 1]);
    }
  }

  /** Every pattern that matches `uri`, with its entry. */
  matches(uri: string): WildcardHit<T>[] {
    const hits: WildcardHit<T>[] = [];
    if (this.count === 0) return hits;
    const parts = uri.split('.');
    const walk = (current: TrieNode<T>, depth: number): void => {
      if (depth === parts.length) {
        if (current.entry !== undefined) hits.push({ pattern: current.pattern as string, entry: current.entry });
        return;
      }
      const literal = current.literal.get(parts[depth]);
      if (literal !== undefined) walk(literal, depth + 1);
      // A wildcard matches one whole, non-empty component.
      if (current.wildcard !== undefined && parts[depth] !== '') walk(current.wildcard, depth + 1);
    };
    walk(this.root, 0);
    return hits;
  }

  get size(): number {
    return this.count;
  }
}

/**
 * Orders wildcard patterns by the spec's rule: the longer run of literal components before the
 * first wildcard wins; on a tie, the next run decides, and so on. Negative when `a` is better.
 */
export function compareWildcardPatterns(a: string, b: string): number {
  const runsA = literalRuns(a);
  const runsB = literalRuns(b);
  for (let i = 0; i < Math.max(runsA.length, runsB.length); i++) {
    const diff = (runsB[i] ?? 0) - (runsA[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

/** "a1.b2..d4.e5..g7" → [2, 2, 1]: the number of literal components between wildcards. */
function literalRuns(pattern: string): number[] {
  const runs: number[] = [];
  let run = 0;
  for (const part of pattern.split('.')) {
    if (part === '') {
      runs.push(run);
      run = 0;
    } else run++;
  }
  runs.push(run);
  return runs;
}
