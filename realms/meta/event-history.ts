// wamp.subscription.get_events: the stored events of a subscription's topic, filtered by the
// query and by what the caller could have received (spec: advanced/pubsub_event_history.md).
import type { Dict } from '../protocol/messages.js';
import { WampError } from '../protocol/errors.js';
import { ErrorUri } from '../protocol/uris.js';
import { isId } from '../protocol/ids.js';
import type { RealmMember } from '../member.js';
import type { Subscription } from '../broker/subscriptions.js';
import type { HistoryQuery } from '../broker/history.js';
import { idArg, invalidArgument, isProtected, type MetaContext, type MetaProcedure, type MetaResult } from './procedure.js';
import type { Realm } from '../realm.js';

// RFC 3339 date-time (section 5.6): full-date "T" full-time, with a Z or numeric offset.
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

const TIME_KEYS = ['from_time', 'after_time', 'before_time', 'until_time'] as const;
const PUBLICATION_KEYS = ['from_publication', 'after_publication', 'before_publication', 'until_publication'] as const;

/** Checks the keyword filters and converts the RFC 3339 times to ms since the epoch. */
export function historyQuery(kwargs: Dict): HistoryQuery {
  const query: HistoryQuery = {};
  if (kwargs.reverse !== undefined) {
    if (typeof kwargs.reverse !== 'boolean') throw invalidArgument('kwargs.reverse must be a boolean');
    query.reverse = kwargs.reverse;
  }
  if (kwargs.limit !== undefined) {
    const limit = kwargs.limit;
    if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1) throw invalidArgument('kwargs.limit must be a positive integer');
    query.limit = limit;
  }
  for (const key of TIME_KEYS) {
    const value = kwargs[key];
    if (value === undefined) continue;
    const ms = typeof value === 'string' && RFC3339.test(value) ? Date.parse(value.replace(' ', 'T').toUpperCase()) : NaN;
    if (Number.isNaN(ms)) throw invalidArgument(`kwargs.${key} must be an RFC 3339 timestamp, e.g. "2024-05-01T12:00:00.000Z"`);
    query[key] = ms;
  }
  for (const key of PUBLICATION_KEYS) {
    const value = kwargs[key];
    if (value === undefined) continue;
    if (!isId(value)) throw invalidArgument(`kwargs.${key} must be a publication ID`);
    query[key] = value;
  }
  if (kwargs.topic !== undefined) {
    if (typeof kwargs.topic !== 'string') throw invalidArgument('kwargs.topic must be a URI string');
    query.topic = kwargs.topic;
  }
  return query;
}

/**
 * spec: #security-aspects — "a peer must be allowed to subscribe to a desired subscription first".
 * The realm's authorizer decides (synchronously for static role rules; a dynamic authorizer
 * answers later, and so does this procedure).
 */
function maySubscribe(realm: Realm, caller: RealmMember, subscription: Subscription): boolean | Promise<boolean> {
  if (caller.trusted) return true;
  const verdict = realm.authorizer.authorize(caller, subscription.topic, 'subscribe', {});
  if ('allow' in verdict) return verdict.allow;
  return verdict.then((decision) => decision.allow);
}

export function eventHistoryProcedures(context: MetaContext): MetaProcedure[] {
  const broker = context.realm.broker;
  return [
    {
      // spec: #receiving-event-history — Arguments [subscription], ArgumentsKw filters;
      // the result's Arguments ARE the events (one Event dict per positional value).
      uri: 'wamp.subscription.get_events',
      handle: ({ args, kwargs, caller }) => {
        const id = idArg(args, 0, 'subscription');
        const query = historyQuery(kwargs);
        const subscription = broker.subscriptions.get(id);
        if (subscription === undefined) throw new WampError(ErrorUri.noSuchSubscription, `no subscription with ID ${id} exists on this broker`);
        const refused = (): WampError => new WampError(ErrorUri.notAuthorized, `not authorized to read the event history of "${subscription.topic}"`);
        if (isProtected(subscription.topic, caller)) throw refused();
        // Eligibility (authid/authrole lists) is applied per event by the history itself.
        const answer = (): MetaResult => ({ args: broker.history.query(subscription.id, subscription.topic, subscription.match, caller, query) });
        const allowed = maySubscribe(context.realm, caller, subscription);
        if (allowed === true) return answer();
        if (allowed === false) throw refused();
        return allowed.then((yes) => {
          if (!yes) throw refused();
          return answer();
        });
      },
    },
  ];
}
