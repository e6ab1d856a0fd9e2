import type { StageConfig } from '../functions/core/config';

/** Lambda refuses reserved concurrency that would leave fewer unreserved executions than this. */
export const UNRESERVED_MINIMUM = 100;

/** The functions the API stack deploys, by construct name: the authorizer, workers, jobs, one per route group. */
export function functionNames(input: {
  readonly groups: Iterable<string>;
  readonly streamWorkerGroups: Iterable<string>;
}): string[] {
  return [
    'Authorizer',
    'Webhooks',
    'Registration',
    'PrivacyJobs',
    'AuditVerify',
    ...[...input.streamWorkerGroups].map(pascal),
    ...[...input.groups].map(pascal),
  ];
}

/** A function's reserved concurrency in a stage (`perFunction` is keyed by the lower-cased construct name). */
export function reservedConcurrency(config: StageConfig, name: string): number {
  return config.concurrency.perFunction[name.toLowerCase()] ?? config.concurrency.default;
}

/** The account quota a stage needs: its reserved sum plus what Lambda keeps unreserved. */
export function quotaNeeded(
  config: StageConfig,
  names: Iterable<string>,
): { reserved: number; needed: number } {
  let reserved = 0;
  for (const name of names) reserved += reservedConcurrency(config, name);
  return { reserved, needed: reserved + UNRESERVED_MINIMUM };
}

/** `auth-flow` -> `AuthFlow`: construct ids and the config keys derived from them. */
export function pascal(name: string): string {
  return name.replace(/(^|[-_\s])(\w)/g, (_m, _sep, c: string) => c.toUpperCase());
}

/** `AuditChain` -> `audit-chain`: deployed function names. */
export function kebab(pascalName: string): string {
  return pascalName.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}
