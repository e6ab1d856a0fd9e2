import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { RollbackError, rollback } from './ops/rollback';

/**
 * `npm run rollback -- --to <release|previous> [--stage prod] [--dry-run] [--profile P] [--region R]`:
 * points every function's `live` alias back at the version published for that release. Prints
 * each move; with `--dry-run` moves nothing.
 */
const say = (line: string) => process.stdout.write(`${line}\n`);
const args = process.argv.slice(2);
function option(name: string): string | undefined {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1] : undefined;
}
const to = option('to');
if (!to) {
  console.error(
    'usage: npm run rollback -- --to <release|previous> [--stage prod] [--dry-run] [--profile P] [--region R]',
  );
  process.exit(2);
}
const profile = option('profile');
const config = {
  region: option('region') ?? process.env.AWS_REGION ?? 'cn-north-1',
  ...(profile ? { profile } : {}),
};
const stackName = `PatientOnboarding-${option('stage') ?? 'prod'}-Api`;
try {
  const moves = await rollback(
    { cfn: new CloudFormationClient(config), lambda: new LambdaClient(config) },
    { stackName, to, dryRun: args.includes('--dry-run') },
  );
  for (const move of moves) say(`${move.functionName}: live ${move.from} -> ${move.to}`);
  say(
    args.includes('--dry-run')
      ? 'dry run: no alias moved'
      : `moved ${moves.filter((m) => m.from !== m.to).length} aliases`,
  );
} catch (error) {
  console.error(
    error instanceof RollbackError ? error.message : `rollback failed: ${(error as Error).message}`,
  );
  process.exit(error instanceof RollbackError ? 1 : 2);
}
