// Encode-once fan-out: the broker sends one EVENT object to every subscriber, so a one-entry
// cache per serializer turns N encodes into one (DESIGN.md, performance rules).
import type { Message } from '../../realms/protocol/messages.js';
import type { Frame, Serializer, SerializerName } from '../serializers/serializer.js';
import { toList } from '../wire/schema.js';

class CachedEncoder {
  private lastMessage: Message | undefined;
  private lastFrame: Frame = '';

  constructor(private readonly serializer: Serializer) {}

  encode(message: Message): Frame {
    if (message === this.lastMessage) return this.lastFrame;
    const encoded = this.serializer.encode(toList(message));
    // JSON text is turned into bytes once here, not by ws on every send of a fanned-out EVENT.
    const frame = typeof encoded === 'string' ? Buffer.from(encoded) : encoded;
    this.lastMessage = message;
    this.lastFrame = frame;
    return frame;
  }

  /** Drops the reference to the last message so a large payload is not kept alive. */
  clear(): void {
    this.lastMessage = undefined;
    this.lastFrame = '';
  }
}

const encoders = new Map<SerializerName, CachedEncoder>();

/** The shared cached encoder of a serializer. Messages must not be mutated after sending. */
export function encoderFor(serializer: Serializer): CachedEncoder {
  let encoder = encoders.get(serializer.name);
  if (encoder === undefined) encoders.set(serializer.name, (encoder = new CachedEncoder(serializer)));
  return encoder;
}

export type { CachedEncoder };
