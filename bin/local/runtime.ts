import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSEvent } from 'aws-lambda';
import { oauthProviderNames, stageConfig } from '../../functions/core/config';
import { loadLocalKeyMaterial } from '../../functions/crypto/local-key-source';
import { LocalRootSigner } from '../../functions/kernel/tokens/local-root-signer';
import { overrideRuntime } from '../../functions/platform/runtime';
import { type PrivacyJobEvent, handler as privacyJobs } from '../../functions/privacy/handlers/privacy-jobs';
import { standinCredentials } from '../../functions/providers/credentials';
import { oauthBaseVariable } from '../../functions/providers/oauth/registry';
import type { FilterPattern } from '../../functions/store/stream-records';
import { streamWorkers, workers } from '../../functions/system/route-table';
import { hostTemplate, REHEARSAL_CDK_OUT, type TemplateHost } from '../rehearsal/host-template';
import { applyLocalSite } from './apply-site';
import { type DynamoDbLocal, localCredentials, startDynamoDbLocal } from './dynamodb-local';
import { ensureTable } from './ensure-table';
import { type QueueRunner, startQueueRunner } from './queue-runner';
import { type LocalServer, startHttpServer } from './server';
import { type HisStandin, startHisStandin } from './standins/his';
import { startAliyunCloudauthStandin, startTencentFaceIdStandin } from './standins/identity';
import { startAlipayMiniProgramStandin, startWeChatMiniProgramStandin } from './standins/miniprogram';
import { startOAuthStandins } from './standins/oauth-setup';
import { startTencentCaptchaStandin } from './standins/tencent';
import { startWebhookReceiver } from './standins/webhook-receiver';
import { type StreamConsumer, startStreamConsumer } from './stream-consumer';

/** A worker's handler from its module, as the table names it (the bundles do the same at synth). */
async function workerHandler<E>(module: string): Promise<(event: E) => Promise<unknown>> {
  const loaded: { handler: (event: E) => Promise<unknown> } = await import(
    join(import.meta.dirname, '..', '..', 'functions', `${module}.ts`)
  );
  return loaded.handler;
}

export interface LocalRuntimeOptions {
  /** 0 picks a free port. */
  readonly port: number;
  /** Where keys, the persisted database and the outbox live (`.data` for `npm start`). */
  readonly dataDir: string;
  /** Keep DynamoDB Local in memory (tests) instead of under `<dataDir>/dynamodb`. */
  readonly inMemory?: boolean;
  /** Use an already running DynamoDB Local instead of starting one (tests share one per run). */
  readonly dynamoEndpoint?: string;
  readonly tableName?: string;
  /** Print one line per webhook event received (npm start). */
  readonly printEvents?: boolean;
  /**
   * Run the privacy jobs on timers as EventBridge does in AWS: deletions every `deletionsMs`
   * (default 5 s), retention every `retentionMs` (default 10 min), incident notices every
   * `noticesMs` (default 5 s). 0 turns a timer off (tests that run the jobs themselves).
   */
  readonly jobs?: {
    readonly deletionsMs?: number;
    readonly retentionMs?: number;
    readonly noticesMs?: number;
  };
  /** The built web client to serve at `/` (see bin/local/web-build.ts); none when absent. */
  readonly webDir?: string;
  /** The deployment file put in force at start (default deploy/local.json). */
  readonly deployment?: string;
  /**
   * The region the functions believe they run in (default cn-north-1): its wrapping key in the
   * key file generates data keys (the DR rehearsal starts in cn-northwest-1 on a restored table).
   */
  readonly region?: string;
}

export interface LocalRuntime {
  readonly url: string;
  readonly dynamoEndpoint: string;
  readonly tableName: string;
  readonly env: Readonly<Record<string, string>>;
  /**
   * What an operator command (bin/privacy-requests.ts, audit:verify) needs to reach this
   * runtime's table and keys: the local database and key file, or in a rehearsal the template's
   * table, secret and key through the rehearsal's AWS endpoints.
   */
  readonly operatorEnv: Readonly<Record<string, string>>;
  /**
   * The captcha stand-in: `issue(ip, level)` gives the ticket a browser at that IP would get from
   * the standard or the hard captcha; `verified` counts tickets that passed.
   */
  readonly captcha: Awaited<ReturnType<typeof startTencentCaptchaStandin>>;
  readonly oauth: Awaited<ReturnType<typeof startOAuthStandins>>;
  readonly his: HisStandin;
  readonly webhooks: Awaited<ReturnType<typeof startWebhookReceiver>>;
  /** The identity providers' stand-ins: real-name checks, and the face check pages (tests play the person). */
  readonly faceid: Awaited<ReturnType<typeof startTencentFaceIdStandin>>;
  readonly cloudauth: Awaited<ReturnType<typeof startAliyunCloudauthStandin>>;
  /** The mini-program platforms' stand-ins: tests play `wx.login`, the phone button, `my.getAuthCode`. */
  readonly wechatMiniProgram: Awaited<ReturnType<typeof startWeChatMiniProgramStandin>>;
  readonly alipayMiniProgram: Awaited<ReturnType<typeof startAlipayMiniProgramStandin>>;
  /** Runs a scheduled privacy job now, as its timer would. */
  runJob(task: PrivacyJobEvent['task']): Promise<unknown>;
  /**
   * Waits until what follows committed changes has run: the stream's consumers (audit chain,
   * card changes) have caught up and no queued job is due (those due later are left waiting).
   */
  settle(): Promise<void>;
  stop(): Promise<void>;
}

const projectRoot = resolve(import.meta.dirname, '..', '..');

function packageVersion(): string {
  return (JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { version: string }).version;
}

/**
 * The whole API on this machine: DynamoDB Local, the table from the shared definition, the local
 * key source, and the HTTP server over the real handlers. The environment it sets is the one
 * Lambda gets from CDK, with local values, so functions/wiring.ts builds the same graph.
 */
export async function startLocalRuntime(options: LocalRuntimeOptions): Promise<LocalRuntime> {
  const dataDir = resolve(options.dataDir);
  const dynamo = options.dynamoEndpoint
    ? undefined
    : await startDynamoDbLocal(options.inMemory ? {} : { dbPath: join(dataDir, 'dynamodb') });
  const endpoint = options.dynamoEndpoint ?? (dynamo as DynamoDbLocal).endpoint;
  const tableName = options.tableName ?? 'patient-onboarding-local';
  // Non-loopback clients of the local stage still meet the captcha; this plays Tencent's side.
  const captchaApps = stageConfig('local').auth.captcha;
  const captcha = await startTencentCaptchaStandin(standinCredentials.tencent, {
    standard: { appId: captchaApps.appId, appSecretKey: standinCredentials.tencentCaptcha.appSecretKey },
    hard: {
      appId: captchaApps.hardAppId,
      appSecretKey: standinCredentials.tencentCaptcha.hardAppSecretKey ?? '',
    },
  });
  // Real-name checks answer from the stand-ins' fixture people (bin/local/standins/identity.ts).
  const faceid = await startTencentFaceIdStandin(standinCredentials.tencent);
  const cloudauth = await startAliyunCloudauthStandin(standinCredentials.aliyunCloudauth);
  // WeChat, QQ and Weibo: authorize pages that approve as a test user, and their real APIs' shapes.
  const oauth = await startOAuthStandins();
  // The mini-program platforms: WeChat's server APIs and Alipay's signed gateway.
  const wechatMiniProgram = await startWeChatMiniProgramStandin();
  const alipayMiniProgram = await startAlipayMiniProgramStandin();
  // Both hospitals' systems: FHIR for one, the signed JSON gateway for the other.
  // Each hospital's webhook: signed card events arrive here (and are printed).
  const webhooks = await startWebhookReceiver(
    standinCredentials.webhooks,
    options.printEvents ? (line) => process.stdout.write(`${line}\n`) : undefined,
  );
  const his = await startHisStandin({
    fhirToken: standinCredentials.his['h-pumch'] as string,
    jsonClients: { 'patient-onboarding': standinCredentials.his['h-renji'] as string },
  });
  const closeStandins = () =>
    Promise.all([
      captcha.close(),
      faceid.close(),
      cloudauth.close(),
      his.close(),
      webhooks.close(),
      wechatMiniProgram.close(),
      alipayMiniProgram.close(),
      ...Object.values(oauth).map((o) => o.close()),
    ]);
  const env = {
    STAGE: 'local',
    AWS_REGION: options.region ?? 'cn-north-1',
    AWS_ACCESS_KEY_ID: localCredentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: localCredentials.secretAccessKey,
    TABLE_NAME: tableName,
    DYNAMODB_ENDPOINT: endpoint,
    KEY_SOURCE: 'local',
    LOCAL_KEY_FILE: join(dataDir, 'keys', 'local-keys.json'),
    LOCAL_SIGNING_KEY_FILE: join(dataDir, 'keys', 'token-signing-key.jwk.json'),
    LOCAL_SMS_OUTBOX: join(dataDir, 'outbox', 'sms.jsonl'),
    LOCAL_QUEUE_DIR: join(dataDir, 'queues'),
    TENCENT_CAPTCHA_ENDPOINT: captcha.url,
    TENCENT_FACEID_ENDPOINT: faceid.url,
    ALIYUN_CLOUDAUTH_ENDPOINT: cloudauth.url,
    ...Object.fromEntries(oauthProviderNames.map((name) => [oauthBaseVariable(name), oauth[name].url])),
    WECHAT_MP_BASE: wechatMiniProgram.url,
    ALIPAY_GATEWAY: alipayMiniProgram.url,
    HIS_BASE: his.url,
    WEBHOOK_BASE: webhooks.url,
    APP_VERSION: packageVersion(),
    // As in AWS: a deployment applied to the table (npm run deployment -- apply) is in force.
    DEPLOYMENT_SOURCE: 'table',
  };
  Object.assign(process.env, env);
  overrideRuntime(undefined);
  // Create the local keys now (first start) rather than on first use, and fail fast if unreadable.
  loadLocalKeyMaterial(env.LOCAL_KEY_FILE, env, env.AWS_REGION);
  await LocalRootSigner.fromFile(env.LOCAL_SIGNING_KEY_FILE);

  const client = new DynamoDBClient({ endpoint, region: env.AWS_REGION, credentials: localCredentials });
  const report = (what: string) => (error: unknown) =>
    process.stderr.write(
      `${what} failed: ${error instanceof Error ? `${error.name}: ${error.message}` : 'error'}\n`,
    );
  let server: LocalServer | undefined;
  let consumers: StreamConsumer[] = [];
  let queues: QueueRunner[] = [];
  // `npm run rehearse`: the synthesized stack's built functions instead of the source.
  const cdkOut = process.env[REHEARSAL_CDK_OUT];
  let template: TemplateHost | undefined;
  let operatorEnv: Readonly<Record<string, string>> = {};
  try {
    await ensureTable(client, tableName);
    if (cdkOut) {
      template = await hostTemplate({
        cdkOut,
        region: env.AWS_REGION,
        tableName,
        dataDir,
        dynamoEndpoint: endpoint,
        client,
        localEnv: env,
        port: options.port,
        onError: report,
      });
    } else {
      // The table's stream and the job queues, run as their event source mappings run them in AWS.
      const consumer = (name: string, filter: FilterPattern, handler: (event: never) => Promise<unknown>) =>
        startStreamConsumer({
          name,
          client,
          endpoint,
          region: env.AWS_REGION,
          credentials: localCredentials,
          tableName,
          filter,
          handler: handler as never,
          checkpointFile: join(dataDir, 'streams', `${tableName}-${name}.json`),
          onError: report(name),
        });
      // Every worker of the table that a queue or the stream triggers (the schedules are below).
      consumers = await Promise.all(
        streamWorkers().map(async (w) => consumer(w.group, w.stream, await workerHandler<never>(w.handler))),
      );
      queues = await Promise.all(
        Object.values(workers)
          .filter((w) => w.trigger === 'queue')
          .map(async (w) =>
            startQueueRunner({
              dir: join(env.LOCAL_QUEUE_DIR, w.queue),
              handler: await workerHandler<SQSEvent>(w.handler),
              onError: report(`${w.group} job`),
            }),
          ),
      );
      server = await startHttpServer(options.port, { webDir: options.webDir, captcha });
      // Pages under the local server's own origin are allowed OAuth redirect targets (local stage).
      process.env.LOCAL_ORIGIN = server.url;
    }
    operatorEnv = template?.operatorEnv ?? {
      DYNAMODB_ENDPOINT: endpoint,
      TABLE_NAME: tableName,
      LOCAL_KEY_FILE: env.LOCAL_KEY_FILE,
      AWS_REGION: env.AWS_REGION,
    };
    // The site's hospitals and clients, put in force as an operator would (audited).
    await applyLocalSite(operatorEnv, options.deployment ?? join(projectRoot, 'deploy', 'local.json'));
  } catch (error) {
    await server?.close();
    await template?.stop();
    await Promise.all([...consumers, ...queues].map((c) => c.stop()));
    client.destroy();
    await dynamo?.stop();
    await closeStandins();
    throw error;
  }
  // One run at a time per job, like a scheduled Lambda with reserved concurrency 1.
  const running = new Map<string, Promise<unknown>>();
  const runJob = (task: PrivacyJobEvent['task']) => {
    const current = running.get(task);
    if (current) return current;
    const run = (template ? template.runJob(task) : privacyJobs({ task })).finally(() =>
      running.delete(task),
    );
    running.set(task, run);
    return run;
  };
  const timers = (
    [
      ['deletions', options.jobs?.deletionsMs ?? 5000],
      ['retention', options.jobs?.retentionMs ?? 600_000],
      ['notices', options.jobs?.noticesMs ?? 5000],
    ] as const
  )
    .filter(([, ms]) => ms > 0)
    .map(([task, ms]) =>
      setInterval(() => {
        runJob(task).catch((error: unknown) =>
          process.stderr.write(
            // A rehearsal's function errors are its own short messages; say them.
            `privacy job ${task} failed: ${error instanceof Error ? (error.name === 'FunctionError' ? error.message : error.name) : 'error'}\n`,
          ),
        );
      }, ms).unref(),
    );
  const url = template?.url ?? (server as LocalServer).url;
  return {
    url,
    operatorEnv,
    dynamoEndpoint: endpoint,
    tableName,
    env,
    captcha,
    oauth,
    his,
    webhooks,
    faceid,
    cloudauth,
    wechatMiniProgram,
    alipayMiniProgram,
    runJob,
    settle: async () => {
      if (template) return template.settle();
      // Stream, then the jobs it queued, then the changes those made (a registration's event).
      for (let round = 0; round < 3; round++) {
        await Promise.all(consumers.map((c) => c.settled()));
        await Promise.all(queues.map((q) => q.settled()));
      }
    },
    stop: async () => {
      for (const timer of timers) clearInterval(timer);
      await Promise.allSettled(running.values());
      await server?.close();
      await template?.stop();
      await Promise.all([...queues, ...consumers].map((c) => c.stop()));
      client.destroy();
      await closeStandins();
      await dynamo?.stop();
    },
  };
}
