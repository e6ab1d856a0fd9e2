import type { ProblemCode } from '../core/messages';
import type { LivenessOutcome, OutcomeKind } from '../providers/liveness/outcomes';

/** A check the provider still calls unfinished after its own deadline will never finish. */
export function settleOutcome(found: LivenessOutcome, now: number, expiresAt: number): LivenessOutcome {
  return found.kind === 'unfinished' && now > expiresAt ? { ...found, kind: 'expired' } : found;
}

/** The problem each failed or unfinished outcome answers. */
export const outcomeProblems: Readonly<Record<Exclude<OutcomeKind, 'passed'>, ProblemCode>> = {
  unfinished: 'liveness_unfinished',
  expired: 'liveness_expired',
  abandoned: 'liveness_abandoned',
  identity_mismatch: 'identity_mismatch',
  not_live: 'liveness_not_live',
  face_mismatch: 'liveness_face_mismatch',
  no_record: 'liveness_no_record',
  document_problem: 'liveness_document_problem',
  retry_limit: 'too_many_attempts',
  failed: 'liveness_failed',
};

/** Outcomes after which a face check cannot help: the counter attestation is offered instead. */
export const counterAlternative: ReadonlySet<OutcomeKind> = new Set(['no_record', 'document_problem']);
