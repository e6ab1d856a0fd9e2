import {
  ConditionalCheckFailedException,
  PutItemCommand,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { SealedTable } from '../store/sealed-table';
import type { IdentityStore, VerifiedIdentity } from './ports';

/** A remembered provider match is trusted for a year; after that the person is checked again. */
const MATCH_CACHE_SECONDS = 365 * 24 * 3600;

const keys = {
  idNumber: (idToken: string) => ({ pk: `IDNUM#${idToken}`, sk: 'VERIFIED' }),
  identity: (userId: string) => ({ pk: `USER#${userId}`, sk: 'IDENTITY' }),
  profile: (userId: string) => ({ pk: `USER#${userId}`, sk: 'PROFILE' }),
  match: (pairToken: string) => ({ pk: `IDMATCH#${pairToken}`, sk: 'MATCH' }),
};

/**
 * Verified identities: `IDNUM#<token>` claims an ID number for one account (conditional put),
 * `USER#<id>/IDENTITY` holds the sealed name and number with their masked forms, and the
 * profile's `realNameVerified` flips in the same transaction.
 */
export class DynamoIdentityStore implements IdentityStore {
  readonly #table: SealedTable;

  constructor(table: SealedTable) {
    this.#table = table;
  }

  async verifiedOwner(idToken: string): Promise<string | undefined> {
    return (await this.#table.get(keys.idNumber(idToken)))?.item.userId as string | undefined;
  }

  /** The account's verified identity: the ID-number claim it holds, and the opened name and number. */
  async verifiedIdentity(
    userId: string,
  ): Promise<{ idNumberToken: string; name: string; idNumber: string } | undefined> {
    const stored = await this.#table.get<{ name: string; idNumber: string }>(keys.identity(userId));
    if (!stored) return undefined;
    return {
      idNumberToken: stored.item.idNumberToken as string,
      name: stored.sealed.name,
      idNumber: stored.sealed.idNumber,
    };
  }

  async isVerified(userId: string): Promise<boolean> {
    return (await this.#table.get(keys.profile(userId)))?.item.realNameVerified === true;
  }

  async cachedMatch(pairToken: string): Promise<{ provider: string } | undefined> {
    const stored = await this.#table.get(keys.match(pairToken), { consistent: false });
    return stored ? { provider: stored.item.provider as string } : undefined;
  }

  async rememberMatch(pairToken: string, provider: string, at: number): Promise<void> {
    await this.#table.client.send(
      new PutItemCommand({
        TableName: this.#table.tableName,
        Item: marshall({
          ...keys.match(pairToken),
          provider,
          at,
          ttl: Math.floor(at / 1000) + MATCH_CACHE_SECONDS,
        }),
      }),
    );
  }

  async recordVerified(identity: VerifiedIdentity): Promise<'verified' | 'taken'> {
    const { userId } = identity;
    try {
      await this.#table.transactWrite([
        await this.#table.transactPut(
          { ...keys.idNumber(identity.idToken), userId, verifiedAt: identity.verifiedAt },
          {},
          { expression: 'attribute_not_exists(pk)' },
        ),
        await this.#table.transactPut(
          {
            ...keys.identity(userId),
            idType: identity.idType,
            idNumberToken: identity.idToken,
            nameMasked: identity.nameMasked,
            idNumberMasked: identity.idNumberMasked,
            verifiedAt: identity.verifiedAt,
            provider: identity.provider,
          },
          { name: identity.name, idNumber: identity.idNumber, birthDate: identity.birthDate },
        ),
        {
          Update: {
            TableName: this.#table.tableName,
            Key: marshall(keys.profile(userId)),
            UpdateExpression: 'SET #verified = :true, #verifiedAt = :at',
            ConditionExpression: 'attribute_exists(pk) AND #verified = :false',
            ExpressionAttributeNames: {
              '#verified': 'realNameVerified',
              '#verifiedAt': 'realNameVerifiedAt',
            },
            ExpressionAttributeValues: marshall({
              ':true': true,
              ':false': false,
              ':at': identity.verifiedAt,
            }),
          },
        },
      ]);
      return 'verified';
    } catch (error) {
      if (error instanceof TransactionCanceledException || error instanceof ConditionalCheckFailedException)
        return 'taken';
      throw error;
    }
  }
}
