// Live sessions of a router: unique random ids, the set to shut down, and the timers they hold.
import { randomId } from '../../realms/protocol/ids.js';

/** What the manager needs of a session to shut it down. */
export interface ManagedSession {
  shutdown(reason: string, message: string): void;
  /** Closes the transport at once, without waiting for a GOODBYE reply. */
  terminate(): void;
}

export class SessionManager {
  private readonly live = new Set<ManagedSession>();
  private readonly ids = new Set<number>();
  private activeTimers = 0;

  add(session: ManagedSession): void {
    this.live.add(session);
  }

  remove(session: ManagedSession, id: number): void {
    this.live.delete(session);
    this.ids.delete(id);
  }

  /** A random session id unique among live sessions (spec: basic/building_blocks.md#ids, global scope). */
  allocateId(): number {
    let id = randomId();
    while (this.ids.has(id)) id = randomId();
    this.ids.add(id);
    return id;
  }

  releaseId(id: number): void {
    this.ids.delete(id);
  }

  timerStarted(): void {
    this.activeTimers++;
  }

  timerStopped(): void {
    this.activeTimers--;
  }

  get size(): number {
    return this.live.size;
  }

  get timers(): number {
    return this.activeTimers;
  }

  all(): ManagedSession[] {
    return [...this.live];
  }
}
