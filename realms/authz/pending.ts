// Per-session order while an authorization decision is pending (spec: basic/security_model.md,
// ordering guarantees; DESIGN.md "Data flow"). When a dynamic authorizer has to be asked, the
// session's later messages wait here, in arrival order, until the decision is made.
import type { Message } from '../protocol/messages.js';

/** Messages one session may send while a decision is pending; past it the session is closed. */
export const MAX_WAITING_MESSAGES = 10_000;

export class PendingQueues {
  private readonly queues = new Map<number, Message[]>();

  constructor(readonly limit = MAX_WAITING_MESSAGES) {}

  /** True while a decision for this session is pending (its messages must wait). */
  waiting(memberId: number): boolean {
    return this.queues.size !== 0 && this.queues.has(memberId);
  }

  /** A decision for this session is now pending. */
  open(memberId: number): void {
    if (!this.queues.has(memberId)) this.queues.set(memberId, []);
  }

  /** Queues a message behind the pending decision; false when the session has too many waiting. */
  push(memberId: number, message: Message): boolean {
    const queue = this.queues.get(memberId);
    if (queue === undefined) return false;
    if (queue.length >= this.limit) return false;
    queue.push(message);
    return true;
  }

  /** The decision was made: the waiting messages, in order (the session no longer waits). */
  take(memberId: number): Message[] {
    const queue = this.queues.get(memberId) ?? [];
    this.queues.delete(memberId);
    return queue;
  }

  /** The session left: its waiting messages are dropped. */
  drop(memberId: number): void {
    this.queues.delete(memberId);
  }

  /** Messages waiting across all sessions (stats, tests). */
  get size(): number {
    let total = 0;
    for (const queue of this.queues.values()) total += queue.length;
    return total;
  }

  get sessions(): number {
    return this.queues.size;
  }
}
