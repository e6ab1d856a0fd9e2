import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AlgorithmSuiteIdentifier,
  buildClient,
  CommitmentPolicy,
  getLocalCryptographicMaterialsCache,
  NodeCachingMaterialsManager,
} from '@aws-crypto/client-node';
import { startDynamoDbLocal } from '../bin/local/dynamodb-local';
import { ensureTable } from '../bin/local/ensure-table';
import { stages } from '../functions/core/config';
import { EncryptingSealer } from '../functions/crypto/encrypting-sealer';
import { readLocalKeyFile } from '../functions/crypto/local-key-file';
import { loadLocalKeyMaterial, localKeyring } from '../functions/crypto/local-key-source';
import { bothRegionsKeyring } from '../functions/crypto/region-keyring';
import { benchAuth } from './auth';
import { benchBundles } from './bundles';
import { benchCards } from './cards';
import { CountingKeyring } from './counting-keyring';
import { benchOidc } from './oidc';
import { benchPrivacy } from './privacy';
import { round, summarise } from './stats';

/**
 * `npm run bench`: what costs money or latency on AWS, measured on this machine.
 * - sealing: seal/open rate and latency; keyring (= KMS) calls per 1000 seals, with our stable
 *   encryption context and, for comparison, with pk/sk in the context (what the cache cannot reuse);
 * - bundles: size and import time of each function as CDK builds it (esbuild, minified ESM),
 *   beside the floor of its own third-party imports, and the login path against a baseline commit
 *   (`--baseline <ref>`) in the same run;
 * - cold start: a fresh Node 22 process importing a bundle and serving its first request;
 * - npm start: process start to the first 200 on /health, with a fresh data directory.
 */
const root = join(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'po-bench-'));
const fields = {
  phone: '+8613912345678',
  idNumber: '11010519491231002X',
  name: '欧阳娜娜',
  hisPatientId: 'HIS-778899',
};

async function timeEach(n: number, run: (i: number) => Promise<unknown>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await run(i);
    samples.push(performance.now() - t);
  }
  return samples;
}

async function benchSealing() {
  const keys = loadLocalKeyMaterial(join(work, 'keys.json'), {});
  // As in AWS: this region's key makes each data key (GenerateDataKey), the other region's wraps
  // it too (Encrypt); each counted on its own.
  const file = readLocalKeyFile(join(work, 'keys.json'), {});
  const regionAlone = (region: string) =>
    localKeyring({ ...file, wrappingKeys: { [region]: file.wrappingKeys[region] as string } }, region);
  const keyring = new CountingKeyring(regionAlone('cn-north-1'));
  const peer = new CountingKeyring(regionAlone('cn-northwest-1'));
  const sealer = new EncryptingSealer(
    bothRegionsKeyring(keyring, [peer], () => {}),
    stages.prod.dataKeyCache,
  );
  const binding = (i: number) => ({ table: 'bench', pk: `USER#${i}`, sk: 'PROFILE' });
  await sealer.seal(binding(-1), fields); // warm up
  keyring.encrypts = 0;
  peer.encrypts = 0;
  const blobs: Uint8Array[] = [];
  const seal = await timeEach(2000, async (i) => blobs.push(await sealer.seal(binding(i), fields)));
  const encryptsPer1000 = ((keyring.encrypts + peer.encrypts) / 2000) * 1000;
  const peerEncryptsPer1000 = (peer.encrypts / 2000) * 1000;
  keyring.decrypts = 0;
  const open = await timeEach(2000, (i) => sealer.open(binding(i), blobs[i] as Uint8Array));
  const decryptsPer1000 = (keyring.decrypts / 2000) * 1000;

  // The same cache with the item key in the encryption context: every context is new to the cache.
  const perItem = new CountingKeyring(keys.keyring);
  const cmm = new NodeCachingMaterialsManager({
    backingMaterials: perItem,
    cache: getLocalCryptographicMaterialsCache(stages.prod.dataKeyCache.capacity),
    maxAge: stages.prod.dataKeyCache.maxAgeMs,
    maxMessagesEncrypted: stages.prod.dataKeyCache.maxMessages,
  });
  const { encrypt } = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);
  for (let i = 0; i < 1000; i++) {
    await encrypt(cmm, JSON.stringify(fields), {
      encryptionContext: { table: 'bench', pk: `USER#${i}`, sk: 'PROFILE', v: '1' },
      suiteId: AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY,
    });
  }
  return {
    seal: summarise(seal),
    open: summarise(open),
    sealedBlobBytes: blobs[0]?.byteLength,
    plaintextBytes: Buffer.byteLength(JSON.stringify(fields)),
    kmsCallsPer1000Seals: encryptsPer1000,
    /** Of those, the other region's Encrypt (each data key wrapped for both China regions). */
    kmsCallsPer1000SealsToOtherRegion: peerEncryptsPer1000,
    kmsCallsPer1000Opens: decryptsPer1000,
    kmsCallsPer1000SealsWithItemKeyInContext: perItem.encrypts,
    dataKeyCache: stages.prod.dataKeyCache,
  };
}

function runNode(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
    });
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`exit ${code}: ${out}`))));
  });
}

/** First invoke of each route group's bundle (its first GET route, else its first route). */
async function benchColdStart(
  bundles: Record<string, { file: string; probe?: { method: string; path: string } }>,
  dynamo: { endpoint: string },
) {
  const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
  const client = new DynamoDBClient({
    endpoint: dynamo.endpoint,
    region: 'cn-north-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  await ensureTable(client, 'bench');
  client.destroy();
  const probe = join(work, 'cold-start.mjs');
  writeFileSync(
    probe,
    `const t0 = performance.now();
const { handler } = await import(process.argv[2]);
const t1 = performance.now();
const [method, path] = [process.argv[3], process.argv[4]];
const event = { resource: path, path, httpMethod: method, headers: {}, multiValueHeaders: {},
  queryStringParameters: null, multiValueQueryStringParameters: null, pathParameters: null, body: null,
  requestContext: { requestId: 'cold', httpMethod: method, resourcePath: path, identity: { sourceIp: '127.0.0.1', userAgent: 'bench' } },
  isBase64Encoded: false };
const ctx = { awsRequestId: 'cold', functionName: 'bench', getRemainingTimeInMillis: () => 10000 };
const res = await handler(event, ctx);
const t2 = performance.now();
const t3s = []; for (let i = 0; i < 20; i++) { const a = performance.now(); await handler(event, ctx); t3s.push(performance.now() - a); }
t3s.sort((a, b) => a - b);
console.log(JSON.stringify({ status: res.statusCode, importMs: t1 - t0, firstInvokeMs: t2 - t1, warmP50Ms: t3s[10] }));`,
  );
  const env = {
    ...process.env,
    STAGE: 'local',
    AWS_REGION: 'cn-north-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    TABLE_NAME: 'bench',
    DYNAMODB_ENDPOINT: dynamo.endpoint,
    KEY_SOURCE: 'local',
    LOCAL_KEY_FILE: join(work, 'cold-keys.json'),
    LOCAL_SIGNING_KEY_FILE: join(work, 'cold-signing.json'),
    // The local stage's OpenID issuer is the server's origin (npm start and the rehearsal set it).
    LOCAL_ORIGIN: 'http://127.0.0.1:3000',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  };
  const result: Record<string, unknown> = {};
  for (const [group, bundle] of Object.entries(bundles)) {
    if (!bundle.probe) continue;
    const runs: Array<Record<string, number>> = [];
    for (let i = 0; i < 5; i++) {
      runs.push(JSON.parse(await runNode([probe, bundle.file, bundle.probe.method, bundle.probe.path], env)));
    }
    const median = (key: string) => round(runs.map((r) => r[key] ?? 0).sort((a, b) => a - b)[2] ?? 0, 1);
    result[group] = {
      route: `${bundle.probe.method} ${bundle.probe.path}`,
      status: runs[0]?.status,
      importMs: median('importMs'),
      firstInvokeMs: median('firstInvokeMs'),
      warmInvokeP50Ms: median('warmP50Ms'),
    };
  }
  return result;
}

async function benchNpmStart() {
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const dataDir = mkdtempSync(join(tmpdir(), 'po-bench-start-'));
    const t0 = performance.now();
    const child = spawn(
      process.execPath,
      [join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'bin/local.ts'],
      {
        cwd: root,
        env: { ...process.env, PORT: '0', DATA_DIR: dataDir, POWERTOOLS_LOG_LEVEL: 'SILENT' },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        const m = /listening on (http:\/\/\S+)/.exec(out);
        if (m?.[1]) resolve(m[1]);
      });
      child.on('exit', (code) => reject(new Error(`npm start exited ${code}`)));
    });
    for (;;) {
      const ok = await fetch(`${url}/health`).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ok) break;
    }
    times.push(performance.now() - t0);
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
  return {
    runs: times.map((t) => round(t, 0)),
    medianMs: round([...times].sort((a, b) => a - b)[1] ?? 0, 0),
  };
}

const startedAt = new Date().toISOString();
const sealing = await benchSealing();
const baselineRef = (() => {
  const at = process.argv.indexOf('--baseline');
  // The last commit before the restructure of issue 18: the login path's "today".
  return at >= 0 ? (process.argv[at + 1] as string) : '5c8347c';
})();
const bundles = await benchBundles({ baselineRef });
const dynamo = await startDynamoDbLocal();
const coldStart = await benchColdStart(bundles.files, dynamo);
const auth = await benchAuth(dynamo.endpoint);
const cards = await benchCards(dynamo.endpoint);
const oidc = await benchOidc(dynamo.endpoint);
const privacy = await benchPrivacy(dynamo.endpoint);
await dynamo.stop();
const npmStart = await benchNpmStart();

/**
 * The request paths of issue 14 beside their figures before it (bench/results/before-issue-14.json,
 * the same meter run on the earlier code) and the budgets it set.
 */
function flowBudgets() {
  const before = JSON.parse(readFileSync(join(root, 'bench', 'results', 'before-issue-14.json'), 'utf8'));
  const row = (
    name: string,
    now: { sequential: number; units: number; hottest: unknown },
    then: { sequentialCalls: { max: number }; capacityUnits: number; hottestKey: unknown },
    budget: { sequential: number; units?: number },
  ) => ({
    flow: name,
    sequentialCalls: { before: then.sequentialCalls.max, now: now.sequential, budget: budget.sequential },
    capacityUnits: {
      before: then.capacityUnits,
      now: now.units,
      ...(budget.units ? { budget: budget.units } : {}),
    },
    hottestKey: { before: then.hottestKey, now: now.hottest },
    withinBudget:
      now.sequential <= budget.sequential && (budget.units === undefined || now.units <= budget.units),
  });
  const of = (x: {
    sequentialCallsPerRequest: { max: number };
    capacityUnitsPerRequest: number;
    hottestKey: unknown;
  }) => ({
    sequential: x.sequentialCallsPerRequest.max,
    units: x.capacityUnitsPerRequest,
    hottest: x.hottestKey,
  });
  return [
    // Issue 22: the caller network's lock and the number's under-attack count are read before the
    // challenge is written, so nothing a stranger sends replaces the owner's live code: a third
    // round trip (two eventually consistent reads, 1 RCU).
    row('send', of(auth.send), before.send, { sequential: 3 }),
    row('verify (registration)', of(auth.verifyRegistration), before.registration, {
      sequential: 3,
      units: 15,
    }),
    row('verify (login)', of(auth.verifyLogin), before.login, { sequential: 3, units: 10 }),
    row(
      'card creation',
      {
        sequential: cards.sequentialCallsPerCard.max,
        units: cards.capacityUnitsPerCard,
        hottest: cards.hottestKey,
      },
      before.card,
      // Issue 22: each new card counts as a HIS lookup of the account's day (one update, sent
      // with the first reads, so no round trip of its own).
      { sequential: 3, units: 16 },
    ),
  ];
}

const results = {
  startedAt,
  node: process.version,
  machine: { cpus: (await import('node:os')).cpus().length, arch: process.arch },
  sealing,
  bundles: bundles.perFunction,
  loginPathImport: bundles.loginPath,
  coldStart,
  flows: flowBudgets(),
  auth,
  cards,
  oidc,
  privacy,
  npmStartToFirstHealth200: npmStart,
};
const outDir = join(root, 'bench', 'results');
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
process.stdout.write(`${JSON.stringify(results, null, 2)}\nwrote bench/results/latest.json\n`);
