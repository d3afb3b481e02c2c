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

export class RetainedEvents {
  private readonly byTopic = new Map<string, RetainedEvent>();

  set(event: RetainedEvent): void {
    this.byTopic.set(event.topic, event);
  }

  /** The retained events a (topic, match) subscription covers. */
  matching(topic: string, match: MatchPolicy): RetainedEvent[] {
    if (match === 'exact') {
      const event = this.byTopic.get(topic);
      return event === undefined ? [] : [event];
    }
    return [...this.byTopic.values()].filter((event) => uriMatches(event.topic, topic, match));
  }

  get size(): number {
    return this.byTopic.size;
  }
}
