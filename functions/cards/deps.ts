import { authStores } from '../auth';
import { codeDeps } from '../auth/deps';
import type { EdgeDeps } from '../core/http-handler';
import { logger } from '../core/logger';
import { identityStore } from '../identity';
import { consentLedger } from '../kernel/consent/dynamo-consent-store';
import {
  auditLog,
  edge,
  indexer,
  plainTable,
  platform,
  providerCredentials,
  rateLimiter,
  required,
  sealedTable,
} from '../platform/deps';
import { once } from '../platform/runtime';
import { FhirHisClient } from '../providers/his/fhir-his-client';
import type { HisClient } from '../providers/his/ports';
import { SignedJsonHisClient } from '../providers/his/signed-json-his-client';
import { UnconfiguredHisClient } from '../providers/his/unconfigured-his-client';
import type { JobQueue } from '../providers/jobs/ports';
import type { CardChangeDeps } from './card-changes';
import { DynamoWebhookDeadLetters } from './dynamo-webhook-dead-letters';
import { DirectWebhookCardEvents } from './event-publishers';
import type { CardEvent, CardEventPublisher } from './events';
import type { CardsDeps, RegistrationJob, RegistrationQueue } from './ports';
import { cardStore, eventFeed } from './stores';
import type { WebhookDeps, WebhookJob } from './webhooks';

/**
 * Medical cards' composition root (group `cards`, the registration, webhook and card-changes
 * workers): the card store, each hospital's HIS client, the registration and webhook queues and
 * the card-event publisher (SQS and EventBridge in AWS, files under `.data/queues` locally),
 * built once per cold start.
 */
async function jobQueue<T>(name: 'registration' | 'webhooks'): Promise<JobQueue<T>> {
  const { env, region } = platform();
  const url = name === 'registration' ? env.REGISTRATION_QUEUE_URL : env.WEBHOOK_QUEUE_URL;
  if (!url) {
    const { FileJobQueue } = await import('../providers/local/file-job-queue');
    return new FileJobQueue<T>(`${required(env, 'LOCAL_QUEUE_DIR')}/${name}`, env);
  }
  const [{ SqsJobQueue }, { SQSClient }] = await Promise.all([
    import('../providers/aws/sqs-job-queue'),
    import('@aws-sdk/client-sqs'),
  ]);
  const sqs = once('sqsClient', () => new SQSClient({ region }));
  return new SqsJobQueue<T>(sqs, url);
}

function hisClients(): Promise<(hospitalId: string) => HisClient> {
  return once('hisClients', async () => {
    const { env, config, clock } = platform();
    const credentials = await providerCredentials();
    const clients = new Map<string, HisClient>();
    return (hospitalId: string): HisClient => {
      const hospital = config.hospitals.find((h) => h.id === hospitalId);
      if (!hospital) throw new Error(`unknown hospital ${hospitalId}`);
      let client = clients.get(hospitalId);
      if (!client) {
        const secret = credentials.his?.[hospitalId];
        if (!secret) {
          // Not kept: the secret may arrive (a deployment change rebuilds the credentials).
          logger.error('HIS secret missing: the hospital is treated as unavailable', { hospitalId });
          return new UnconfiguredHisClient(hospitalId);
        }
        const base = env.HIS_BASE;
        const timeoutMs = 5000;
        client =
          hospital.his.kind === 'fhir'
            ? new FhirHisClient({
                endpoint: base ? `${base}fhir/` : hospital.his.endpoint,
                token: secret,
                timeoutMs,
              })
            : new SignedJsonHisClient(
                {
                  endpoint: base ?? hospital.his.endpoint,
                  clientId: hospital.his.clientId,
                  secret,
                  timeoutMs,
                },
                clock,
              );
        clients.set(hospitalId, client);
      }
      return client;
    };
  });
}

export function webhookDeps(): Promise<WebhookDeps> {
  return once<Promise<WebhookDeps>>('webhookDeps', async () => {
    const { env, config, clock } = platform();
    const credentials = await providerCredentials();
    const table = plainTable();
    const deps: WebhookDeps = {
      hospitals: config.hospitals,
      clock,
      queue: await jobQueue<WebhookJob>('webhooks'),
      // Under npm start every hospital's webhook is the local receiver.
      url: (hospitalId) =>
        env.WEBHOOK_BASE
          ? `${env.WEBHOOK_BASE}${hospitalId}`
          : config.hospitals.find((h) => h.id === hospitalId)?.webhookUrl,
      secret: (hospitalId) => credentials.webhooks?.[hospitalId],
      deadLetters: new DynamoWebhookDeadLetters(table, clock),
      feed: eventFeed(table),
      maxAttempts: 8,
    };
    return deps;
  });
}

async function cardEvents(): Promise<CardEventPublisher> {
  const { env, region } = platform();
  if (!env.EVENT_BUS_NAME) return new DirectWebhookCardEvents(await jobQueue<WebhookJob>('webhooks'));
  const [{ EventBridgePublisher }, { EventBridgeClient }] = await Promise.all([
    import('../providers/aws/eventbridge-publisher'),
    import('@aws-sdk/client-eventbridge'),
  ]);
  return new EventBridgePublisher<CardEvent>(
    new EventBridgeClient({ region }),
    env.EVENT_BUS_NAME,
    'patient-onboarding.cards',
  );
}

export function cardsDeps(): Promise<CardsDeps> {
  return once<Promise<CardsDeps>>('cardsDeps', async () => {
    const { config, clock } = platform();
    const [index, table, audit, his, codes] = await Promise.all([
      indexer(),
      sealedTable(),
      auditLog(),
      hisClients(),
      codeDeps(),
    ]);
    // Built on first use: the deletion job releases cards through these deps and never queues a
    // registration, so its function has no queue (found by the rehearsal: it failed at start).
    const queue: RegistrationQueue = {
      enqueue: async (job, delaySeconds) =>
        (await once('registrationQueue', () => jobQueue<RegistrationJob>('registration'))).enqueue(
          job,
          delaySeconds,
        ),
    };
    const consents = consentLedger(plainTable(), audit);
    const { challenges } = authStores(table, audit);
    return {
      config: config.cards,
      hospitals: config.hospitals,
      policyVersion: config.auth.policy.version,
      clock,
      store: cardStore(table, audit, (use) => challenges.consumeWrite(use)),
      codes,
      identities: identityStore(table, audit),
      indexer: index,
      audit,
      queue,
      his,
      // Only called for hospitals with verifyRelatives: the real-name provider, built on first use.
      verifier: {
        name: 'lazy',
        verify: async (person) => {
          const { verificationProvider } = await import('../identity/deps');
          return (await verificationProvider()).verify(person);
        },
      },
      verificationLimits: config.identity.limits,
      consents,
      limiter: rateLimiter(),
      cardIdFor: (userId, idempotencyKey) =>
        index.token('card-id', `${userId}\u0000${idempotencyKey}`).slice(0, 22),
    } satisfies CardsDeps;
  });
}

/** The card-changes worker: the registration queue and the event publisher, nothing sealed. */
export function cardChangeDeps(): Promise<CardChangeDeps> {
  return once<Promise<CardChangeDeps>>('cardChangeDeps', async () => {
    const [events, queue] = await Promise.all([cardEvents(), jobQueue<RegistrationJob>('registration')]);
    return { config: platform().config.cards, events, queue };
  });
}

export async function cardsGroupDeps(): Promise<{ edge: EdgeDeps; cards: CardsDeps }> {
  return { edge: edge(), cards: await cardsDeps() };
}
