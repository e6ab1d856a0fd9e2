import {
  ConditionalCheckFailedException,
  TransactionCanceledException,
  type TransactWriteItem,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { queryAll } from '../store/query-all';
import type { SealedTable } from '../store/sealed-table';
import type {
  AccountClaims,
  QueuedRequest,
  RequestContact,
  RightsRequest,
  RightsRequestStore,
} from './rights-requests';

/** The operators' queue: one partition, sorted by due date; requests this rare never make it hot. */
const QUEUE_PK = 'REQUESTQUEUE';

const keys = {
  request: (requestId: string) => ({ pk: `REQUEST#${requestId}`, sk: 'REQUEST' }),
  pointer: (userId: string, requestId: string) => ({ pk: `USER#${userId}`, sk: `REQUEST#${requestId}` }),
  queue: (r: Pick<RightsRequest, 'dueAt' | 'requestId'>) => ({
    pk: QUEUE_PK,
    sk: `${new Date(r.dueAt).toISOString()}#${r.requestId}`,
  }),
  profile: (userId: string) => ({ pk: `USER#${userId}`, sk: 'PROFILE' }),
  phone: (phoneToken: string) => ({ pk: `PHONE#${phoneToken}`, sk: 'USER' }),
  idNumber: (idToken: string) => ({ pk: `IDNUM#${idToken}`, sk: 'VERIFIED' }),
  idp: (provider: string, identityToken: string) => ({ pk: `IDP#${provider}#${identityToken}`, sk: 'USER' }),
};

/**
 * Rights requests: `REQUEST#<id>` (contact details sealed), the user's `USER#<id>/REQUEST#<id>`
 * pointer, and `REQUESTQUEUE/<due>#<id>` while open. Account closure removes the account's claims
 * in the same transaction, each only if it still names this account.
 */
export class DynamoRightsRequestStore implements RightsRequestStore {
  readonly #table: SealedTable;

  constructor(table: SealedTable) {
    this.#table = table;
  }

  async #requestItems(request: RightsRequest): Promise<TransactWriteItem[]> {
    const t = this.#table;
    const { contact, ...plain } = request;
    return [
      await t.transactPut({ ...keys.request(request.requestId), ...plain }, contact ? { ...contact } : {}, {
        expression: 'attribute_not_exists(pk)',
      }),
      await t.transactPut({
        ...keys.queue(request),
        requestId: request.requestId,
        kind: request.kind,
        receivedAt: request.receivedAt,
        dueAt: request.dueAt,
      }),
    ];
  }

  async openAccountDeletion(request: RightsRequest, claims: AccountClaims) {
    const t = this.#table;
    const { userId } = claims;
    const ifMine = {
      ConditionExpression: 'attribute_not_exists(pk) OR #userId = :uid',
      ExpressionAttributeNames: { '#userId': 'userId' },
      ExpressionAttributeValues: marshall({ ':uid': userId }),
    };
    const claimKeys = [
      keys.phone(claims.phoneToken),
      ...(claims.idNumberToken ? [keys.idNumber(claims.idNumberToken)] : []),
      ...claims.identities.map((i) => keys.idp(i.provider, i.identityToken)),
    ];
    try {
      await t.transactWrite([
        {
          Update: {
            TableName: t.tableName,
            Key: marshall(keys.profile(userId)),
            UpdateExpression: 'SET #closing = :requestId',
            ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#closing)',
            ExpressionAttributeNames: { '#closing': 'closingRequestId' },
            ExpressionAttributeValues: marshall({ ':requestId': request.requestId }),
          },
        },
        ...(await this.#requestItems(request)),
        await t.transactPut({
          ...keys.pointer(userId, request.requestId),
          requestId: request.requestId,
          kind: request.kind,
        }),
        ...claimKeys.map((key) => ({ Delete: { TableName: t.tableName, Key: marshall(key), ...ifMine } })),
      ]);
      return 'opened' as const;
    } catch (error) {
      if (
        error instanceof TransactionCanceledException &&
        error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed'
      )
        return 'already_closing' as const;
      throw error;
    }
  }

  async submit(request: RightsRequest): Promise<void> {
    await this.#table.transactWrite([
      ...(await this.#requestItems(request)),
      ...(request.userId
        ? [
            await this.#table.transactPut({
              ...keys.pointer(request.userId, request.requestId),
              requestId: request.requestId,
              kind: request.kind,
            }),
          ]
        : []),
    ]);
  }

  async get(requestId: string): Promise<RightsRequest | undefined> {
    const stored = await this.#table.get<RequestContact & Record<string, string>>(keys.request(requestId));
    if (!stored) return undefined;
    const { pk: _pk, sk: _sk, ttl: _ttl, storageOnly: _so, ...plain } = stored.item;
    const hasContact = Object.keys(stored.sealed).length > 0;
    return { ...(plain as unknown as RightsRequest), ...(hasContact ? { contact: stored.sealed } : {}) };
  }

  async listForUser(userId: string): Promise<RightsRequest[]> {
    const pointers = await queryAll(this.#table.client, {
      TableName: this.#table.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: marshall({ ':pk': `USER#${userId}`, ':prefix': 'REQUEST#' }),
    });
    const found = await Promise.all(pointers.map((p) => this.get(String(p.requestId))));
    return found.filter((r): r is RightsRequest => r !== undefined);
  }

  async listOpen(): Promise<QueuedRequest[]> {
    const queued = await queryAll(this.#table.client, {
      TableName: this.#table.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: marshall({ ':pk': QUEUE_PK }),
    });
    return queued.map((q) => ({
      requestId: String(q.requestId),
      kind: q.kind as QueuedRequest['kind'],
      receivedAt: Number(q.receivedAt),
      dueAt: Number(q.dueAt),
    }));
  }

  async recordFailure(requestId: string, reason: string): Promise<void> {
    try {
      await this.#table.client.send(
        new UpdateItemCommand({
          TableName: this.#table.tableName,
          Key: marshall(keys.request(requestId)),
          UpdateExpression: 'ADD #attempts :one SET #lastError = :reason',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#attempts': 'attempts', '#lastError': 'lastError' },
          ExpressionAttributeValues: marshall({ ':one': 1, ':reason': reason }),
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async complete(requestId: string, now: number, keepUntil: number): Promise<void> {
    const request = await this.get(requestId);
    if (!request || request.status === 'completed') return;
    const t = this.#table;
    await t.transactWrite([
      {
        Update: {
          TableName: t.tableName,
          Key: marshall(keys.request(requestId)),
          // Kept because the law asks for proof the request was carried out, and nothing else.
          UpdateExpression: 'SET #status = :done, #completedAt = :now, #storageOnly = :true, #ttl = :ttl',
          ConditionExpression: '#status <> :done',
          ExpressionAttributeNames: {
            '#status': 'status',
            '#completedAt': 'completedAt',
            '#storageOnly': 'storageOnly',
            '#ttl': 'ttl',
          },
          ExpressionAttributeValues: marshall({
            ':done': 'completed',
            ':now': now,
            ':true': true,
            ':ttl': Math.ceil(keepUntil / 1000),
          }),
        },
      },
      { Delete: { TableName: t.tableName, Key: marshall(keys.queue(request)) } },
    ]);
  }
}
