import type { StageConfig } from '../functions/core/config';
import { pascal } from './names';

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
    'RestoreTest',
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
