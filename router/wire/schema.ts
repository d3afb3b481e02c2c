// Positional schema of every WAMP message (basic/messages.md#message-definitions): the type code
// and the list length determine the shape, so one table checks arity and element types.
import { MessageType, messageTypeName } from '../../realms/protocol/message-type.js';
import type { Dict, Message } from '../../realms/protocol/messages.js';
import { ProtocolViolation } from '../../realms/protocol/errors.js';
import { isId } from '../../realms/protocol/ids.js';
import { usesPayloadPassthru } from './options.js';

type FieldKind = 'id' | 'idOrZero' | 'uri' | 'string' | 'dict' | 'list' | 'int';

interface Field {
  /** Property name on the typed message. */
  key: string;
  /** Name in the spec's notation, used in error texts ("SUBSCRIBE.Topic must be a string"). */
  wire: string;
  kind: FieldKind;
}

interface Shape {
  fields: Field[];
  /** Trailing Arguments|list and ArgumentsKw|dict may follow the fixed fields. */
  payload: boolean;
  /** Trailing Details|dict may follow (UNSUBSCRIBED / UNREGISTERED revocation form). */
  trailingDetails?: boolean;
}

const f = (key: string, wire: string, kind: FieldKind): Field => ({ key, wire, kind });
const request = f('request', 'Request', 'id');
const options = f('options', 'Options', 'dict');
const details = f('details', 'Details', 'dict');

const SHAPES: Record<number, Shape> = {
  [MessageType.HELLO]: { fields: [f('realm', 'Realm', 'uri'), details], payload: false },
  [MessageType.WELCOME]: { fields: [f('session', 'Session', 'id'), details], payload: false },
  [MessageType.ABORT]: { fields: [details, f('reason', 'Reason', 'uri')], payload: true },
  [MessageType.CHALLENGE]: { fields: [f('authmethod', 'AuthMethod', 'string'), f('extra', 'Extra', 'dict')], payload: false },
  [MessageType.AUTHENTICATE]: { fields: [f('signature', 'Signature', 'string'), f('extra', 'Extra', 'dict')], payload: false },
  [MessageType.GOODBYE]: { fields: [details, f('reason', 'Reason', 'uri')], payload: false },
  [MessageType.ERROR]: {
    fields: [f('requestType', 'REQUEST.Type', 'int'), request, details, f('error', 'Error', 'uri')],
    payload: true,
  },
  [MessageType.PUBLISH]: { fields: [request, options, f('topic', 'Topic', 'uri')], payload: true },
  [MessageType.PUBLISHED]: { fields: [request, f('publication', 'Publication', 'id')], payload: false },
  [MessageType.SUBSCRIBE]: { fields: [request, options, f('topic', 'Topic', 'uri')], payload: false },
  [MessageType.SUBSCRIBED]: { fields: [request, f('subscription', 'Subscription', 'id')], payload: false },
  [MessageType.UNSUBSCRIBE]: { fields: [request, f('subscription', 'Subscription', 'id')], payload: false },
  [MessageType.UNSUBSCRIBED]: { fields: [f('request', 'Request', 'idOrZero')], payload: false, trailingDetails: true },
  [MessageType.EVENT]: {
    fields: [f('subscription', 'Subscription', 'id'), f('publication', 'Publication', 'id'), details],
    payload: true,
  },
  [MessageType.CALL]: { fields: [request, options, f('procedure', 'Procedure', 'uri')], payload: true },
  [MessageType.CANCEL]: { fields: [request, options], payload: false },
  [MessageType.RESULT]: { fields: [request, details], payload: true },
  [MessageType.REGISTER]: { fields: [request, options, f('procedure', 'Procedure', 'uri')], payload: false },
  [MessageType.REGISTERED]: { fields: [request, f('registration', 'Registration', 'id')], payload: false },
  [MessageType.UNREGISTER]: { fields: [request, f('registration', 'Registration', 'id')], payload: false },
  [MessageType.UNREGISTERED]: { fields: [f('request', 'Request', 'idOrZero')], payload: false, trailingDetails: true },
  [MessageType.INVOCATION]: {
    fields: [request, f('registration', 'Registration', 'id'), details],
    payload: true,
  },
  [MessageType.INTERRUPT]: { fields: [request, options], payload: false },
  [MessageType.YIELD]: { fields: [request, options], payload: true },
};

function isDict(value: unknown): value is Dict {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || ArrayBuffer.isView(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

const KIND_TEXT: Record<FieldKind, string> = {
  id: 'an integer ID in 1..2^53',
  idOrZero: 'an integer ID in 0..2^53',
  uri: 'a string',
  string: 'a string',
  dict: 'a dictionary',
  list: 'a list',
  int: 'an integer',
};

function fits(kind: FieldKind, value: unknown): boolean {
  switch (kind) {
    case 'id':
      return isId(value);
    case 'idOrZero':
      return value === 0 || isId(value);
    case 'uri':
    case 'string':
      return typeof value === 'string';
    case 'dict':
      return isDict(value);
    case 'list':
      return Array.isArray(value);
    case 'int':
      return typeof value === 'number' && Number.isInteger(value);
  }
}

/**
 * Checks a decoded list against the positional schema and returns the typed message.
 * Throws ProtocolViolation with a text that names the bad element.
 */
export function fromList(list: unknown): Message {
  if (!Array.isArray(list)) throw new ProtocolViolation('a WAMP message must be a list');
  if (list.length === 0) throw new ProtocolViolation('a WAMP message must not be an empty list');
  const code: unknown = list[0];
  if (typeof code !== 'number' || !Number.isInteger(code)) {
    throw new ProtocolViolation('the message type (element 0) must be an integer');
  }
  const name = messageTypeName(code);
  const shape = SHAPES[code];
  if (name === undefined || shape === undefined) throw new ProtocolViolation(`unknown message type ${code}`);
  const fixed = shape.fields.length + 1;
  const max = fixed + (shape.payload ? 2 : shape.trailingDetails ? 1 : 0);
  if (list.length < fixed || list.length > max) {
    const expected = fixed === max ? `${fixed}` : `${fixed} to ${max}`;
    throw new ProtocolViolation(`${name} must have ${expected} elements, got ${list.length}`);
  }
  const message: Record<string, unknown> = { type: code };
  for (let i = 0; i < shape.fields.length; i++) {
    const field = shape.fields[i];
    const value: unknown = list[i + 1];
    if (!fits(field.kind, value)) {
      throw new ProtocolViolation(`${name}.${field.wire} must be ${KIND_TEXT[field.kind]}`);
    }
    message[field.key] = value;
  }
  if (shape.payload) {
    if (list.length > fixed && !Array.isArray(list[fixed]) && passthruDict(message) && list.length === fixed + 1) {
      // spec: advanced/payload_passthru_mode.md — one opaque payload element instead of args/kwargs;
      // the realm answers such messages with wamp.error.feature_not_supported.
      return message as unknown as Message;
    }
    if (list.length > fixed) {
      if (!Array.isArray(list[fixed])) throw new ProtocolViolation(`${name}.Arguments must be a list`);
      message.args = list[fixed];
    }
    if (list.length > fixed + 1) {
      if (!isDict(list[fixed + 1])) throw new ProtocolViolation(`${name}.ArgumentsKw must be a dictionary`);
      message.kwargs = list[fixed + 1];
    }
  } else if (shape.trailingDetails && list.length > fixed) {
    if (!isDict(list[fixed])) throw new ProtocolViolation(`${name}.Details must be a dictionary`);
    message.details = list[fixed];
  }
  return message as unknown as Message;
}

/**
 * The wire list of a typed message. Payload is left out when absent (never sent as null:
 * Autobahn|Python drops the connection on `kwargs: null`); `args` becomes [] when only
 * kwargs is present, because positions are fixed.
 */
export function toList(message: Message): unknown[] {
  const shape = SHAPES[message.type];
  const source = message as unknown as Record<string, unknown>;
  const list: unknown[] = [message.type];
  for (const field of shape.fields) list.push(source[field.key]);
  if (shape.payload) {
    const args = source.args as unknown[] | undefined;
    const kwargs = source.kwargs as Dict | undefined;
    const hasKwargs = kwargs !== undefined && kwargs !== null && hasOwnKeys(kwargs);
    if (hasKwargs) list.push(args ?? [], kwargs);
    else if (args !== undefined && args !== null) list.push(args);
  } else if (shape.trailingDetails && source.details !== undefined) {
    list.push(source.details);
  }
  return list;
}

/** True when the message's Options/Details ask for payload passthru mode. */
function passthruDict(message: Record<string, unknown>): boolean {
  const dict = (message.options ?? message.details) as Dict | undefined;
  return dict !== undefined && usesPayloadPassthru(dict);
}

/** True when `dict` has at least one own key; allocates nothing, unlike Object.keys(). */
function hasOwnKeys(dict: Dict): boolean {
  for (const key in dict) if (Object.hasOwn(dict, key)) return true;
  return false;
}

export { isDict };
