// spec: basic/messages.md#message-codes-and-direction, advanced/messages.md
/** WAMP message type codes, as sent on the wire in position 0 of every message. */
export const MessageType = {
  HELLO: 1,
  WELCOME: 2,
  ABORT: 3,
  CHALLENGE: 4,
  AUTHENTICATE: 5,
  GOODBYE: 6,
  ERROR: 8,
  PUBLISH: 16,
  PUBLISHED: 17,
  SUBSCRIBE: 32,
  SUBSCRIBED: 33,
  UNSUBSCRIBE: 34,
  UNSUBSCRIBED: 35,
  EVENT: 36,
  CALL: 48,
  CANCEL: 49,
  RESULT: 50,
  REGISTER: 64,
  REGISTERED: 65,
  UNREGISTER: 66,
  UNREGISTERED: 67,
  INVOCATION: 68,
  INTERRUPT: 69,
  YIELD: 70,
} as const;

export type MessageTypeName = keyof typeof MessageType;
export type MessageTypeCode = (typeof MessageType)[MessageTypeName];

const namesByCode = new Map<number, MessageTypeName>(
  (Object.keys(MessageType) as MessageTypeName[]).map((name) => [MessageType[name], name]),
);

/** The upper-case name of a type code ("PUBLISH"), or undefined for a code WAMP does not define. */
export function messageTypeName(code: number): MessageTypeName | undefined {
  return namesByCode.get(code);
}
