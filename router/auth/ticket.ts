// Ticket authentication (spec: advanced/authentication_ticket.md): HELLO with authid →
// CHALLENGE "ticket" {} → AUTHENTICATE with the ticket. Static principals {authid, ticket, role}
// are compared in constant time; an authid the config does not know goes to the dynamic
// authenticator (details.ticket) when one is configured. Unknown authid and wrong ticket get the
// same ABORT, after the same work.
import type { AuthOutcome, AuthRequest, AuthStep, Authenticator, Challenged, Refused } from './authenticator.js';
import { denied, unusable } from './authenticator.js';
import type { DynamicAuthenticator } from './dynamic.js';
import type { TicketConfig, TicketPrincipal } from './config.js';
import { safeEqual } from './timing-safe.js';

/** Compared against when the authid is unknown, so both paths do the same work. */
const DUMMY_TICKET = 'sprocket: no such principal';

export class TicketAuthenticator implements Authenticator {
  readonly method = 'ticket';
  private readonly principals = new Map<string, TicketPrincipal>();

  constructor(
    config: TicketConfig,
    private readonly dynamic: DynamicAuthenticator | undefined,
  ) {
    for (const principal of config.principals ?? []) this.principals.set(principal.authid, principal);
  }

  start(request: AuthRequest): Challenged | Refused {
    // spec: "For Ticket-based authentication, this MUST be provided."
    if (request.authid === undefined) return unusable('ticket authentication needs HELLO.Details.authid');
    return { kind: 'challenge', extra: {}, verify: (ticket) => this.verify(request, ticket) };
  }

  private verify(request: AuthRequest, ticket: string): AuthOutcome {
    const authid = request.authid ?? '';
    const principal = this.principals.get(authid);
    const matches = safeEqual(ticket, principal?.ticket ?? DUMMY_TICKET);
    if (principal !== undefined) {
      return matches ? { kind: 'welcome', authid, authrole: principal.role, authprovider: 'static' } : denied();
    }
    if (this.dynamic === undefined) return denied();
    return this.askDynamic(request, ticket, this.dynamic);
  }

  private async askDynamic(request: AuthRequest, ticket: string, dynamic: DynamicAuthenticator): Promise<AuthStep> {
    const answer = await dynamic.ask(request, { ticket });
    if (answer.kind !== 'found') return answer;
    return { kind: 'welcome', authid: answer.authid ?? request.authid ?? '', authrole: answer.role, authprovider: 'dynamic', authextra: answer.extra };
  }
}
