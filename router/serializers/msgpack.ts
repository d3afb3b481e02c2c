import { C1, Packr, Unpackr, addExtension } from 'msgpackr';
import { SerializationError, type Frame, type Serializer } from './serializer.js';
import { containsValue, forBinaryEncoder, serializationError } from './values.js';

/**
 * Client bytes must never become anything but plain data. msgpackr looks extensions up in one
 * process-wide table (unpack.js `currentExtensions`) that it fills with Date, Set, Error, RegExp, BigInt,
 * typed array, structured-clone and bundled-string readers, and unknown types fall back to it too.
 * So every type gets a reader that refuses, except type 0 (next). This also changes msgpackr for any
 * other module in the process that decodes with it; Sprocket never sends extension types.
 */
function refuse(type: number): never {
  throw new SerializationError(`msgpack extension type ${type > 0x7f ? type - 0x100 : type} is not allowed`);
}
for (let type = 1; type <= 0xff; type++) addExtension({ type, unpack: () => refuse(type) });

// fixext1 type 0 is the usual msgpack `undefined` (msgpackr and wampy write option values so).
// msgpackr calls a `noBuffer` reader with no data for fixext1 and with the data for any longer form.
const undefinedReader = Object.assign((data?: Uint8Array): undefined => (data === undefined ? undefined : refuse(0)), {
  noBuffer: true,
});
addExtension({ type: 0, unpack: undefinedReader });

const RECORD_TYPE = 0x72;
const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true, int64AsType: 'number', copyBuffers: true });
// Record definitions (fixext1/fixext2 of type 0x72) bypass the table above and, even with useRecords: false,
// store a structure in the decoder's list; this list refuses every write, so they fail instead.
const noRecords = new Proxy<object[]>([], { set: () => refuse(RECORD_TYPE), defineProperty: () => refuse(RECORD_TYPE) });
Object.assign(unpackr, { structures: noRecords });

const packr = new Packr({ useRecords: false, variableMapSize: true });

// msgpack says 0xc1 is never used; msgpackr decodes it to the `C1` marker object instead of failing.
const NEVER_USED = 0xc1;
const isNeverUsedMarker = (value: unknown): boolean => value === C1;

export const msgpackSerializer: Serializer = {
  name: 'msgpack',
  subprotocol: 'wamp.2.msgpack',
  rawSocketId: 2,
  binary: true,

  decode(frame: Frame): unknown {
    if (typeof frame === 'string') throw new SerializationError('invalid msgpack: expected a binary frame, got text');
    let value: unknown;
    try {
      // copyBuffers: binary values do not pin, or change with, a transport buffer that is reused.
      value = unpackr.unpack(frame);
    } catch (err) {
      throw serializationError('invalid msgpack', err);
    }
    // The cheap byte search keeps the walk off the common path.
    if (frame.includes(NEVER_USED) && containsValue(value, isNeverUsedMarker)) {
      throw new SerializationError('invalid msgpack: byte 0xc1 is never used');
    }
    return value;
  },

  encode(list: unknown[]): Frame {
    try {
      return packr.pack(forBinaryEncoder(list));
    } catch (err) {
      throw serializationError('cannot encode msgpack', err);
    }
  },
};
