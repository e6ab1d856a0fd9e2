import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const tsx = join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');
let child: ChildProcess | undefined;

afterEach(() => {
  child?.kill('SIGTERM');
  child = undefined;
});

/** Runs bin/local.ts as `npm start` does and resolves with the line that says where it listens. */
function start(env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    child = spawn(process.execPath, [tsx, 'bin/local.ts'], {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n').find((l) => l.includes('listening on'));
      if (line) resolve(line);
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.on('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
  });
}

describe('npm start', () => {
  it('starts DynamoDB Local persisted under DATA_DIR, creates local keys, and serves /health', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'po-start-'));
    const line = await start({ ...process.env, PORT: '0', DATA_DIR: dataDir });
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(line)?.[1];
    expect(url).toBeDefined();
    const response = await fetch(`${url}/health`);
    expect(response.status).toBe(200);
    expect(statSync(join(dataDir, 'keys', 'local-keys.json')).mode & 0o777).toBe(0o600);
    expect(existsSync(join(dataDir, 'dynamodb'))).toBe(true);
  }, 40_000);

  it('says plainly how to install Java when it is missing', () => {
    const result = spawnSync(process.execPath, [tsx, 'bin/local.ts'], {
      cwd: root,
      env: {
        ...process.env,
        PATH: '/nonexistent',
        PORT: '0',
        DATA_DIR: mkdtempSync(join(tmpdir(), 'po-nojava-')),
      },
      encoding: 'utf8',
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('apt-get install -y openjdk-17-jre-headless');
  });
});
