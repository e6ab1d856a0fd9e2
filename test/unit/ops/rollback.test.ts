import { CloudFormationClient, ListStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import {
  GetAliasCommand,
  LambdaClient,
  ListVersionsByFunctionCommand,
  UpdateAliasCommand,
} from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { RollbackError, releaseDescription, rollback } from '../../../bin/ops/rollback';

const cfn = mockClient(CloudFormationClient);
const lambda = mockClient(LambdaClient);
const clients = { cfn: new CloudFormationClient({}), lambda: new LambdaClient({}) };
const STACK = 'PatientOnboarding-prod-Api';

/** Two functions, each with releases 1.0.0 (versions 1, 2: deployed twice) and 1.1.0 (3), live at 3. */
beforeEach(() => {
  cfn.reset();
  lambda.reset();
  cfn.on(ListStackResourcesCommand, { StackName: STACK }).resolves({
    StackResourceSummaries: [
      {
        ResourceType: 'AWS::Lambda::Function',
        PhysicalResourceId: 'po-auth',
        LogicalResourceId: 'A',
        ResourceStatus: 'UPDATE_COMPLETE',
        LastUpdatedTimestamp: new Date(),
      },
      {
        ResourceType: 'AWS::Lambda::Alias',
        PhysicalResourceId: 'arn:alias',
        LogicalResourceId: 'B',
        ResourceStatus: 'UPDATE_COMPLETE',
        LastUpdatedTimestamp: new Date(),
      },
      {
        ResourceType: 'AWS::Lambda::Function',
        PhysicalResourceId: 'po-cards',
        LogicalResourceId: 'C',
        ResourceStatus: 'UPDATE_COMPLETE',
        LastUpdatedTimestamp: new Date(),
      },
    ],
  });
  for (const name of ['po-auth', 'po-cards']) {
    lambda.on(ListVersionsByFunctionCommand, { FunctionName: name }).resolves({
      Versions: [
        { Version: '$LATEST', Description: '' },
        { Version: '1', Description: releaseDescription('1.0.0') },
        { Version: '2', Description: releaseDescription('1.0.0') },
        { Version: '3', Description: releaseDescription('1.1.0') },
      ],
    });
    lambda.on(GetAliasCommand, { FunctionName: name, Name: 'live' }).resolves({ FunctionVersion: '3' });
  }
});

describe('npm run rollback', () => {
  it('moves every live alias to the newest version of the release asked for', async () => {
    const moves = await rollback(clients, { stackName: STACK, to: '1.0.0', dryRun: false });
    expect(moves).toEqual([
      { functionName: 'po-auth', from: '3', to: '2' },
      { functionName: 'po-cards', from: '3', to: '2' },
    ]);
    expect(lambda.commandCalls(UpdateAliasCommand).map((c) => c.args[0].input)).toEqual([
      { FunctionName: 'po-auth', Name: 'live', FunctionVersion: '2' },
      { FunctionName: 'po-cards', Name: 'live', FunctionVersion: '2' },
    ]);
  });

  it('goes to the version before the live one with `previous`, and moves nothing on a dry run', async () => {
    const moves = await rollback(clients, { stackName: STACK, to: 'previous', dryRun: true });
    expect(moves.map((m) => m.to)).toEqual(['2', '2']);
    expect(lambda.commandCalls(UpdateAliasCommand)).toHaveLength(0);
  });

  it('moves nothing when one function has no version of that release', async () => {
    lambda.on(ListVersionsByFunctionCommand, { FunctionName: 'po-cards' }).resolves({
      Versions: [{ Version: '3', Description: releaseDescription('1.1.0') }],
    });
    await expect(rollback(clients, { stackName: STACK, to: '1.0.0', dryRun: false })).rejects.toThrow(
      new RollbackError('no version for release 1.0.0 of: po-cards; nothing was moved'),
    );
    expect(lambda.commandCalls(UpdateAliasCommand)).toHaveLength(0);
  });
});
