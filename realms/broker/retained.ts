// Event retention: the latest retained publication per topic, delivered to new subscribers
// that ask with get_retained and would have been eligible for it
// (spec: advanced/pubsub_event_retention.md).
import type { Args, Dict } from '../protocol/messages.js';
import { uriMatches, type MatchPolicy } from '../uri-match/uri-matcher.js';
import type { PublishFilter } from './publish-filter.js';

export interface RetainedEvent {
  topic: string;
  publication: number;
  /** EVENT.Details as published (publisher disclosure), without subscription-specific keys. */
  details: Dict;
  args: Args | undefined;
  kwargs: Dict | undefined;
  filter: PublishFilter;
}

/**
 * Retained publications kept per topic. A restricted publication (black/white lists) must not
 * hide an earlier one that others may still receive, so each topic keeps its last few, newest
 * last; a subscriber gets the newest one it is eligible for.
 */
const KEPT_PER_TOPIC = 8;

export class RetainedEvents {
  private readonly byTopic = new Map<string, RetainedEvent[]>();

  set(event: RetainedEvent): void {
    let kept = this.byTopic.get(event.topic);
    if (kept === undefined) this.byTopic.set(event.topic, (kept = []));
    kept.push(event);
    if (kept.length > KEPT_PER_TOPIC) kept.shift();
  }

  /** Per topic the (topic, match) subscription covers, the newest event `eligible` accepts. */
  matching(topic: string, match: MatchPolicy, eligible: (event: RetainedEvent) => boolean): RetainedEvent[] {
    const newestEligible = (kept: RetainedEvent[]): RetainedEvent | undefined => {
      for (let i = kept.length - 1; i >= 0; i--) if (eligible(kept[i])) return kept[i];
      return undefined;
    };
    const topics = match === 'exact' ? [this.byTopic.get(topic) ?? []] : [...this.byTopic.values()].filter((kept) => uriMatches(kept[0].topic, topic, match));
    const found: RetainedEvent[] = [];
    for (const kept of topics) {
      const event = newestEligible(kept);
      if (event !== undefined) found.push(event);
    }
    return found;
  }

  get size(): number {
    return this.byTopic.size;
  }
}
