import { SQSClient } from '@aws-sdk/client-sqs';
import { RedriveError, redrive } from './ops/dlq-redrive';

/**
 * `npm run dlq:redrive -- <queue> [--dry-run] [--max N] [--to <queue>] [--profile P] [--region R]`:
 * moves a dead-letter queue's messages back to its source queue (SQS redrive is not offered in
 * the China regions). Prints what it counted and moved.
 */
const say = (line: string) => process.stdout.write(`${line}\n`);
const args = process.argv.slice(2);
const flag = (name: string) => args.includes(`--${name}`);
function option(name: string): string | undefined {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1] : undefined;
}
const valued = new Set(['--max', '--to', '--profile', '--region']);
const queue = args.find((a, i) => !a.startsWith('--') && !valued.has(args[i - 1] ?? ''));
const max = Number(option('max') ?? 1000);
if (!queue || !Number.isInteger(max) || max < 1) {
  console.error(
    'usage: npm run dlq:redrive -- <queue name or URL> [--dry-run] [--max N] [--to <queue>] [--profile P] [--region R]',
  );
  process.exit(2);
}
const profile = option('profile');
const sqs = new SQSClient({
  region: option('region') ?? process.env.AWS_REGION ?? 'cn-north-1',
  ...(profile ? { profile } : {}),
});
try {
  const report = await redrive(sqs, { queue, to: option('to'), dryRun: flag('dry-run'), max });
  say(`from ${report.from}\nto   ${report.to}`);
  say(`waiting ~${report.waiting}`);
  if (report.dryRun) say('dry run: nothing received, sent or deleted');
  else
    say(
      `received ${report.received}, moved ${report.moved}, failed to send ${report.failed} (still in the dead letters), sent but not deleted ${report.notDeleted} (will arrive twice)`,
    );
  process.exit(report.failed + report.notDeleted === 0 ? 0 : 1);
} catch (error) {
  console.error(
    error instanceof RedriveError ? error.message : `redrive failed: ${(error as Error).message}`,
  );
  process.exit(2);
}
