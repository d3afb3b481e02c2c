// GET /health: is the router up, which realms does it serve, how many sessions are there.
// 200 while running, 503 (`"up": false`) once close() has begun, so a load balancer drains it.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Realm } from '../../realms/realm.js';
import { sendJson } from './respond.js';

export interface HealthSource {
  realms(): Iterable<Realm>;
  /** Every session the router holds, including connections still before HELLO and in-process ones. */
  sessionCount(): number;
  isClosing(): boolean;
  /** Date.now() when the router was created. */
  readonly startedAt: number;
}

export interface RealmHealth {
  name: string;
  sessions: number;
  subscriptions: number;
  registrations: number;
  callsInFlight: number;
}

export interface HealthReport {
  up: boolean;
  uptimeSeconds: number;
  sessions: number;
  realms: RealmHealth[];
}

export function healthReport(source: HealthSource): HealthReport {
  const realms: RealmHealth[] = [];
  for (const realm of source.realms()) {
    const stats = realm.stats();
    realms.push({
      name: realm.name,
      sessions: stats.sessions,
      subscriptions: stats.subscriptions,
      registrations: stats.registrations,
      callsInFlight: stats.invocations,
    });
  }
  return {
    up: !source.isClosing(),
    uptimeSeconds: Math.round((Date.now() - source.startedAt) / 100) / 10,
    sessions: source.sessionCount(),
    realms,
  };
}

export function serveHealth(_request: IncomingMessage, response: ServerResponse, source: HealthSource): void {
  const report = healthReport(source);
  sendJson(response, report.up ? 200 : 503, report);
}
