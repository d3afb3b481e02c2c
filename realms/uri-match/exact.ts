/**
 * Exact-URI lookup shared by broker and dealer. Prefix and wildcard tries join it when
 * pattern-based subscriptions and registrations arrive (advanced/pubsub_pattern_based_subscription.md).
 */
export class ExactMatcher<T> {
  private readonly byUri = new Map<string, T>();

  get(uri: string): T | undefined {
    return this.byUri.get(uri);
  }

  set(uri: string, entry: T): void {
    this.byUri.set(uri, entry);
  }

  delete(uri: string): void {
    this.byUri.delete(uri);
  }

  get size(): number {
    return this.byUri.size;
  }

  values(): IterableIterator<T> {
    return this.byUri.values();
  }
}
