import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

export interface CallMeter {
  calls: number;
  capacityUnits: number;
  readonly byCommand: Map<string, { calls: number; capacityUnits: number }>;
  reset(): void;
}

const COMMANDS_WITH_CAPACITY = new Set([
  'GetItemCommand',
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'QueryCommand',
  'ScanCommand',
  'BatchGetItemCommand',
  'BatchWriteItemCommand',
  'TransactWriteItemsCommand',
  'TransactGetItemsCommand',
]);

/**
 * Counts a client's DynamoDB calls and the capacity they consumed (asking DynamoDB to report it):
 * what each request costs, for benches and metrics.
 */
export function meterDynamo(client: DynamoDBClient): CallMeter {
  const meter: CallMeter = {
    calls: 0,
    capacityUnits: 0,
    byCommand: new Map(),
    reset() {
      meter.calls = 0;
      meter.capacityUnits = 0;
      meter.byCommand.clear();
    },
  };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = String(context.commandName);
      const input = args.input as { ReturnConsumedCapacity?: string };
      if (COMMANDS_WITH_CAPACITY.has(command)) input.ReturnConsumedCapacity ??= 'TOTAL';
      const entry = meter.byCommand.get(command) ?? { calls: 0, capacityUnits: 0 };
      meter.byCommand.set(command, entry);
      meter.calls++;
      entry.calls++;
      // A refused conditional write is counted as a call; DynamoDB reports no capacity with the error.
      const result = await next(args);
      const consumed = (
        result.output as { ConsumedCapacity?: { CapacityUnits?: number } | { CapacityUnits?: number }[] }
      ).ConsumedCapacity;
      const units = (Array.isArray(consumed) ? consumed : consumed ? [consumed] : []).reduce(
        (sum, c) => sum + (c.CapacityUnits ?? 0),
        0,
      );
      meter.capacityUnits += units;
      entry.capacityUnits += units;
      return result;
    },
    { step: 'initialize', name: 'callMeter' },
  );
  return meter;
}
