import {
  DeleteTableCommand,
  paginateListTables,
  ScanCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { identityFixtures } from '../../bin/local/standins/identity';
import { handler as restoreTest } from '../../functions/recovery/handlers/restore-test-job';
import { SEALED_ATTRIBUTE } from '../../functions/store/table-definition';
import { apiClient } from '../helpers/api-client';
import { captureOutput } from '../helpers/capture-logs';
import { localDynamo } from '../helpers/dynamo';
import { runtimePerFile } from '../helpers/local-runtime';

/**
 * The scheduled restore test over the local runtime (a table copy plays AWS Backup's restore):
 * the first run restores, the next opens every sealed item of the copy with this region's keys,
 * verifies its audit chain, drops it and restores again; a copy that does not hold up fails,
 * and nothing personal reaches the job's log.
 */
const local = runtimePerFile('restore', { jobs: { deletionsMs: 0, retentionMs: 0 } });
const dynamo = localDynamo();
/** The copies of this file's table, on a DynamoDB Local other files fill with tables (pages of 100). */
const scratchTables = async () => {
  const names: string[] = [];
  for await (const page of paginateListTables({ client: dynamo }, {})) names.push(...(page.TableNames ?? []));
  return names.filter((n) => n.startsWith(`${local.runtime.tableName}-rt-`));
};
/** The next run names its copy by the second: let one pass, as days pass between real runs. */
const nextSecond = () => new Promise((resolve) => setTimeout(resolve, 1100));

describe('the restore test, run as the schedule runs it', () => {
  const person = identityFixtures[1] as { name: string; idNumber: string };
  const phone = '13600003030';

  it('restores, then checks and drops the copy, and fails a copy whose items do not open', async () => {
    const { login, verifyAs } = apiClient(
      () => local.runtime.url,
      () => local.dataDir,
    );
    const { accessToken: token } = await login(phone);
    await verifyAs(token, person);
    await local.runtime.settle();

    const first = await captureOutput(() => restoreTest());
    expect(first.result).toMatchObject({ passed: 0, failed: 0 });
    const [copy] = await scratchTables();
    expect(copy).toBe(first.result.started);

    await nextSecond();
    const second = await captureOutput(() => restoreTest());
    expect(second.result).toMatchObject({ passed: 1, failed: 0 });
    expect(second.output).toContain('restore test passed');
    expect(second.output).toMatch(/"RestoreTestPassed":1/);
    expect(await scratchTables()).toEqual([second.result.started]);

    // A copy whose sealed blob was changed (a bad restore, a wrong key) fails, and says why.
    const scanned = await dynamo.send(new ScanCommand({ TableName: second.result.started }));
    const sealedItem = (scanned.Items ?? []).find((i) => i[SEALED_ATTRIBUTE] !== undefined);
    const blob = Buffer.from(sealedItem?.[SEALED_ATTRIBUTE]?.B as Uint8Array);
    blob[blob.length - 5] = (blob[blob.length - 5] ?? 0) ^ 0x01;
    await dynamo.send(
      new UpdateItemCommand({
        TableName: second.result.started,
        Key: { pk: sealedItem?.pk as { S: string }, sk: sealedItem?.sk as { S: string } },
        UpdateExpression: 'SET #s = :b',
        ExpressionAttributeNames: { '#s': SEALED_ATTRIBUTE },
        ExpressionAttributeValues: { ':b': { B: blob } },
      }),
    );
    await nextSecond();
    const third = await captureOutput(() => restoreTest());
    expect(third.result).toMatchObject({ passed: 0, failed: 1 });
    expect(third.output).toContain('1 sealed item(s) did not open');
    expect(third.output).toMatch(/"RestoreTestFailed":1/);

    // The job's log names tables and counts, never a person.
    const output = first.output + second.output + third.output;
    for (const secret of [phone, person.name, person.idNumber]) expect(output).not.toContain(secret);

    for (const name of await scratchTables()) await dynamo.send(new DeleteTableCommand({ TableName: name }));
  }, 60_000);
});
