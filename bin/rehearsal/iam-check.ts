import { runSimulation } from '@cloud-copilot/iam-simulate';
import type { RecordedCall } from './aws-endpoint';
import { type Plan, REHEARSAL_ACCOUNT } from './plan';

export interface IamVerdict {
  readonly call: RecordedCall;
  readonly result: string;
}

export interface IamReport {
  readonly checked: number;
  readonly distinct: number;
  readonly denied: readonly IamVerdict[];
  /** Per function, granted actions (action on resource) no recorded call used. */
  readonly unused: ReadonlyArray<{
    readonly functionId: string;
    readonly action: string;
    readonly resource: string;
  }>;
}

const key = (c: RecordedCall) => `${c.functionId} ${c.action} ${c.resource} ${JSON.stringify(c.context)}`;

/**
 * Every recorded call evaluated as IAM would: the function role's policies (identity), and for
 * KMS the key's own policy (a resource policy: a key allows nothing its policy does not), with
 * the call's context keys (`kms:ViaService`, `kms:EncryptionContext:*`). An implicit or explicit
 * deny is reported; so is each granted action no call used.
 */
export async function checkCalls(plan: Plan, calls: readonly RecordedCall[]): Promise<IamReport> {
  const distinct = new Map<string, RecordedCall>();
  for (const call of calls) distinct.set(key(call), call);
  const denied: IamVerdict[] = [];
  for (const call of distinct.values()) {
    const fn = plan.functions.get(call.functionId);
    if (!fn) throw new Error(`a call from ${call.functionId}, which the template does not have`);
    const keyPolicy = call.action.startsWith('kms:') ? plan.keyPolicies.get(call.resource) : undefined;
    if (call.action.startsWith('kms:') && !keyPolicy) {
      denied.push({ call, result: 'no such key in the template' });
      continue;
    }
    const outcome = await runSimulation(
      {
        request: {
          principal: fn.roleArn,
          action: call.action,
          resource: { resource: call.resource, accountId: REHEARSAL_ACCOUNT },
          contextVariables: { ...call.context },
        },
        identityPolicies: [
          { name: `${fn.id}-role`, policy: { Version: '2012-10-17', Statement: fn.statements } },
        ],
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        ...(keyPolicy ? { resourcePolicy: keyPolicy } : {}),
      },
      {},
    );
    const result =
      outcome.resultType === 'error'
        ? `error: ${JSON.stringify(outcome.errors)}`
        : String(outcome.overallResult);
    if (result !== 'Allowed') denied.push({ call, result });
  }
  const used = new Set([...distinct.values()].map((c) => `${c.functionId} ${c.action}`));
  const unused: { functionId: string; action: string; resource: string }[] = [];
  for (const fn of plan.functions.values()) {
    for (const statement of fn.statements) {
      if (statement.Effect !== 'Allow') continue;
      // Logs are written by the Lambda service for the function, not by its code.
      const actions = [statement.Action].flat().filter((a: string) => !a.startsWith('logs:'));
      for (const action of actions) {
        if (!used.has(`${fn.id} ${action}`))
          unused.push({ functionId: fn.id, action, resource: JSON.stringify(statement.Resource) });
      }
    }
  }
  return { checked: calls.length, distinct: distinct.size, denied, unused };
}
