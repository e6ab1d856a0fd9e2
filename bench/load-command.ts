import { type LoadOptions, runLoad } from './load';

/**
 * `npm run load -- --users 300 --concurrency 100 [--flow login|card] [--url http://127.0.0.1:3000]
 *  [--addresses K] [--prod-limits] [--attacker]`
 * `--addresses` spreads the people over K loopback addresses (two per /24), `--prod-limits` drops
 * the loopback exemption (production's rules for everyone; people solve captchas through the
 * stand-in when asked), `--attacker` adds one actor in the first /24 sending to random numbers
 * and made-up codes. Those three need the in-process server.
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
const addresses = arg('addresses') === undefined ? undefined : Number(arg('addresses'));
const flag = (name: string) => process.argv.includes(`--${name}`);
if (
  !Number.isInteger(users) ||
  users < 1 ||
  !Number.isInteger(concurrency) ||
  concurrency < 1 ||
  !['login', 'card'].includes(flow) ||
  (addresses !== undefined && !(Number.isInteger(addresses) && addresses >= 1 && addresses <= 200))
) {
  console.error(
    'usage: npm run load -- --users N --concurrency C [--flow login|card] [--url URL] [--addresses K] [--prod-limits] [--attacker]',
  );
  process.exit(2);
}

// The server's own logs and metrics would drown the report: kept quiet while it runs here.
const write = process.stdout.write.bind(process.stdout);
if (!url) process.stdout.write = (() => true) as typeof process.stdout.write;
const report = await runLoad({
  users,
  concurrency,
  flow,
  ...(addresses ? { addresses } : {}),
  prodLimits: flag('prod-limits'),
  attacker: flag('attacker'),
  ...(url ? { url, dataDir: process.env.DATA_DIR ?? '.data' } : {}),
  ...(url && process.env.DYNAMODB_ENDPOINT ? { dynamoEndpoint: process.env.DYNAMODB_ENDPOINT } : {}),
  ...(process.env.TABLE_NAME ? { tableName: process.env.TABLE_NAME } : {}),
});
process.stdout.write = write;
write(`${JSON.stringify(report, null, 2)}\n`);
if (url && !report.dynamo) write('DynamoDB metering needs the in-process server (run without --url).\n');
process.exit(report.failures === 0 && report.chain?.intact !== false ? 0 : 1);
