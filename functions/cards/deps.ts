import { newId } from '../auth/ids';
import { StartupRefusedError } from '../core/errors';
import type { EdgeDeps } from '../core/http-handler';
import { DynamoEventFeed } from '../hospital/dynamo-event-feed';
import { DynamoIdentityStore } from '../identity/dynamo-identity-store';
import {
  auditLog,
  edge,
  indexer,
  plainTable,
  platform,
  providerCredentials,
  rateLimiter,
  sealedTable,
} from '../platform/deps';
import { once } from '../platform/runtime';
import { DynamoConsentStore } from '../privacy/dynamo-consent-store';
import { FhirHisClient } from '../providers/his/fhir-his-client';
import { SignedJsonHisClient } from '../providers/his/signed-json-his-client';
import { registerCard } from './card-service';
import { DynamoCardStore } from './dynamo-card-store';
import { DynamoWebhookDeadLetters } from './dynamo-webhook-dead-letters';
import { DirectWebhookCardEvents } from './event-publishers';
import type { CardEventPublisher } from './events';
import type { HisClient } from './his';
import type { CardsDeps, RegistrationJob } from './ports';
import { InProcessJobQueue, type JobQueue } from './queues';
import { deliverWebhook, type WebhookDeps, type WebhookJob } from './webhooks';

/**
 * Medical cards' composition root (group `cards`, the registration and webhook workers): the
 * card store, each hospital's HIS client, the registration queue and the card-event publisher
 * (SQS and EventBridge in AWS, in-process locally), built once per cold start.
 */
async function sqsQueue<T>(url: string): Promise<JobQueue<T>> {
  const [{ SqsJobQueue }, { SQSClient }] = await Promise.all([
    import('../providers/aws/sqs-job-queue'),
    import('@aws-sdk/client-sqs'),
  ]);
  const sqs = once('sqsClient', () => new SQSClient({ region: platform().region }));
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
        if (!secret) throw new StartupRefusedError(`HIS secret for ${hospitalId} is missing`);
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
      queue: env.WEBHOOK_QUEUE_URL
        ? await sqsQueue<WebhookJob>(env.WEBHOOK_QUEUE_URL)
        : new InProcessJobQueue<WebhookJob>((job) => deliverWebhook(deps, job)),
      // Under npm start every hospital's webhook is the local receiver.
      url: (hospitalId) =>
        env.WEBHOOK_BASE
          ? `${env.WEBHOOK_BASE}${hospitalId}`
          : config.hospitals.find((h) => h.id === hospitalId)?.webhookUrl,
      secret: (hospitalId) => credentials.webhooks?.[hospitalId],
      deadLetters: new DynamoWebhookDeadLetters(table, clock),
      feed: new DynamoEventFeed(table),
      maxAttempts: 8,
    };
    return deps;
  });
}

async function cardEvents(): Promise<CardEventPublisher> {
  const { env, region } = platform();
  if (!env.EVENT_BUS_NAME) return new DirectWebhookCardEvents((await webhookDeps()).queue);
  const [{ EventBridgeCardEvents }, { EventBridgeClient }] = await Promise.all([
    import('../providers/aws/eventbridge-card-events'),
    import('@aws-sdk/client-eventbridge'),
  ]);
  return new EventBridgeCardEvents(new EventBridgeClient({ region }), env.EVENT_BUS_NAME);
}

export function cardsDeps(): Promise<CardsDeps> {
  return once<Promise<CardsDeps>>('cardsDeps', async () => {
    const { env, config, clock, random } = platform();
    const [index, table, audit, his, events] = await Promise.all([
      indexer(),
      sealedTable(),
      auditLog(),
      hisClients(),
      cardEvents(),
    ]);
    const consents = new DynamoConsentStore(plainTable());
    const deps: CardsDeps = {
      config: config.cards,
      hospitals: config.hospitals,
      policyVersion: config.auth.policy.version,
      clock,
      store: new DynamoCardStore(table, (entry) => consents.entryWrite(entry)),
      identities: new DynamoIdentityStore(table),
      indexer: index,
      audit,
      queue: env.REGISTRATION_QUEUE_URL
        ? await sqsQueue<RegistrationJob>(env.REGISTRATION_QUEUE_URL)
        : new InProcessJobQueue<RegistrationJob>((job) => registerCard(deps, job)),
      events,
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
      newId: () => newId(random),
    };
    return deps;
  });
}

export async function cardsGroupDeps(): Promise<{ edge: EdgeDeps; cards: CardsDeps }> {
  return { edge: edge(), cards: await cardsDeps() };
}
