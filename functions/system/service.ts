export interface HealthPorts {
  readonly region: string;
  readonly stage: 'local' | 'dev' | 'prod';
  readonly version: string;
  readonly keySource: 'kms' | 'local';
  /** Region, stage, key source and version are shown only where that helps a developer. */
  readonly showDetails: boolean;
  probeStore(): Promise<boolean>;
}

export interface Health {
  readonly status: 'ok' | 'degraded';
  readonly region?: string;
  readonly stage?: 'local' | 'dev' | 'prod';
  readonly store?: { readonly reachable: boolean };
  readonly keySource?: 'kms' | 'local';
  readonly version?: string;
}

/**
 * Reports whether this instance can serve:
 * 1. probe the store;
 * 2. degraded when it cannot be reached, ok otherwise;
 * 3. the details (region, stage, store, key source, version) only where `showDetails` says so
 *    (the local stage): anywhere else they tell a stranger what to attack, and the status is enough.
 */
export async function describeHealth(ports: HealthPorts): Promise<Health> {
  const reachable = await ports.probeStore();
  const status = reachable ? 'ok' : 'degraded';
  if (!ports.showDetails) return { status };
  return {
    status,
    region: ports.region,
    stage: ports.stage,
    store: { reachable },
    keySource: ports.keySource,
    version: ports.version,
  };
}
