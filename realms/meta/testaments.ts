// Session testaments: events a session leaves behind, published by the router when the session
// is lost (GOODBYE, kill or a dropped transport). spec: advanced/pubsub_testament.md
import type { Args, Dict } from '../protocol/messages.js';
import { WampError } from '../protocol/errors.js';
import { ErrorUri } from '../protocol/uris.js';
import { isId } from '../protocol/ids.js';
import { isReservedUri, isValidUri } from '../protocol/uri-check.js';
import type { RealmMember } from '../member.js';
import { MetaErrorUri, invalidArgument, stringArg, type MetaContext, type MetaProcedure } from './procedure.js';

export type TestamentScope = 'detached' | 'destroyed';

interface Testament {
  topic: string;
  args: Args;
  kwargs: Dict;
  options: Dict;
}

/** Testaments one session may keep per scope; past it add_testament fails (memory stays bounded). */
export const MAX_TESTAMENTS = 64;

type Check = (value: unknown) => boolean;
const isBoolean: Check = (v) => typeof v === 'boolean';
const isIdList: Check = (v) => Array.isArray(v) && v.every(isId);
const isStringList: Check = (v) => Array.isArray(v) && v.every((item) => typeof item === 'string');

/**
 * PUBLISH options a testament keeps, with their types (the same rules as router/wire/options.ts
 * applies to a client's PUBLISH). `acknowledge` and `exclude_me` are dropped: nobody is left to
 * receive an acknowledgement, and the publisher is the router (spec: "MAY ignore publish options
 * that do not make sense", as Crossbar does). Other unknown keys are dropped too.
 */
const KEPT_OPTIONS: Record<string, Check> = {
  exclude: isIdList,
  exclude_authid: isStringList,
  exclude_authrole: isStringList,
  eligible: isIdList,
  eligible_authid: isStringList,
  eligible_authrole: isStringList,
  retain: isBoolean,
  disclose_me: isBoolean,
};
const DROPPED_OPTIONS: Record<string, Check> = { acknowledge: isBoolean, exclude_me: isBoolean };
const PASSTHRU_OPTIONS = ['enc_algo', 'enc_serializer', 'enc_key', 'ppt_scheme', 'ppt_serializer', 'ppt_cipher', 'ppt_keyid'];

function publishOptions(value: unknown): Dict {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw invalidArgument('kwargs.publish_options must be a dictionary');
  const options: Dict = {};
  for (const [key, option] of Object.entries(value as Dict)) {
    if (option === undefined) continue;
    if (PASSTHRU_OPTIONS.includes(key)) throw invalidArgument(`publish_options.${key}: payload passthru mode is not supported`);
    const check = KEPT_OPTIONS[key] ?? DROPPED_OPTIONS[key];
    if (check !== undefined && !check(option)) throw invalidArgument(`publish_options.${key} has the wrong type`);
    if (KEPT_OPTIONS[key] !== undefined) options[key] = option;
  }
  return options;
}

// spec: "Default MUST be destroyed" for both procedures.
function scopeOf(kwargs: Dict): TestamentScope {
  const scope = kwargs.scope ?? 'destroyed';
  if (scope !== 'destroyed' && scope !== 'detached') throw invalidArgument('kwargs.scope must be "destroyed" or "detached"');
  return scope;
}

export class Testaments {
  private readonly bySession = new Map<number, Record<TestamentScope, Testament[]>>();

  constructor(private readonly context: MetaContext) {}

  /** Sessions that hold testaments (for tests and stats: returns to 0 when they have left). */
  get size(): number {
    return this.bySession.size;
  }

  /**
   * The session is gone: publish `detached` then `destroyed` testaments, each in the order
   * added, and forget them. A session without resumption is detached and destroyed at once
   * (spec: "MUST send detached-scope Testaments before destroyed-scope Testaments").
   * `silent` (kill_all) forgets them unpublished.
   */
  sessionLeft(member: RealmMember, silent: boolean): void {
    const stored = this.bySession.get(member.id);
    if (stored === undefined) return;
    this.bySession.delete(member.id);
    if (silent) return;
    for (const testament of [...stored.detached, ...stored.destroyed]) {
      this.context.publish(testament.topic, testament.args, testament.kwargs, testament.options);
    }
  }

  procedures(): MetaProcedure[] {
    const realm = this.context.realm;
    return [
      {
        // spec: wamp.session.add_testament(topic, args, kwargs; publish_options, scope) — no return value.
        uri: 'wamp.session.add_testament',
        handle: ({ args, kwargs, caller }) => {
          const topic = stringArg(args, 0, 'topic');
          if (!isValidUri(topic, realm.uriCheck)) throw new WampError(ErrorUri.invalidUri, `"${topic}" is not a valid ${realm.uriCheck} URI`);
          // The router publishes testaments as a trusted member: never let a client forge wamp.* events.
          if (isReservedUri(topic)) throw new WampError(ErrorUri.invalidUri, `"${topic}": URIs under "wamp." are reserved for the router`);
          const eventArgs = args[1] ?? [];
          const eventKwargs = args[2] ?? {};
          if (!Array.isArray(eventArgs)) throw invalidArgument('argument 2 (args) must be a list');
          if (typeof eventKwargs !== 'object' || Array.isArray(eventKwargs)) throw invalidArgument('argument 3 (kwargs) must be a dictionary');
          const options = publishOptions(kwargs.publish_options);
          const scope = scopeOf(kwargs);
          if (!realm.members.has(caller.id)) return undefined; // left meanwhile: nothing to keep
          let stored = this.bySession.get(caller.id);
          if (stored === undefined) this.bySession.set(caller.id, (stored = { detached: [], destroyed: [] }));
          if (stored[scope].length >= MAX_TESTAMENTS) {
            throw new WampError(MetaErrorUri.tooManyTestaments, `a session may keep at most ${MAX_TESTAMENTS} ${scope} testaments`);
          }
          stored[scope].push({ topic, args: eventArgs, kwargs: eventKwargs as Dict, options });
          return undefined;
        },
      },
      {
        // spec: wamp.session.flush_testaments(; scope) — no return value.
        uri: 'wamp.session.flush_testaments',
        handle: ({ kwargs, caller }) => {
          const scope = scopeOf(kwargs);
          const stored = this.bySession.get(caller.id);
          if (stored === undefined) return undefined;
          stored[scope] = [];
          if (stored.detached.length === 0 && stored.destroyed.length === 0) this.bySession.delete(caller.id);
          return undefined;
        },
      },
    ];
  }
}
