/**
 * Stage configuration: plain data, no environment reads (wiring.ts and bin/ choose the stage).
 * Every limit that later features use lives here so that a stage can tighten or relax it.
 */
export type StageName = 'local' | 'prod';

export interface StageConfig {
  readonly stage: StageName;
  /** Regions this stage may run in; the CDK app and the Lambda runtime both refuse others. */
  readonly allowedRegions: readonly string[];
  /** Largest request body accepted, in bytes. */
  readonly maxBodyBytes: number;
  /** Data-key cache of the envelope encryption: bounded so one data key seals a limited amount. */
  readonly dataKeyCache: {
    readonly capacity: number;
    readonly maxAgeMs: number;
    readonly maxMessages: number;
  };
  /** Days CloudWatch keeps function and access logs. */
  readonly logRetentionDays: number;
}

const base = {
  allowedRegions: ['cn-north-1', 'cn-northwest-1'],
  maxBodyBytes: 16 * 1024,
  dataKeyCache: { capacity: 100, maxAgeMs: 5 * 60_000, maxMessages: 1000 },
  logRetentionDays: 180,
} as const;

export const stages: Readonly<Record<StageName, StageConfig>> = {
  local: { ...base, stage: 'local' },
  prod: { ...base, stage: 'prod' },
};

export function stageConfig(name: string): StageConfig {
  if (name === 'local' || name === 'prod') return stages[name];
  throw new Error(`Unknown stage "${name}"; known stages: ${Object.keys(stages).join(', ')}`);
}

export function isAllowedRegion(config: Pick<StageConfig, 'allowedRegions'>, region: string): boolean {
  return config.allowedRegions.includes(region);
}
