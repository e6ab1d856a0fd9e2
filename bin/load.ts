import { type LoadOptions, runLoad } from '../bench/load';

/**
 * `npm run load -- --users 300 --concurrency 100 [--flow login|card] [--url http://127.0.0.1:3000]`
 * Without --url it starts the whole API in this process (DynamoDB Local in memory) and meters
 * every DynamoDB call; with --url it drives a running `npm start` (codes read from DATA_DIR's
 * outbox, `.data` by default; the chain verdict when DYNAMODB_ENDPOINT is set). Exits 1 when any
 * request did not succeed or the chain does not verify.
 */
function arg(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

const users = Number(arg('users') ?? 300);
const concurrency = Number(arg('concurrency') ?? 100);
const flow = (arg('flow') ?? 'login') as LoadOptions['flow'];
const url = arg('url');
if (
  !Number.isInteger(users) ||
  users < 1 ||
  !Number.isInteger(concurrency) ||
  concurrency < 1 ||
  !['login', 'card'].includes(flow)
) {
  console.error('usage: npm run load -- --users N --concurrency C [--flow login|card] [--url URL]');
  process.exit(2);
}

// The server's own logs and metrics would drown the report: kept quiet while it runs here.
const write = process.stdout.write.bind(process.stdout);
if (!url) process.stdout.write = (() => true) as typeof process.stdout.write;
const report = await runLoad({
  users,
  concurrency,
  flow,
  ...(url ? { url, dataDir: process.env.DATA_DIR ?? '.data' } : {}),
  ...(url && process.env.DYNAMODB_ENDPOINT ? { dynamoEndpoint: process.env.DYNAMODB_ENDPOINT } : {}),
  ...(process.env.TABLE_NAME ? { tableName: process.env.TABLE_NAME } : {}),
});
process.stdout.write = write;
write(`${JSON.stringify(report, null, 2)}\n`);
if (url && !report.dynamo) write('DynamoDB metering needs the in-process server (run without --url).\n');
process.exit(report.failures === 0 && report.chain?.intact !== false ? 0 : 1);
