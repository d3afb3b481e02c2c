// Event history: per configured topic pattern, the last N events, queried through
// wamp.subscription.get_events (spec: advanced/pubsub_event_history.md).
import type { Args, Dict } from '../protocol/messages.js';
import type { RealmMember } from '../member.js';
import { uriMatches, type MatchPolicy } from '../uri-match/uri-matcher.js';
import type { PublishFilter } from './publish-filter.js';

export interface HistoryConfig {
  topic: string;
  match: MatchPolicy;
  /** Events kept; the oldest is dropped first. */
  limit: number;
}

interface StoredEvent {
  time: number;
  topic: string;
  publication: number;
  details: Dict;
  args: Args | undefined;
  kwargs: Dict | undefined;
  filter: PublishFilter;
}

/** The keyword filters of wamp.subscription.get_events, already type-checked. */
export interface HistoryQuery {
  reverse?: boolean;
  limit?: number;
  from_time?: number;
  after_time?: number;
  before_time?: number;
  until_time?: number;
  from_publication?: number;
  after_publication?: number;
  before_publication?: number;
  until_publication?: number;
  topic?: string;
}

/** One event as get_events returns it. */
export interface HistoryEvent {
  timestamp: string;
  subscription: number;
  publication: number;
  details: Dict;
  args?: Args;
  kwargs?: Dict;
}

class TopicHistory {
  readonly events: StoredEvent[] = [];
  constructor(readonly config: HistoryConfig) {}

  add(event: StoredEvent): void {
    this.events.push(event);
    if (this.events.length > this.config.limit) this.events.shift();
  }
}

export class EventHistory {
  private readonly topics: TopicHistory[];

  constructor(configs: HistoryConfig[]) {
    this.topics = configs.map((config) => new TopicHistory(config));
  }

  get enabled(): boolean {
    return this.topics.length > 0;
  }

  /**
   * Stores a publication in every history whose pattern matches its topic. Events published
   * with session-id lists (exclude/eligible) are not stored: ids mean nothing to later sessions.
   */
  record(topic: string, publication: number, details: Dict, args: Args | undefined, kwargs: Dict | undefined, filter: PublishFilter): void {
    if (filter.usesSessionIds) return;
    const time = Date.now();
    for (const history of this.topics) {
      if (uriMatches(topic, history.config.topic, history.config.match)) {
        // The EVENT a pattern subscriber got carried the concrete topic; history keeps it too.
        const stored = history.config.match === 'exact' ? details : { ...details, topic };
        history.add({ time, topic, publication, details: stored, args, kwargs, filter });
      }
    }
  }

  /** True when (topic, match) has history configured. */
  has(topic: string, match: MatchPolicy): boolean {
    return this.find(topic, match) !== undefined;
  }

  /**
   * The events of the history configured for exactly (topic, match), filtered by the query
   * and by what `requester` could have received (authid/authrole lists).
   */
  query(subscriptionId: number, topic: string, match: MatchPolicy, requester: RealmMember, query: HistoryQuery): HistoryEvent[] {
    const history = this.find(topic, match);
    if (history === undefined) return [];
    let events = history.events.filter((event) => event.filter.allowsIdentity(requester));
    if (query.topic !== undefined) events = events.filter((event) => event.topic === query.topic);
    events = events.filter(
      (event) =>
        (query.from_time === undefined || event.time >= query.from_time) &&
        (query.after_time === undefined || event.time > query.after_time) &&
        (query.before_time === undefined || event.time < query.before_time) &&
        (query.until_time === undefined || event.time <= query.until_time),
    );
    events = sliceByPublication(events, query);
    if (query.reverse === true) events = [...events].reverse();
    if (query.limit !== undefined) events = events.slice(0, query.limit);
    return events.map((event) => ({
      timestamp: new Date(event.time).toISOString(),
      subscription: subscriptionId,
      publication: event.publication,
      details: event.details,
      ...(event.args !== undefined && { args: event.args }),
      ...(event.kwargs !== undefined && { kwargs: event.kwargs }),
    }));
  }

  private find(topic: string, match: MatchPolicy): TopicHistory | undefined {
    return this.topics.find((history) => history.config.topic === topic && history.config.match === match);
  }
}

/** Publication ids are random, so the *_publication filters cut by position in arrival order. */
function sliceByPublication(events: StoredEvent[], query: HistoryQuery): StoredEvent[] {
  const indexOf = (publication: number | undefined): number | undefined => {
    if (publication === undefined) return undefined;
    const index = events.findIndex((event) => event.publication === publication);
    return index; // -1: unknown publication → the bound matches nothing
  };
  let start = 0;
  let end = events.length;
  const from = indexOf(query.from_publication);
  const after = indexOf(query.after_publication);
  const before = indexOf(query.before_publication);
  const until = indexOf(query.until_publication);
  if (from !== undefined) start = from < 0 ? events.length : Math.max(start, from);
  if (after !== undefined) start = after < 0 ? events.length : Math.max(start, after + 1);
  if (before !== undefined) end = before < 0 ? 0 : Math.min(end, before);
  if (until !== undefined) end = until < 0 ? 0 : Math.min(end, until + 1);
  return start < end ? events.slice(start, end) : [];
}
