import type { PolicyVersion } from './config';

/**
 * The newest material policy version, which every user must have accepted: a later non-material
 * version is only reported (GET /v1/me).
 */
export function requiredPolicyVersion(policies: readonly PolicyVersion[]): string | undefined {
  return [...policies].reverse().find((p) => p.material)?.version;
}

/**
 * Where a person stands against the published policies (oldest first, last is current), given the
 * version they last accepted. A version we never published counts as nothing accepted.
 */
export function policyStatus(
  policies: readonly [PolicyVersion, ...PolicyVersion[]],
  accepted: string | undefined,
) {
  const current = policies[policies.length - 1] as PolicyVersion;
  const position = (version: string | undefined) => policies.findIndex((p) => p.version === version);
  const required = requiredPolicyVersion(policies);
  const acceptedAt = position(accepted);
  return {
    current: current.version,
    publishedAt: current.publishedAt,
    textUrl: current.textUrl,
    accepted: acceptedAt >= 0 ? (accepted as string) : null,
    /** A material version is unaccepted: every route but consent, policy, export and deletion answers 428. */
    reconsentRequired: required !== undefined && acceptedAt < position(required),
    /** Any newer version, material or not, that the person has not accepted yet. */
    newerVersionAvailable: acceptedAt < policies.length - 1,
  };
}
