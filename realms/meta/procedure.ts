// What every meta API family shares: the shape of a meta procedure, the context it runs in,
// and the checks of its arguments (a bad argument fails the call, never the session).
import type { Args, Dict } from '../protocol/messages.js';
import { WampError } from '../protocol/errors.js';
import { ErrorUri } from '../protocol/uris.js';
import { isId } from '../protocol/ids.js';
import { isReservedUri } from '../protocol/uri-check.js';
import type { RealmMember } from '../member.js';
import type { Realm } from '../realm.js';
import type { MatchPolicy } from '../uri-match/uri-matcher.js';

/** Error URIs of the meta API that the rest of the router does not use. */
export const MetaErrorUri = {
  // spec: advanced/meta_api_sessions.md#wampsessionget
  noSuchSession: 'wamp.error.no_such_session',
  /** A session may keep at most MAX_TESTAMENTS testaments per scope (a Sprocket limit). */
  tooManyTestaments: 'sprocket.error.too_many_testaments',
} as const;

/** One call of a meta procedure, with the caller resolved to its realm member. */
export interface MetaCall {
  args: Args;
  kwargs: Dict;
  /** The calling session (from INVOCATION.Details.caller, registered with disclose_caller). */
  caller: RealmMember;
}

/** YIELD payload; undefined for procedures that "do not return a value". */
export interface MetaResult {
  args?: Args;
  kwargs?: Dict;
}

export interface MetaProcedure {
  uri: string;
  /** Only authroles listed in `metaApi.allowKill` may call it (kill*, remove_*). */
  privileged?: boolean;
  /** Throws WampError to answer with ERROR; a Promise (an async authorizer check) answers later. */
  handle(call: MetaCall): MetaResult | undefined | Promise<MetaResult | undefined>;
}

/** What a meta API family needs from the meta API. */
export interface MetaContext {
  readonly realm: Realm;
  /** Publishes a meta event (or a testament) through the broker as the internal member. */
  publish(topic: string, args: Args, kwargs?: Dict, options?: Dict): void;
  /** Closes a session with GOODBYE and without on_leave or testaments (kill_all). */
  closeSilently(member: RealmMember, reason: string, message: string): void;
}

/** Procedure results: one positional value. */
export function one(value: unknown): MetaResult {
  return { args: [value] };
}

export function invalidArgument(text: string): WampError {
  return new WampError(ErrorUri.invalidArgument, text);
}

/**
 * True for URIs a caller may not inspect through the meta API: the router's own `wamp.*`
 * topics and procedures, unless the caller is trusted (as Crossbar's `is_protected_uri`).
 */
export function isProtected(uri: string, caller: RealmMember): boolean {
  return isReservedUri(uri) && !caller.trusted;
}

/** The live members the meta API reports on: every member but the router's own. */
export function visibleMembers(realm: Realm): RealmMember[] {
  return [...realm.members.values()].filter((member) => member.internal !== true);
}

// ── argument checks ────────────────────────────────────────────────────────

export function idArg(args: Args, index: number, name: string): number {
  const value = args[index];
  if (!isId(value)) throw invalidArgument(`argument ${index + 1} (${name}) must be an ID (integer 1..2^53)`);
  return value;
}

export function stringArg(args: Args, index: number, name: string): string {
  const value = args[index];
  if (typeof value !== 'string') throw invalidArgument(`argument ${index + 1} (${name}) must be a string`);
  return value;
}

/** An optional positional dict (null counts as absent). */
export function optionalDictArg(args: Args, index: number, name: string): Dict {
  const value = args[index];
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw invalidArgument(`argument ${index + 1} (${name}) must be a dictionary`);
  return value as Dict;
}

/** An optional positional list of strings (null counts as absent). */
export function optionalStringListArg(args: Args, index: number, name: string): string[] | undefined {
  const value = args[index];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw invalidArgument(`argument ${index + 1} (${name}) must be a list of strings`);
  }
  return value as string[];
}

/** `options.match` of lookup: the same values as SUBSCRIBE/REGISTER accept. */
export function matchOption(options: Dict): MatchPolicy {
  const match = options.match ?? 'exact';
  if (match !== 'exact' && match !== 'prefix' && match !== 'wildcard') {
    throw invalidArgument('options.match must be one of exact, prefix, wildcard');
  }
  return match;
}

/** IDs grouped by match policy (SubscriptionLists / RegistrationLists). */
export function listsByMatch(entries: Iterable<{ id: number; match: MatchPolicy }>): Dict {
  const lists: Record<MatchPolicy, number[]> = { exact: [], prefix: [], wildcard: [] };
  for (const entry of entries) lists[entry.match].push(entry.id);
  return lists;
}
