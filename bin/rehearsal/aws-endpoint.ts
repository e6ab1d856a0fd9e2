import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  randomUUID,
  sign,
} from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import type { Plan } from './plan';

// biome-ignore lint/suspicious/noExplicitAny: AWS JSON-protocol bodies, read field by field
type Wire = any;

/** One AWS API call a function made, as IAM would authorize it. */
export interface RecordedCall {
  readonly functionId: string;
  readonly action: string;
  readonly resource: string;
  readonly context: Readonly<Record<string, string>>;
  /** Made by the service on the function's behalf (DynamoDB using the table's key, a mapping polling). */
  readonly implied?: boolean;
}

/** What the endpoints share: the KMS key material (kept on disk, so a restart opens old data keys). */
export class RehearsalKms {
  readonly #file: string;
  readonly #symmetric = new Map<string, Buffer>();
  readonly #signing = new Map<string, string>();

  constructor(file: string) {
    this.#file = file;
    if (existsSync(file)) {
      const saved = JSON.parse(readFileSync(file, 'utf8')) as {
        symmetric: Record<string, string>;
        signing: Record<string, string>;
      };
      for (const [k, v] of Object.entries(saved.symmetric)) this.#symmetric.set(k, Buffer.from(v, 'base64'));
      for (const [k, v] of Object.entries(saved.signing)) this.#signing.set(k, v);
    }
  }

  #save() {
    mkdirSync(dirname(this.#file), { recursive: true });
    writeFileSync(
      this.#file,
      JSON.stringify({
        symmetric: Object.fromEntries([...this.#symmetric].map(([k, v]) => [k, v.toString('base64')])),
        signing: Object.fromEntries(this.#signing),
      }),
      { mode: 0o600 },
    );
  }

  master(keyArn: string): Buffer {
    let key = this.#symmetric.get(keyArn);
    if (!key) {
      key = randomBytes(32);
      this.#symmetric.set(keyArn, key);
      this.#save();
    }
    return key;
  }

  signingKey(keyArn: string): string {
    let pem = this.#signing.get(keyArn);
    if (!pem) {
      pem = generateKeyPairSync('ec', { namedCurve: 'P-256' })
        .privateKey.export({ format: 'pem', type: 'pkcs8' })
        .toString();
      this.#signing.set(keyArn, pem);
      this.#save();
    }
    return pem;
  }
}

const canonicalContext = (context: Record<string, string> = {}) =>
  JSON.stringify(Object.fromEntries(Object.entries(context).sort(([a], [b]) => a.localeCompare(b))));

/** KMS's ciphertext blob, as this stand-in makes it: the key, the context's hash and AES-GCM. */
function wrap(kms: RehearsalKms, keyArn: string, plaintext: Buffer, context: Record<string, string>): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', kms.master(keyArn), iv);
  cipher.setAAD(Buffer.from(canonicalContext(context)));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  return Buffer.from(JSON.stringify({ k: keyArn, iv: iv.toString('base64'), b: body.toString('base64') }));
}

function unwrap(
  kms: RehearsalKms,
  blob: Buffer,
  context: Record<string, string>,
): { keyArn: string; plaintext: Buffer } {
  const { k, iv, b } = JSON.parse(blob.toString()) as { k: string; iv: string; b: string };
  const body = Buffer.from(b, 'base64');
  const decipher = createDecipheriv('aes-256-gcm', kms.master(k), Buffer.from(iv, 'base64'));
  decipher.setAAD(Buffer.from(canonicalContext(context)));
  decipher.setAuthTag(body.subarray(body.length - 16));
  return {
    keyArn: k,
    plaintext: Buffer.concat([decipher.update(body.subarray(0, body.length - 16)), decipher.final()]),
  };
}

class AwsError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export interface EndpointDeps {
  readonly plan: Plan;
  readonly kms: RehearsalKms;
  readonly dynamoEndpoint: string;
  /** The secrets' values, shared by every endpoint: an operator's PutSecretValue is what all read next. */
  readonly secrets: { readonly appSecret: string; providers: string };
  record(call: RecordedCall): void;
  /** An SQS message for a queue (by ARN): the mapping delivers it to its function. */
  enqueue(queueArn: string, body: string, delaySeconds: number): string;
}

const dynamoItemActions: Record<string, string> = {
  Put: 'dynamodb:PutItem',
  Update: 'dynamodb:UpdateItem',
  Delete: 'dynamodb:DeleteItem',
  ConditionCheck: 'dynamodb:ConditionCheckItem',
  Get: 'dynamodb:GetItem',
};

/**
 * The AWS endpoints of one function (AWS_ENDPOINT_URL_*): DynamoDB passed through to DynamoDB
 * Local, and KMS, Secrets Manager, SQS and EventBridge played here, each call recorded with the
 * action and resource IAM would authorize (a transaction's items one by one, as IAM checks them).
 */
export async function startAwsEndpoint(
  functionId: string,
  deps: EndpointDeps,
): Promise<{ url: string; close(): Promise<void> }> {
  const { plan } = deps;
  const tableResource = (name: string, index?: string) =>
    `arn:aws-cn:dynamodb:${plan.region}:${plan.tableArn.split(':')[4]}:table/${name}${index ? `/index/${index}` : ''}`;
  const record = (action: string, resource: string, context: Record<string, string> = {}, implied = false) =>
    deps.record({ functionId, action, resource, context, ...(implied ? { implied } : {}) });

  const dynamo = async (operation: string, body: string, headers: IncomingMessage['headers']) => {
    const input = JSON.parse(body) as Wire;
    const calls: Array<[string, string]> = [];
    if (operation === 'TransactWriteItems' || operation === 'TransactGetItems') {
      for (const item of input.TransactItems as Wire[]) {
        const [kind, detail] = Object.entries(item)[0] as [string, Wire];
        calls.push([dynamoItemActions[kind] as string, tableResource(detail.TableName)]);
      }
    } else if (operation === 'BatchWriteItem' || operation === 'BatchGetItem') {
      for (const name of Object.keys(input.RequestItems ?? {}))
        calls.push([`dynamodb:${operation}`, tableResource(name)]);
    } else {
      calls.push([`dynamodb:${operation}`, tableResource(input.TableName, input.IndexName)]);
    }
    for (const [action, resource] of calls) {
      record(action, resource);
      // The table is encrypted with our key: DynamoDB uses it with the caller's permissions.
      record(
        'kms:Decrypt',
        plan.storageKeyArn,
        { 'kms:ViaService': `dynamodb.${plan.region}.amazonaws.com.cn` },
        true,
      );
    }
    const forwarded = await fetch(deps.dynamoEndpoint, {
      method: 'POST',
      headers: {
        'content-type': String(headers['content-type'] ?? 'application/x-amz-json-1.0'),
        'x-amz-target': String(headers['x-amz-target']),
        authorization: String(headers.authorization ?? ''),
        'x-amz-date': String(headers['x-amz-date'] ?? ''),
      },
      body,
    });
    return {
      status: forwarded.status,
      type: forwarded.headers.get('content-type') ?? '',
      text: await forwarded.text(),
    };
  };

  const kms = (operation: string, input: Wire): unknown => {
    const requested = String(input.KeyId ?? '');
    // A KeyId alias resolves to its key; IAM then authorizes the key, with the alias as
    // kms:RequestAlias (what the grants naming the other region's key rely on).
    const isAlias = /^arn:aws-cn:kms:[^:]+:\d+:alias\//.test(requested);
    const keyArn = isAlias ? plan.aliases.get(requested) : requested;
    if (keyArn === undefined) throw new AwsError('NotFoundException', `alias ${requested} is not found`);
    const context = (input.EncryptionContext ?? {}) as Record<string, string>;
    const contextKeys = Object.fromEntries([
      ...Object.entries(context).map(([k, v]) => [`kms:EncryptionContext:${k}`, v]),
      ...(isAlias ? [['kms:RequestAlias', requested.slice(requested.indexOf('alias/'))]] : []),
    ]);
    switch (operation) {
      case 'GenerateDataKey': {
        record('kms:GenerateDataKey', keyArn, contextKeys);
        const plaintext = randomBytes(Number(input.NumberOfBytes ?? 32));
        return {
          KeyId: keyArn,
          Plaintext: plaintext.toString('base64'),
          CiphertextBlob: wrap(deps.kms, keyArn, plaintext, context).toString('base64'),
        };
      }
      case 'Encrypt': {
        record('kms:Encrypt', keyArn, contextKeys);
        return {
          KeyId: keyArn,
          CiphertextBlob: wrap(deps.kms, keyArn, Buffer.from(input.Plaintext, 'base64'), context).toString(
            'base64',
          ),
        };
      }
      case 'Decrypt': {
        let opened: { keyArn: string; plaintext: Buffer };
        try {
          opened = unwrap(deps.kms, Buffer.from(input.CiphertextBlob, 'base64'), context);
        } catch {
          throw new AwsError('InvalidCiphertextException', 'ciphertext or encryption context does not match');
        }
        record('kms:Decrypt', opened.keyArn, contextKeys);
        if (keyArn && keyArn !== opened.keyArn) throw new AwsError('IncorrectKeyException', 'wrong key');
        return { KeyId: opened.keyArn, Plaintext: opened.plaintext.toString('base64') };
      }
      case 'Sign': {
        record('kms:Sign', keyArn, contextKeys);
        if (input.SigningAlgorithm !== 'ECDSA_SHA_256' || input.MessageType !== 'RAW')
          throw new AwsError(
            'UnsupportedOperationException',
            'only ECDSA_SHA_256 over RAW messages is played',
          );
        // RAW: KMS hashes the message with SHA-256 and signs the digest, DER-encoded.
        const signature = sign('sha256', Buffer.from(input.Message, 'base64'), {
          key: createPrivateKey(deps.kms.signingKey(keyArn)),
          dsaEncoding: 'der',
        });
        return { KeyId: keyArn, Signature: signature.toString('base64'), SigningAlgorithm: 'ECDSA_SHA_256' };
      }
      case 'GetPublicKey': {
        record('kms:GetPublicKey', keyArn, contextKeys);
        const spki = createPublicKey(deps.kms.signingKey(keyArn)).export({ format: 'der', type: 'spki' });
        return {
          KeyId: keyArn,
          PublicKey: Buffer.from(spki).toString('base64'),
          KeySpec: 'ECC_NIST_P256',
          KeyUsage: 'SIGN_VERIFY',
          SigningAlgorithms: ['ECDSA_SHA_256'],
        };
      }
      case 'DescribeKey':
        record('kms:DescribeKey', keyArn);
        return { KeyMetadata: { KeyId: keyArn, Arn: keyArn, Enabled: true, KeyState: 'Enabled' } };
      default:
        throw new AwsError('UnsupportedOperationException', `KMS ${operation} is not played here`);
    }
  };

  const secrets = (operation: string, input: Wire): unknown => {
    if (operation !== 'GetSecretValue' && operation !== 'DescribeSecret' && operation !== 'PutSecretValue')
      throw new AwsError('InvalidRequestException', `Secrets Manager ${operation} is not played here`);
    const id = String(input.SecretId);
    record(`secretsmanager:${operation}`, id);
    // The secrets are encrypted with the storage key; Secrets Manager uses it for the caller.
    record(
      'kms:Decrypt',
      plan.storageKeyArn,
      { 'kms:ViaService': `secretsmanager.${plan.region}.amazonaws.com.cn` },
      true,
    );
    const env = [...plan.functions.values()].map((f) => f.environment);
    const isApp = env.some((e) => e.APP_SECRET_ARN === id);
    const isProviders = env.some((e) => e.PROVIDER_SECRET_ARN === id);
    if (!isApp && !isProviders) throw new AwsError('ResourceNotFoundException', `no secret ${id}`);
    if (operation === 'PutSecretValue') {
      // The provider credentials are the operator's to write (a new hospital's HIS secret); the
      // app secret is CloudFormation's and never written.
      if (isApp) throw new AwsError('AccessDeniedException', 'the app secret is not written by hand');
      deps.secrets.providers = String(input.SecretString);
      return { ARN: id, Name: id.split(':').at(-1), VersionId: `rehearsal-${Date.now()}` };
    }
    return {
      ARN: id,
      Name: id.split(':').at(-1),
      VersionId: 'rehearsal',
      SecretString: isApp ? deps.secrets.appSecret : deps.secrets.providers,
    };
  };

  const sqs = (operation: string, input: Wire): unknown => {
    if (operation !== 'SendMessage')
      throw new AwsError('InvalidAction', `SQS ${operation} is not played here`);
    // By the queue's path (account and name): the URL's host is this endpoint's.
    const path = new URL(String(input.QueueUrl)).pathname;
    const queueArn = [...plan.queueArns].find(([url]) => new URL(url).pathname === path)?.[1];
    if (!queueArn)
      throw new AwsError('AWS.SimpleQueueService.NonExistentQueue', `no queue ${input.QueueUrl}`);
    record('sqs:SendMessage', queueArn);
    const body = String(input.MessageBody);
    const id = deps.enqueue(queueArn, body, Number(input.DelaySeconds ?? 0));
    return { MessageId: id, MD5OfMessageBody: createHash('md5').update(body).digest('hex') };
  };

  const events = (operation: string, input: Wire): unknown => {
    if (operation !== 'PutEvents')
      throw new AwsError('UnsupportedOperation', `EventBridge ${operation} is not played here`);
    const entries = (input.Entries ?? []) as Wire[];
    const answered = entries.map((entry) => {
      const busArn = `arn:aws-cn:events:${plan.region}:${plan.tableArn.split(':')[4]}:event-bus/${entry.EventBusName}`;
      record('events:PutEvents', busArn);
      const event = {
        version: '0',
        id: randomUUID(),
        'detail-type': entry.DetailType,
        source: entry.Source,
        account: plan.tableArn.split(':')[4],
        time: new Date().toISOString(),
        region: plan.region,
        resources: entry.Resources ?? [],
        detail: JSON.parse(entry.Detail ?? '{}'),
      };
      for (const rule of plan.busRules) {
        const sources = (rule.pattern?.source ?? []) as string[];
        if (sources.length === 0 || sources.includes(entry.Source))
          deps.enqueue(rule.queueArn, JSON.stringify(event), 0);
      }
      return { EventId: event.id };
    });
    return { FailedEntryCount: 0, Entries: answered };
  };

  const callerIdentity = () => {
    const account = plan.storageKeyArn.split(':')[4] ?? '000000000000';
    return `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws-cn:sts::${account}:assumed-role/${functionId}/rehearsal</Arn><UserId>AROAREHEARSAL:${functionId}</UserId><Account>${account}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></GetCallerIdentityResponse>`;
  };

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      const target = String(req.headers['x-amz-target'] ?? '');
      const [service, operation = ''] = target.split('.');
      const reply = (status: number, payload: unknown, type = 'application/x-amz-json-1.1') => {
        res.writeHead(status, { 'content-type': type, 'x-amzn-requestid': randomUUID() });
        res.end(typeof payload === 'string' ? payload : JSON.stringify(payload));
      };
      (async () => {
        try {
          if (service === 'DynamoDB_20120810') {
            const out = await dynamo(operation, body, req.headers);
            return reply(out.status, out.text, out.type);
          }
          // STS speaks the query protocol: who the caller is (an operator's command asks).
          if (!target && new URLSearchParams(body).get('Action') === 'GetCallerIdentity')
            return reply(200, callerIdentity(), 'text/xml');
          const input = body ? (JSON.parse(body) as Wire) : {};
          if (service === 'TrentService') return reply(200, kms(operation, input));
          if (service === 'secretsmanager') return reply(200, secrets(operation, input));
          if (service === 'AmazonSQS') return reply(200, sqs(operation, input), 'application/x-amz-json-1.0');
          if (service === 'AWSEvents') return reply(200, events(operation, input));
          throw new AwsError('UnknownOperationException', `${target || 'no target'} is not played here`);
        } catch (error) {
          const e = error instanceof AwsError ? error : new AwsError('InternalFailure', String(error), 500);
          // JSON protocols name the error in __type (and SQS's JSON protocol in a header too).
          res.writeHead(e.status, {
            'content-type': 'application/x-amz-json-1.1',
            'x-amzn-query-error': `${e.type};Sender`,
          });
          res.end(JSON.stringify({ __type: e.type, message: e.message }));
        }
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
