import { ConditionalCheckFailedException, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { OAuthClient, OAuthProviderName } from '../core/config';
import type { SealedTable } from '../store/sealed-table';
import type { OAuthProfile } from './ports';

export interface StateRecord {
  readonly provider: OAuthProviderName;
  readonly client: OAuthClient;
  readonly redirectUri: string;
  readonly nonceHash: string;
  readonly expiresAt: number;
}

export interface BindRecord {
  readonly provider: OAuthProviderName;
  readonly identityToken: string;
  readonly expiresAt: number;
  readonly profile: OAuthProfile;
}

const keys = {
  state: (stateHash: string) => ({ pk: `OAUTHSTATE#${stateHash}`, sk: 'STATE' }),
  bind: (tokenHash: string) => ({ pk: `BIND#${tokenHash}`, sk: 'BIND' }),
};

/**
 * OAuth `state` values and phone-binding tokens, stored only as hashes, used once through
 * conditional updates, and cleaned up by TTL an hour after they expire.
 */
export class DynamoOAuthStore {
  readonly #table: SealedTable;

  constructor(table: SealedTable) {
    this.#table = table;
  }

  async putState(stateHash: string, record: StateRecord): Promise<void> {
    await this.#table.put(
      {
        ...keys.state(stateHash),
        ...record,
        consumed: false,
        ttl: Math.ceil(record.expiresAt / 1000) + 3600,
      },
      {},
      { expression: 'attribute_not_exists(pk)' },
    );
  }

  /** Uses a state up if it exists, is unused, unexpired, for this provider and this nonce. */
  async consumeState(
    stateHash: string,
    expect: { provider: string; nonceHash: string; now: number },
  ): Promise<StateRecord | undefined> {
    return this.#consume(keys.state(stateHash), expect.now, {
      condition: '#provider = :provider AND #nonceHash = :nonceHash',
      names: { '#provider': 'provider', '#nonceHash': 'nonceHash' },
      values: { ':provider': expect.provider, ':nonceHash': expect.nonceHash },
    }) as Promise<StateRecord | undefined>;
  }

  async putBind(tokenHash: string, record: BindRecord): Promise<void> {
    const { profile, ...plain } = record;
    await this.#table.put(
      { ...keys.bind(tokenHash), ...plain, consumed: false, ttl: Math.ceil(record.expiresAt / 1000) + 3600 },
      // The profile (openid, unionid, nickname, avatar) is personal information: sealed.
      { profile: JSON.stringify(profile) },
      { expression: 'attribute_not_exists(pk)' },
    );
  }

  async getBind(tokenHash: string): Promise<(BindRecord & { consumed: boolean }) | undefined> {
    const stored = await this.#table.get<{ profile: string }>(keys.bind(tokenHash));
    if (!stored) return undefined;
    return {
      provider: stored.item.provider as OAuthProviderName,
      identityToken: stored.item.identityToken as string,
      expiresAt: stored.item.expiresAt as number,
      consumed: stored.item.consumed === true,
      profile: JSON.parse(stored.sealed.profile) as OAuthProfile,
    };
  }

  async consumeBind(tokenHash: string, now: number): Promise<boolean> {
    return (await this.#consume(keys.bind(tokenHash), now)) !== undefined;
  }

  async #consume(
    key: { pk: string; sk: string },
    now: number,
    extra?: { condition: string; names: Record<string, string>; values: Record<string, string> },
  ): Promise<Record<string, unknown> | undefined> {
    try {
      const out = await this.#table.client.send(
        new UpdateItemCommand({
          TableName: this.#table.tableName,
          Key: marshall(key),
          UpdateExpression: 'SET #consumed = :true',
          ConditionExpression: `attribute_exists(pk) AND #consumed = :false AND #expiresAt > :now${extra ? ` AND ${extra.condition}` : ''}`,
          ExpressionAttributeNames: { '#consumed': 'consumed', '#expiresAt': 'expiresAt', ...extra?.names },
          ExpressionAttributeValues: marshall({
            ':true': true,
            ':false': false,
            ':now': now,
            ...extra?.values,
          }),
          ReturnValues: 'ALL_NEW',
        }),
      );
      return out.Attributes ? unmarshall(out.Attributes) : undefined;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }
}
