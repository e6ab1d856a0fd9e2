export interface HealthPorts {
  readonly region: string;
  readonly stage: string;
  readonly version: string;
  readonly keySource: 'kms' | 'local';
  probeStore(): Promise<boolean>;
}

export interface Health {
  readonly status: 'ok' | 'degraded';
  readonly region: string;
  readonly stage: string;
  readonly store: { readonly reachable: boolean };
  readonly keySource: 'kms' | 'local';
  readonly version: string;
}

/**
 * Reports whether this instance can serve:
 * 1. probe the store;
 * 2. degraded when it cannot be reached, ok otherwise.
 */
export async function describeHealth(ports: HealthPorts): Promise<Health> {
  const reachable = await ports.probeStore();
  return {
    status: reachable ? 'ok' : 'degraded',
    region: ports.region,
    stage: ports.stage,
    store: { reachable },
    keySource: ports.keySource,
    version: ports.version,
  };
}
