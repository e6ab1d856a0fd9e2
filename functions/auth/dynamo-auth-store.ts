import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  TransactionCanceledException,
  UpdateItemCommand,
  type UpdateItemCommandInput,
} from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { accessDataMark } from '../privacy/retention-marks';
import { queryAll } from '../store/query-all';
import type { SealedTable } from '../store/sealed-table';
import type {
  AuthStore,
  Challenge,
  ConsentRecord,
  LinkRecord,
  LockKind,
  PhoneRecovery,
  SessionRecord,
  UserRecord,
  WrongCodeOutcome,
} from './ports';

const seconds = (ms: number) => Math.ceil(ms / 1000);

const keys = {
  challenge: (phoneToken: string, purpose: string) => ({ pk: `OTP#${phoneToken}`, sk: purpose }),
  user: (userId: string) => ({ pk: `USER#${userId}`, sk: 'PROFILE' }),
  phone: (phoneToken: string) => ({ pk: `PHONE#${phoneToken}`, sk: 'USER' }),
  session: (userId: string, familyId: string) => ({ pk: `USER#${userId}`, sk: `SESSION#${familyId}` }),
  consent: (userId: string, purpose: string, at: number) => ({
    pk: `USER#${userId}`,
    sk: `CONSENT#${purpose}#${new Date(at).toISOString()}`,
  }),
  lock: (kind: LockKind, key: string) => ({ pk: `LOCK#${kind}#${key}`, sk: 'LOCK' }),
  idp: (provider: string, identityToken: string) => ({ pk: `IDP#${provider}#${identityToken}`, sk: 'USER' }),
  userIdp: (userId: string, provider: string) => ({ pk: `USER#${userId}`, sk: `IDP#${provider}` }),
  phoneRecovery: (userId: string) => ({ pk: `USER#${userId}`, sk: 'PHONERECOVERY' }),
};

/** `#name` placeholders for attribute names: DynamoDB reserves hundreds of words (`consumed`, ...). */
/** The account item's plain attributes; the phone itself goes in sealed. */
function userItem(user: UserRecord, phoneToken: string) {
  return {
    ...keys.user(user.userId),
    userId: user.userId,
    phoneToken,
    createdAt: user.createdAt,
    realNameVerified: user.realNameVerified,
  };
}

function names(...attributes: string[]): Record<string, string> {
  return Object.fromEntries(attributes.map((a) => [`#${a}`, a]));
}

function isConditionFailure(error: unknown): boolean {
  return (
    error instanceof ConditionalCheckFailedException ||
    (error instanceof TransactionCanceledException &&
      (error.CancellationReasons ?? []).some(
        (r) => r.Code === 'ConditionalCheckFailed' || r.Code === 'TransactionConflict',
      ))
  );
}

/**
 * The login feature's items in the single table. Uniqueness and single use come from conditional
 * writes and transactions, never from a read followed by a write.
 */
export class DynamoAuthStore implements AuthStore {
  readonly #table: SealedTable;

  constructor(table: SealedTable) {
    this.#table = table;
  }

  get #client() {
    return this.#table.client;
  }

  get #name() {
    return this.#table.tableName;
  }

  async putChallenge(c: Challenge): Promise<void> {
    await this.#table.put({
      ...keys.challenge(c.phoneToken, c.purpose),
      ...c,
      ttl: seconds(c.expiresAt) + 3600,
    });
  }

  async getChallenge(phoneToken: string, purpose: Challenge['purpose']): Promise<Challenge | undefined> {
    const stored = await this.#table.get(keys.challenge(phoneToken, purpose));
    return stored?.item as unknown as Challenge | undefined;
  }

  async recordWrongCode(c: Challenge, maxAttempts: number): Promise<WrongCodeOutcome> {
    try {
      const out = await this.#client.send(
        new UpdateItemCommand({
          TableName: this.#name,
          Key: marshall(keys.challenge(c.phoneToken, c.purpose)),
          UpdateExpression: 'ADD #attempts :one',
          ConditionExpression: '#challengeId = :id AND #attempts < :max AND #consumed = :false',
          ExpressionAttributeNames: names('attempts', 'challengeId', 'consumed'),
          ExpressionAttributeValues: marshall({
            ':one': 1,
            ':id': c.challengeId,
            ':max': maxAttempts,
            ':false': false,
          }),
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      const attempts = Number(out.Attributes?.attempts?.N ?? maxAttempts);
      return { attemptsLeft: Math.max(0, maxAttempts - attempts) };
    } catch (error) {
      if (isConditionFailure(error)) return 'burned';
      throw error;
    }
  }

  async consumeChallenge(c: Challenge, maxAttempts: number, now: number): Promise<boolean> {
    return this.#conditionalUpdate({
      TableName: this.#name,
      Key: marshall(keys.challenge(c.phoneToken, c.purpose)),
      UpdateExpression: 'SET #consumed = :true, #consumedAt = :now',
      ConditionExpression:
        '#challengeId = :id AND #codeMac = :mac AND #consumed = :false AND #attempts < :max AND #expiresAt > :now',
      ExpressionAttributeNames: names(
        'consumed',
        'consumedAt',
        'challengeId',
        'codeMac',
        'attempts',
        'expiresAt',
      ),
      ExpressionAttributeValues: marshall({
        ':true': true,
        ':false': false,
        ':id': c.challengeId,
        ':mac': c.codeMac,
        ':max': maxAttempts,
        ':now': now,
      }),
    });
  }

  async findUserIdByPhone(phoneToken: string): Promise<string | undefined> {
    const stored = await this.#table.get(keys.phone(phoneToken));
    return stored?.item.userId as string | undefined;
  }

  async getUser(userId: string): Promise<UserRecord | undefined> {
    const stored = await this.#table.get<{ phone: string }>(keys.user(userId));
    if (!stored) return undefined;
    const { item, sealed } = stored;
    return {
      userId: item.userId as string,
      phoneToken: item.phoneToken as string,
      phone: sealed.phone,
      createdAt: item.createdAt as number,
      realNameVerified: item.realNameVerified === true,
    };
  }

  async createUser(
    user: UserRecord,
    consent: ConsentRecord,
    session: SessionRecord,
    link?: LinkRecord,
  ): Promise<'created' | 'phone_taken' | 'identity_taken'> {
    const notExists = { expression: 'attribute_not_exists(pk)' };
    const linkItems = link ? await this.#linkItems(link) : [];
    try {
      await this.#table.transactWrite([
        // Order matters: a refused link is told apart from a taken number by position.
        ...linkItems,
        await this.#table.transactPut(
          { ...keys.phone(user.phoneToken), userId: user.userId, createdAt: user.createdAt },
          {},
          notExists,
        ),
        await this.#table.transactPut(userItem(user, user.phoneToken), { phone: user.phone }, notExists),
        ...(await Promise.all(
          consent.purposes.map((purpose) =>
            this.#table.transactPut(
              {
                ...keys.consent(user.userId, purpose, consent.at),
                ...consent,
                purpose,
                purposes: undefined,
                ...accessDataMark(consent.at),
              },
              {},
              notExists,
            ),
          ),
        )),
        await this.#table.transactPut(this.#sessionItem(session), {}, notExists),
        // The policy version this account accepted: what re-consent and the privacy centre read.
        await this.#table.transactPut({
          pk: `USER#${user.userId}`,
          sk: 'CONSENTSTATE#privacy_policy',
          accepted: true,
          policyVersion: consent.policyVersion,
          at: consent.at,
        }),
      ]);
      return 'created';
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const reasons = error instanceof TransactionCanceledException ? (error.CancellationReasons ?? []) : [];
      return reasons[0]?.Code === 'ConditionalCheckFailed' && linkItems.length > 0
        ? 'identity_taken'
        : 'phone_taken';
    }
  }

  /** The identity's claim (`IDP#<provider>#<token>`) and the account's entry (`USER#<id>/IDP#<provider>`). */
  async #linkItems(link: LinkRecord) {
    const notExists = { expression: 'attribute_not_exists(pk)' };
    const sealed = {
      ...(link.nickname ? { nickname: link.nickname } : {}),
      ...(link.avatarUrl ? { avatarUrl: link.avatarUrl } : {}),
    };
    return [
      await this.#table.transactPut(
        {
          ...keys.idp(link.provider, link.identityToken),
          userId: link.userId,
          appId: link.appId,
          linkedAt: link.linkedAt,
        },
        {},
        notExists,
      ),
      await this.#table.transactPut(
        {
          ...keys.userIdp(link.userId, link.provider),
          userId: link.userId,
          provider: link.provider,
          identityToken: link.identityToken,
          appId: link.appId,
          linkedAt: link.linkedAt,
        },
        sealed,
        notExists,
      ),
    ];
  }

  async linkIdentity(link: LinkRecord): Promise<'linked' | 'identity_taken' | 'provider_taken'> {
    try {
      await this.#table.transactWrite(await this.#linkItems(link));
      return 'linked';
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const reasons = error instanceof TransactionCanceledException ? (error.CancellationReasons ?? []) : [];
      return reasons[0]?.Code === 'ConditionalCheckFailed' ? 'identity_taken' : 'provider_taken';
    }
  }

  async findLinkedUser(provider: string, identityToken: string): Promise<string | undefined> {
    return (await this.#table.get(keys.idp(provider, identityToken)))?.item.userId as string | undefined;
  }

  async listLinks(userId: string): Promise<LinkRecord[]> {
    const out = await this.#client.send(
      new QueryCommand({
        TableName: this.#name,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: marshall({ ':pk': `USER#${userId}`, ':prefix': 'IDP#' }),
      }),
    );
    const links: LinkRecord[] = [];
    for (const raw of out.Items ?? []) {
      const { item, sealed } = await this.#table.fromStorage<{ nickname?: string; avatarUrl?: string }>(raw);
      links.push({
        userId,
        provider: item.provider as string,
        identityToken: item.identityToken as string,
        appId: item.appId as string,
        linkedAt: item.linkedAt as number,
        nickname: sealed.nickname,
        avatarUrl: sealed.avatarUrl,
      });
    }
    return links;
  }

  async unlink(userId: string, provider: string): Promise<boolean> {
    const entry = await this.#table.get(keys.userIdp(userId, provider));
    if (!entry) return false;
    try {
      await this.#table.transactWrite([
        { Delete: { TableName: this.#name, Key: marshall(keys.userIdp(userId, provider)) } },
        {
          Delete: {
            TableName: this.#name,
            Key: marshall(keys.idp(provider, entry.item.identityToken as string)),
            ConditionExpression: '#userId = :uid',
            ExpressionAttributeNames: names('userId'),
            ExpressionAttributeValues: marshall({ ':uid': userId }),
          },
        },
      ]);
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async changePhone(
    user: UserRecord,
    next: { phoneToken: string; phone: string },
    recovery?: { recoveryId: string; now: number },
  ): Promise<'changed' | 'phone_taken' | 'recovery_gone'> {
    const recoveryItems = recovery
      ? [
          {
            Delete: {
              TableName: this.#name,
              Key: marshall(keys.phoneRecovery(user.userId)),
              ConditionExpression: '#recoveryId = :rid AND #dueAt <= :now',
              ExpressionAttributeNames: names('recoveryId', 'dueAt'),
              ExpressionAttributeValues: marshall({ ':rid': recovery.recoveryId, ':now': recovery.now }),
            },
          },
        ]
      : [];
    try {
      await this.#table.transactWrite([
        await this.#table.transactPut(
          { ...keys.phone(next.phoneToken), userId: user.userId },
          {},
          { expression: 'attribute_not_exists(pk)' },
        ),
        {
          Delete: {
            TableName: this.#name,
            Key: marshall(keys.phone(user.phoneToken)),
            ConditionExpression: '#userId = :uid',
            ExpressionAttributeNames: names('userId'),
            ExpressionAttributeValues: marshall({ ':uid': user.userId }),
          },
        },
        // An update, not a put: the profile keeps every other attribute (verification time, ...).
        await this.#table.transactUpdate(
          keys.user(user.userId),
          { phoneToken: next.phoneToken },
          { phone: next.phone },
          {
            expression: '#phoneToken = :old',
            names: names('phoneToken'),
            values: { ':old': user.phoneToken },
          },
        ),
        ...recoveryItems,
      ]);
      return 'changed';
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const reasons = error instanceof TransactionCanceledException ? (error.CancellationReasons ?? []) : [];
      return recovery && reasons[3]?.Code === 'ConditionalCheckFailed' ? 'recovery_gone' : 'phone_taken';
    }
  }

  async getPhoneRecovery(userId: string): Promise<PhoneRecovery | undefined> {
    const stored = await this.#table.get<{ phone: string }>(keys.phoneRecovery(userId));
    if (!stored) return undefined;
    const { item, sealed } = stored;
    return {
      userId,
      recoveryId: item.recoveryId as string,
      phoneToken: item.phoneToken as string,
      phone: sealed.phone,
      sessionId: item.sessionId as string,
      startedAt: item.startedAt as number,
      dueAt: item.dueAt as number,
    };
  }

  async startPhoneRecovery(recovery: PhoneRecovery): Promise<'started' | 'pending'> {
    const { phone, ...plain } = recovery;
    try {
      await this.#table.put(
        // Gone by TTL a week after it fell due, if nobody completed or cancelled it.
        { ...keys.phoneRecovery(recovery.userId), ...plain, ttl: seconds(recovery.dueAt) + 7 * 86_400 },
        { phone },
        { expression: 'attribute_not_exists(pk)' },
      );
      return 'started';
    } catch (error) {
      if (isConditionFailure(error)) return 'pending';
      throw error;
    }
  }

  async cancelPhoneRecovery(userId: string): Promise<boolean> {
    try {
      await this.#client.send(
        new DeleteItemCommand({
          TableName: this.#name,
          Key: marshall(keys.phoneRecovery(userId)),
          ConditionExpression: 'attribute_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** An update whose condition may fail: true when it applied, false when the condition refused it. */
  async #conditionalUpdate(input: UpdateItemCommandInput): Promise<boolean> {
    try {
      await this.#client.send(new UpdateItemCommand(input));
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  #sessionItem(s: SessionRecord) {
    return {
      ...keys.session(s.userId, s.familyId),
      ...s,
      amr: [...s.amr],
      // A session is an access record (IP prefix, user agent): gone at its absolute end (30 days),
      // give or take TTL's lag, which reads cover by checking expiry themselves.
      ttl: seconds(s.absoluteExpiresAt),
    };
  }

  async putSession(session: SessionRecord): Promise<void> {
    await this.#table.put(this.#sessionItem(session), {}, { expression: 'attribute_not_exists(pk)' });
  }

  async getSession(userId: string, familyId: string): Promise<SessionRecord | undefined> {
    const stored = await this.#table.get(keys.session(userId, familyId));
    return stored?.item as unknown as SessionRecord | undefined;
  }

  async rotateSession(
    session: SessionRecord,
    expectedHash: string,
    next: { hash: string; now: number; keepPrevious: boolean },
  ): Promise<boolean> {
    const set = next.keepPrevious
      ? 'SET #currentHash = :new, #previousHash = :expected, #rotatedAt = :now, #lastUsedAt = :now'
      : 'SET #currentHash = :new, #lastUsedAt = :now';
    return this.#conditionalUpdate({
      TableName: this.#name,
      Key: marshall(keys.session(session.userId, session.familyId)),
      UpdateExpression: set,
      ConditionExpression:
        '#currentHash = :expected AND attribute_not_exists(#revokedAt) AND #absoluteExpiresAt > :now',
      ExpressionAttributeNames: names(
        'currentHash',
        'lastUsedAt',
        'revokedAt',
        'absoluteExpiresAt',
        ...(next.keepPrevious ? ['previousHash', 'rotatedAt'] : []),
      ),
      ExpressionAttributeValues: marshall({
        ':new': next.hash,
        ':expected': expectedHash,
        ':now': next.now,
      }),
    });
  }

  async revokeSession(userId: string, familyId: string, now: number): Promise<void> {
    // Refused only when already revoked or gone: either way the session is over.
    await this.#conditionalUpdate({
      TableName: this.#name,
      Key: marshall(keys.session(userId, familyId)),
      UpdateExpression: 'SET #revokedAt = :now',
      ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#revokedAt)',
      ExpressionAttributeNames: names('revokedAt'),
      ExpressionAttributeValues: marshall({ ':now': now }),
    });
  }

  async listSessions(userId: string): Promise<SessionRecord[]> {
    return (await queryAll(this.#client, {
      TableName: this.#name,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: marshall({ ':pk': `USER#${userId}`, ':prefix': 'SESSION#' }),
    })) as unknown as SessionRecord[];
  }

  async acceptedPolicyVersion(userId: string): Promise<string | undefined> {
    const stored = await this.#table.get({ pk: `USER#${userId}`, sk: 'CONSENTSTATE#privacy_policy' });
    return stored?.item.accepted === true ? String(stored.item.policyVersion) : undefined;
  }

  async getLock(kind: LockKind, key: string): Promise<number | undefined> {
    const out = await this.#client.send(
      new GetItemCommand({
        TableName: this.#name,
        Key: marshall(keys.lock(kind, key)),
        ConsistentRead: true,
      }),
    );
    return out.Item ? Number(out.Item.until?.N) : undefined;
  }

  async lock(kind: LockKind, key: string, until: number): Promise<void> {
    await this.#client.send(
      new PutItemCommand({
        TableName: this.#name,
        Item: marshall({ ...keys.lock(kind, key), until, ttl: seconds(until) + 3600 }),
      }),
    );
  }
}
