// Type checks for the Options|dict of client messages (advanced/*: each feature's option
// types). A value of the wrong type is a protocol violation; an `undefined` value (wampy sends
// msgpack/CBOR undefined) counts as absent. Options of features Sprocket does not implement
// are type-checked all the same, so a malformed one never slips through.
import { MessageType } from '../../realms/protocol/message-type.js';
import type { Message } from '../../realms/protocol/messages.js';
import { ProtocolViolation } from '../../realms/protocol/errors.js';
import { isId } from '../../realms/protocol/ids.js';

type Check = (value: unknown) => boolean;

const isBoolean: Check = (v) => typeof v === 'boolean';
const isString: Check = (v) => typeof v === 'string';
const isList: Check = (v) => Array.isArray(v);
const isNonNegativeInt: Check = (v) => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const isIdList: Check = (v) => Array.isArray(v) && v.every(isId);
const isStringList: Check = (v) => Array.isArray(v) && v.every((item) => typeof item === 'string');
// spec: advanced/payload_passthru_mode.md — predefined schemes plus custom `x_` ones.
const isPayloadScheme: Check = (v) => typeof v === 'string' && (['cryptobox', 'mqtt', 'xbr'].includes(v) || v.startsWith('x_'));

const TEXT = new Map<Check, string>([
  [isBoolean, 'a boolean'],
  [isString, 'a string'],
  [isList, 'a list'],
  [isNonNegativeInt, 'a non-negative integer'],
  [isIdList, 'a list of session IDs'],
  [isStringList, 'a list of strings'],
  [isPayloadScheme, 'cryptobox, mqtt, xbr or an x_ scheme'],
]);

function oneOf(...allowed: string[]): Check {
  const check: Check = (v) => typeof v === 'string' && allowed.includes(v);
  TEXT.set(check, `one of ${allowed.join(', ')}`);
  return check;
}



const payloadPassthru = {
  enc_algo: isPayloadScheme,
  enc_serializer: isString,
  enc_key: isString,
  ppt_scheme: isPayloadScheme,
  ppt_serializer: isString,
  ppt_cipher: isString,
  ppt_keyid: isString,
};

const OPTION_CHECKS: Partial<Record<number, Record<string, Check>>> = {
  [MessageType.PUBLISH]: {
    acknowledge: isBoolean,
    exclude_me: isBoolean,
    exclude: isIdList,
    exclude_authid: isStringList,
    exclude_authrole: isStringList,
    eligible: isIdList,
    eligible_authid: isStringList,
    eligible_authrole: isStringList,
    retain: isBoolean,
    disclose_me: isBoolean,
    transaction_hash: isString,
    forward_for: isList,
    ...payloadPassthru,
  },
  [MessageType.SUBSCRIBE]: {
    match: oneOf('exact', 'prefix', 'wildcard'),
    get_retained: isBoolean,
    forward_for: isList,
  },
  [MessageType.CALL]: {
    timeout: isNonNegativeInt,
    receive_progress: isBoolean,
    disclose_me: isBoolean,
    progress: isBoolean,
    forward_for: isList,
    ...payloadPassthru,
  },
  [MessageType.REGISTER]: {
    match: oneOf('exact', 'prefix', 'wildcard'),
    invoke: oneOf('single', 'roundrobin', 'random', 'first', 'last'),
    disclose_caller: isBoolean,
    force_reregister: isBoolean,
    forward_for: isList,
  },
  [MessageType.YIELD]: { progress: isBoolean, ...payloadPassthru },
  [MessageType.CANCEL]: { mode: oneOf('skip', 'kill', 'killnowait') },
  [MessageType.ERROR]: payloadPassthru,
};

const OPTION_FIELD: Partial<Record<number, 'options' | 'details'>> = {
  [MessageType.PUBLISH]: 'options',
  [MessageType.SUBSCRIBE]: 'options',
  [MessageType.CALL]: 'options',
  [MessageType.REGISTER]: 'options',
  [MessageType.YIELD]: 'options',
  [MessageType.CANCEL]: 'options',
  [MessageType.ERROR]: 'details',
};

/** Throws ProtocolViolation when a known option of a client message has the wrong type. */
export function checkOptions(message: Message, typeName: string): void {
  const checks = OPTION_CHECKS[message.type];
  const field = OPTION_FIELD[message.type];
  if (checks === undefined || field === undefined) return;
  const dict = (message as unknown as Record<string, Record<string, unknown>>)[field];
  for (const key in dict) {
    const check = checks[key];
    const value = dict[key];
    if (check === undefined || value === undefined) continue;
    if (!check(value)) {
      const wire = field === 'options' ? 'Options' : 'Details';
      throw new ProtocolViolation(`${typeName}.${wire}.${key} must be ${TEXT.get(check) ?? 'one of the allowed values'}`);
    }
  }
}

/** True when a message asks for payload passthru mode (a transparent, router-opaque payload). */
export function usesPayloadPassthru(dict: Record<string, unknown>): boolean {
  return dict.enc_algo !== undefined || dict.ppt_scheme !== undefined;
}
