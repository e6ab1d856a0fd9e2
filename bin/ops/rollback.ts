import {
  type CloudFormationClient,
  paginateListStackResources,
  type StackResourceSummary,
} from '@aws-sdk/client-cloudformation';
import {
  GetAliasCommand,
  type LambdaClient,
  paginateListVersionsByFunction,
  UpdateAliasCommand,
} from '@aws-sdk/client-lambda';

export const LIVE_ALIAS = 'live';
/** What CDK writes on each published version (lib/api-stack.ts, `currentVersionOptions`). */
export const releaseDescription = (release: string) => `patient-onboarding release ${release}`;

export interface RollbackOptions {
  readonly stackName: string;
  /** The release to go back to (as deployed with `-c release=…`), or `previous`. */
  readonly to: string;
  readonly dryRun: boolean;
}

export interface AliasMove {
  readonly functionName: string;
  readonly from: string;
  readonly to: string;
}

export class RollbackError extends Error {}

/** The stack's functions, by physical name. */
async function stackFunctions(cfn: CloudFormationClient, stackName: string): Promise<string[]> {
  const names: string[] = [];
  for await (const page of paginateListStackResources({ client: cfn }, { StackName: stackName })) {
    for (const resource of (page.StackResourceSummaries ?? []) as StackResourceSummary[]) {
      if (resource.ResourceType === 'AWS::Lambda::Function' && resource.PhysicalResourceId)
        names.push(resource.PhysicalResourceId);
    }
  }
  return names.sort();
}

/** A function's published versions, oldest first, with their descriptions. */
async function versionsOf(lambda: LambdaClient, functionName: string) {
  const versions: Array<{ version: string; description: string }> = [];
  for await (const page of paginateListVersionsByFunction(
    { client: lambda },
    { FunctionName: functionName },
  )) {
    for (const v of page.Versions ?? []) {
      if (v.Version && v.Version !== '$LATEST')
        versions.push({ version: v.Version, description: v.Description ?? '' });
    }
  }
  return versions.sort((a, b) => Number(a.version) - Number(b.version));
}

/**
 * Moves every function's `live` alias back to the newest version published for a release (or,
 * with `previous`, to the newest version before the one `live` names). The plan is made for every
 * function first: if any has no such version, nothing moves (a half rollback would mix releases
 * behind one API). Versions are immutable code and configuration, so no build or deploy is needed.
 */
export async function rollback(
  clients: { cfn: CloudFormationClient; lambda: LambdaClient },
  options: RollbackOptions,
): Promise<AliasMove[]> {
  const functions = await stackFunctions(clients.cfn, options.stackName);
  if (functions.length === 0) throw new RollbackError(`stack ${options.stackName} has no functions`);
  const moves: AliasMove[] = [];
  const missing: string[] = [];
  for (const functionName of functions) {
    const [versions, alias] = await Promise.all([
      versionsOf(clients.lambda, functionName),
      clients.lambda.send(new GetAliasCommand({ FunctionName: functionName, Name: LIVE_ALIAS })),
    ]);
    const current = alias.FunctionVersion ?? '';
    const target =
      options.to === 'previous'
        ? versions.filter((v) => Number(v.version) < Number(current)).at(-1)
        : versions.filter((v) => v.description === releaseDescription(options.to)).at(-1);
    if (!target) missing.push(functionName);
    else moves.push({ functionName, from: current, to: target.version });
  }
  if (missing.length > 0)
    throw new RollbackError(
      `no version for ${options.to === 'previous' ? 'a previous release' : `release ${options.to}`} of: ${missing.join(', ')}; nothing was moved`,
    );
  if (!options.dryRun) {
    for (const move of moves) {
      if (move.from === move.to) continue;
      await clients.lambda.send(
        new UpdateAliasCommand({
          FunctionName: move.functionName,
          Name: LIVE_ALIAS,
          FunctionVersion: move.to,
        }),
      );
    }
  }
  return moves;
}
