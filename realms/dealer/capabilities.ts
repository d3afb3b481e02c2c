// What a session announced it can do, as the dealer needs to know it (HELLO.Details.roles).
import { hasFeature } from '../protocol/features.js';
import type { RealmMember } from '../member.js';

/** Callee understands INTERRUPT. The spec spells the feature both ways; accept either. */
export function canBeInterrupted(callee: RealmMember): boolean {
  return hasFeature(callee.roles, 'callee', 'call_canceling') || hasFeature(callee.roles, 'callee', 'call_cancelling');
}

/**
 * Callee can send progressive results. AutobahnJS announces this without call_canceling;
 * we still forward receive_progress to it, as Crossbar does (README, feature table).
 */
export function sendsProgress(callee: RealmMember): boolean {
  return hasFeature(callee.roles, 'callee', 'progressive_call_results');
}

/** Callee accepts progressive CALL chunks: the feature plus call canceling, as the spec requires. */
export function takesProgressiveInvocations(callee: RealmMember): boolean {
  return hasFeature(callee.roles, 'callee', 'progressive_call_invocations') && canBeInterrupted(callee);
}

export function callerStreams(caller: RealmMember): boolean {
  return hasFeature(caller.roles, 'caller', 'progressive_call_invocations');
}

export function handlesTimeouts(callee: RealmMember): boolean {
  return hasFeature(callee.roles, 'callee', 'call_timeout');
}

export function acceptsRevocation(callee: RealmMember): boolean {
  return hasFeature(callee.roles, 'callee', 'registration_revocation');
}
