import { Annotations, type CfnResource, type IAspect, Stack, Token } from 'aws-cdk-lib';
import { CfnBackupPlan } from 'aws-cdk-lib/aws-backup';
import { CfnGlobalTable } from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { CfnKey, CfnReplicaKey } from 'aws-cdk-lib/aws-kms';
import { CfnSecret } from 'aws-cdk-lib/aws-secretsmanager';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import type { IConstruct } from 'constructs';

/** Personal information of people in mainland China stays in the AWS China regions (PIPL). */
export const DEFAULT_ALLOWED_REGIONS = ['cn-north-1', 'cn-northwest-1'] as const;

export function parseAllowedRegions(value: unknown): string[] {
  const list = (
    typeof value === 'string' ? value.split(',') : Array.isArray(value) ? value : DEFAULT_ALLOWED_REGIONS
  )
    .map((r) => String(r).trim())
    .filter(Boolean);
  return list.length > 0 ? list : [...DEFAULT_ALLOWED_REGIONS];
}

/** A key-policy statement: nobody, administrators included, may copy the key out of its region. */
export function denyKeyReplication(key: kms.Key): void {
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'DenyReplication',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['kms:ReplicateKey', 'kms:UpdatePrimaryRegion'],
      resources: ['*'],
    }),
  );
}

/** Every AWS region name that appears in a text (template, ARN, plan). */
export function regionsNamedIn(text: string): Set<string> {
  return new Set(
    text.match(
      /\b(?:cn|us|eu|ap|sa|ca|me|af|il|mx)(?:-gov)?-(?:north|south|east|west|central|northeast|northwest|southeast|southwest)-\d\b/g,
    ) ?? [],
  );
}

/** Fails the synth before any construct exists when the target region is not allowed. */
export function assertAllowedRegion(region: string | undefined, allowed: readonly string[]): string {
  if (!region || Token.isUnresolved(region)) {
    throw new Error(
      `A concrete target region is required (context "region"); allowed regions: ${allowed.join(', ')}`,
    );
  }
  if (!allowed.includes(region)) {
    throw new Error(
      `Region "${region}" is not allowed: personal data must stay in ${allowed.join(', ')}. ` +
        `Deploy with -c region=${allowed[0]} (or another allowed region).`,
    );
  }
  return region;
}

/**
 * Walks every construct and refuses what would copy data out of the allowed regions: stacks in
 * other regions, global-table replicas, secret replicas, multi-Region or replica KMS keys. Errors
 * fail the synth.
 */
export class ResidencyChecker implements IAspect {
  readonly #allowed: readonly string[];

  constructor(allowed: readonly string[]) {
    this.#allowed = allowed;
  }

  visit(node: IConstruct): void {
    if (node instanceof Stack) {
      if (Token.isUnresolved(node.region) || !this.#allowed.includes(node.region)) {
        this.#error(node, `stack region ${node.region} is outside ${this.#allowed.join(', ')}`);
      }
      const partition = Token.isUnresolved(node.region) ? undefined : RegionInfo.get(node.region).partition;
      if (partition !== 'aws-cn')
        this.#error(node, `stack partition ${partition ?? 'unknown'} is not aws-cn`);
    }
    if (node instanceof CfnGlobalTable) {
      // TableV2 renders its replica list lazily; resolve it to see the regions.
      const replicas = Stack.of(node).resolve(node.replicas) as Array<{ region: unknown }>;
      for (const { region } of replicas) {
        if (typeof region !== 'string' || !this.#allowed.includes(region)) {
          this.#error(node, `table replica in ${JSON.stringify(region)}`);
        }
      }
    }
    if (node instanceof CfnBackupPlan) {
      // Copy actions name their destination vault by ARN; every region in it must be allowed.
      const plan = JSON.stringify(Stack.of(node).resolve(node.backupPlan));
      for (const region of regionsNamedIn(plan)) {
        if (!this.#allowed.includes(region)) this.#error(node, `backup copies go to ${region}`);
      }
    }
    if (node instanceof CfnSecret) {
      // Secrets Manager replication: a replica is allowed only in an allowed region.
      const replicas = (Stack.of(node).resolve(node.replicaRegions) ?? []) as Array<{ region: unknown }>;
      for (const { region } of replicas) {
        if (typeof region !== 'string' || !this.#allowed.includes(region))
          this.#error(node, `secret replica in ${JSON.stringify(region)}`);
      }
    }
    if (node instanceof CfnKey && node.multiRegion === true) {
      this.#error(node, 'multi-Region KMS keys can be replicated out of the allowed regions');
    }
    if (node instanceof CfnReplicaKey)
      this.#error(node, 'KMS replica keys copy key material to another region');
  }

  #error(node: IConstruct | CfnResource, message: string): void {
    Annotations.of(node).addError(`[Residency] ${message}`);
  }
}
