// Session meta API: on_join / on_leave events; count, list, get and the kill procedures.
// spec: advanced/meta_api_sessions.md
import type { Dict } from '../protocol/messages.js';
import { WampError } from '../protocol/errors.js';
import { ErrorUri } from '../protocol/uris.js';
import { isValidUri } from '../protocol/uri-check.js';
import type { RealmMember } from '../member.js';
import {
  MetaErrorUri,
  idArg,
  invalidArgument,
  one,
  optionalStringListArg,
  stringArg,
  visibleMembers,
  type MetaContext,
  type MetaProcedure,
} from './procedure.js';

/** The details dict of on_join and wamp.session.get. */
export function sessionDetails(member: RealmMember): Dict {
  return {
    session: member.id,
    authid: member.authid,
    authrole: member.authrole,
    authmethod: member.authmethod,
    authprovider: member.authprovider,
    transport: member.transport,
  };
}

export class SessionMeta {
  constructor(private readonly context: MetaContext) {}

  // spec: advanced/meta_api_sessions.md#wampsessionon_join — one positional arg: details.
  joined(member: RealmMember): void {
    this.context.publish('wamp.session.on_join', [sessionDetails(member)]);
  }

  // spec: advanced/meta_api_sessions.md#wampsessionon_leave — session, authid, authrole.
  left(member: RealmMember): void {
    this.context.publish('wamp.session.on_leave', [member.id, member.authid, member.authrole]);
  }

  procedures(): MetaProcedure[] {
    const realm = this.context.realm;
    const filtered = (args: unknown[]): RealmMember[] => {
      const roles = optionalStringListArg(args, 0, 'filter_authroles');
      const members = visibleMembers(realm);
      return roles === undefined ? members : members.filter((member) => roles.includes(member.authrole));
    };
    return [
      // spec: #wampsessioncount — [count]
      { uri: 'wamp.session.count', handle: ({ args }) => one(filtered(args).length) },
      // spec: #wampsessionlist — [session_ids]
      { uri: 'wamp.session.list', handle: ({ args }) => one(filtered(args).map((member) => member.id)) },
      // spec: #wampsessionget — [details] | wamp.error.no_such_session
      {
        uri: 'wamp.session.get',
        handle: ({ args }) => {
          const id = idArg(args, 0, 'session');
          const member = realm.members.get(id);
          if (member === undefined || member.internal === true) throw noSuchSession(id);
          return one(sessionDetails(member));
        },
      },
      // spec: #wampsessionkill — not the caller itself; no return value.
      {
        uri: 'wamp.session.kill',
        privileged: true,
        handle: ({ args, kwargs, caller }) => {
          const id = idArg(args, 0, 'session');
          const { reason, message } = closeArguments(kwargs, realm.uriCheck);
          const member = realm.members.get(id);
          if (member === undefined || member.internal === true || member === caller) throw noSuchSession(id);
          member.close('goodbye', reason, message);
          return undefined;
        },
      },
      // spec: #wampsessionkill_by_authid — [killed session ids], caller excluded.
      {
        uri: 'wamp.session.kill_by_authid',
        privileged: true,
        handle: ({ args, kwargs, caller }) => {
          const authid = stringArg(args, 0, 'authid');
          const { reason, message } = closeArguments(kwargs, realm.uriCheck);
          const targets = others(visibleMembers(realm), caller).filter((member) => member.authid === authid);
          for (const member of targets) member.close('goodbye', reason, message);
          return one(targets.map((member) => member.id));
        },
      },
      // spec: #wampsessionkill_by_authrole — [count], caller excluded.
      {
        uri: 'wamp.session.kill_by_authrole',
        privileged: true,
        handle: ({ args, kwargs, caller }) => {
          const authrole = stringArg(args, 0, 'authrole');
          const { reason, message } = closeArguments(kwargs, realm.uriCheck);
          const targets = others(visibleMembers(realm), caller).filter((member) => member.authrole === authrole);
          for (const member of targets) member.close('goodbye', reason, message);
          return one(targets.length);
        },
      },
      // spec: #wampsessionkill_all — [count], caller excluded; no on_leave, no testaments.
      {
        uri: 'wamp.session.kill_all',
        privileged: true,
        handle: ({ kwargs, caller }) => {
          const { reason, message } = closeArguments(kwargs, realm.uriCheck);
          const targets = others(visibleMembers(realm), caller);
          for (const member of targets) this.context.closeSilently(member, reason, message);
          return one(targets.length);
        },
      },
    ];
  }
}

function noSuchSession(id: number): WampError {
  return new WampError(MetaErrorUri.noSuchSession, `no session with ID ${id} exists in this realm`);
}

function others(members: RealmMember[], caller: RealmMember): RealmMember[] {
  return members.filter((member) => member !== caller);
}

/**
 * The kill procedures' keyword arguments: `reason` (a URI, default wamp.close.killed) and
 * `message`. Without a message the GOODBYE carries an empty one (RealmMember.close needs a text).
 */
function closeArguments(kwargs: Dict, mode: 'loose' | 'strict'): { reason: string; message: string } {
  const reason = kwargs.reason ?? ErrorUri.killed;
  if (typeof reason !== 'string' || !isValidUri(reason, mode)) {
    throw new WampError(ErrorUri.invalidUri, 'kwargs.reason must be a valid, non-empty URI');
  }
  const message = kwargs.message ?? '';
  if (typeof message !== 'string') throw invalidArgument('kwargs.message must be a string');
  return { reason, message };
}
