/** Construct ids, config keys and deployed names derived from route-group and function names. */

/** `auth-flow` (or `AUTHORIZER_FAILURE`, lower-cased first) -> `AuthFlow`: construct ids and the config keys derived from them. */
export function pascal(name: string): string {
  return name.replace(/(^|[-_\s])(\w)/g, (_m, _sep, c: string) => c.toUpperCase());
}

/** `AuditChain` -> `audit-chain`: deployed function names. */
export function kebab(pascalName: string): string {
  return pascalName.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

/**
 * The alias each region gives its own key for one purpose: the same name in both China regions,
 * so a function names the other region's key without a cross-region reference.
 */
export function regionKeyAlias(stage: string, purpose: 'data' | 'token-signing' | 'storage'): string {
  return `alias/patient-onboarding-${stage}-${purpose}`;
}
