import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const root = resolve(import.meta.dirname, '..', '..');
const run = promisify(execFile);

/**
 * The environment an operator's command runs in against a local runtime: this process's, minus
 * the local shortcuts a real operator does not have (the endpoint and key file come from
 * `operatorEnv`, the same way a deployed stack's come from the account).
 */
export function operatorEnvironment(operatorEnv: NodeJS.ProcessEnv, extra: NodeJS.ProcessEnv = {}) {
  const { DYNAMODB_ENDPOINT: _e, LOCAL_KEY_FILE: _k, ...inherited } = process.env;
  return { ...inherited, ...operatorEnv, ...extra };
}

/**
 * `npm run <script>` as an operator runs it (`bin/<script>.ts` under tsx): the exit code and what
 * it printed, a refusal (exit 1) included, so tests assert on both.
 */
export async function operatorCli(
  script: string,
  args: readonly string[],
  operatorEnv: NodeJS.ProcessEnv,
  extra: NodeJS.ProcessEnv = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(
      join(root, 'node_modules', '.bin', 'tsx'),
      [join(root, 'bin', `${script}.ts`), ...args],
      { cwd: root, env: operatorEnvironment(operatorEnv, extra), maxBuffer: 16 * 1024 * 1024 },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    if (typeof failed.code !== 'number') throw error;
    return { code: failed.code, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

/** Polls `check` until it holds: for what takes effect within a refresh time, not at once. */
export async function until(check: () => Promise<boolean>, what: string, rounds = 50, everyMs = 100) {
  for (let round = 0; round < rounds; round++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`not so after ${(rounds * everyMs) / 1000} s: ${what}`);
}
