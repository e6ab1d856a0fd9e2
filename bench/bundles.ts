import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Metafile } from 'esbuild';
import { authorizerFunction, fallbackRoute, routeList, workers } from '../functions/system/route-table';
import { bundleFunction } from '../lib/function-code';
import { groupRoutes, writeGroupEntry } from '../lib/route-groups';
import { round } from './stats';

/**
 * Bundle size and import time of every function as CDK builds it, each beside the floor of its
 * own third-party dependencies: a bundle holding exactly the third-party imports the function's
 * code makes at load time, and none of our code. Import time is the median of fresh Node 22
 * processes importing the bundle, taken alternately with its floor so both see the same machine.
 * The login path (group `auth`: send and verify) is also measured against a baseline commit's
 * bundle, built in the same run from a git worktree.
 */
const root = join(import.meta.dirname, '..');
const RUNS = 9;

function importMs(file: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '-e',
        `const t=performance.now();import(${JSON.stringify(file)}).then(()=>console.log(performance.now()-t))`,
      ],
      { stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'SILENT' } },
    );
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
    });
    child.on('exit', (code) =>
      code === 0 ? resolve(Number(out.trim())) : reject(new Error(`import of ${file} failed`)),
    );
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

/** Median import times of several bundles, run alternately. */
async function importTimes(files: readonly string[]): Promise<number[]> {
  const samples = files.map(() => [] as number[]);
  for (let r = 0; r < RUNS; r++) {
    for (const [i, file] of files.entries()) (samples[i] as number[]).push(await importMs(file));
  }
  return samples.map((s) => round(median(s), 1));
}

/** Input files reached from the entry without crossing a dynamic import: what loads at import. */
function staticClosure(metafile: Metafile, entry: string): Set<string> {
  const seen = new Set<string>();
  const stack = [entry];
  while (stack.length > 0) {
    const file = stack.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const i of metafile.inputs[file]?.imports ?? []) {
      if (i.kind !== 'dynamic-import' && metafile.inputs[i.path]) stack.push(i.path);
    }
  }
  return seen;
}

/**
 * The floor's entry: every third-party import our load-time code makes, named as it names them
 * (namespace imports by the members used), kept alive so nothing is shaken out.
 */
async function floorEntry(ourFiles: readonly string[], out: string): Promise<string[]> {
  const lines: string[] = [];
  const keep: string[] = [];
  const packages = new Set<string>();
  for (const file of ourFiles) {
    const code = readFileSync(join(root, file), 'utf8');
    for (const m of code.matchAll(/^import (?!type )([^'";]+?) from '([^./][^']*)';/gm)) {
      const clause = (m[1] as string).trim();
      const spec = m[2] as string;
      if (spec.startsWith('node:')) continue;
      packages.add(spec);
      let names: string[];
      if (clause.startsWith('{')) {
        names = clause
          .slice(1, -1)
          .split(',')
          .map((x) => x.trim())
          .filter((x) => x && !x.startsWith('type '))
          .map((x) => x.split(/\s+as\s+/)[0] as string);
      } else if (clause.startsWith('* as')) {
        const ns = clause.slice(4).trim();
        const exported = new Set(Object.keys((await import(spec)) as object));
        names = [
          ...new Set([...code.matchAll(new RegExp(`\\b${ns}\\.(\\w+)`, 'g'))].map((x) => x[1] as string)),
        ].filter((n) => exported.has(n));
      } else {
        names = ['default'];
      }
      for (const name of names) {
        const local = `f${keep.length}`;
        lines.push(`import { ${name} as ${local} } from '${spec}';`);
        keep.push(local);
      }
    }
  }
  lines.push(`globalThis.__floor = [${keep.join(', ')}];`);
  writeFileSync(out, lines.join('\n'));
  return [...packages].sort();
}

interface Built {
  readonly entry: string;
  /** The handler file (`index.mjs`); chunks loaded on demand sit beside it. */
  readonly file: string;
  /** Everything in the function's code: the handler file and every chunk. */
  readonly bytes: number;
  readonly gzipBytes: number;
  /** The handler file and the chunks it imports statically: what a cold start loads. */
  readonly bytesLoadedAtImport: number;
  readonly metafile: Metafile;
}

/** Bundles as CDK does (lib/function-code.ts: chunks split off), into a folder of its own. */
function bundle(entry: string, outdir: string, options: { splitting?: boolean } = {}): Built {
  rmSync(outdir, { recursive: true, force: true });
  const result = bundleFunction(entry, outdir, {
    metafile: true,
    sourcemap: false,
    logLevel: 'silent',
    ...options,
  });
  const metafile = result.metafile as Metafile;
  const outputs = Object.entries(metafile.outputs).filter(([f]) => f.endsWith('.mjs'));
  const index = outputs.find(([f]) => f.endsWith('/index.mjs'))?.[0] as string;
  const loaded = new Set<string>();
  const stack = [index];
  while (stack.length > 0) {
    const file = stack.pop() as string;
    if (loaded.has(file)) continue;
    loaded.add(file);
    for (const i of metafile.outputs[file]?.imports ?? [])
      if (i.kind === 'import-statement') stack.push(i.path);
  }
  const code = Buffer.concat(outputs.map(([f]) => readFileSync(join(root, f))));
  return {
    entry,
    file: join(root, index),
    bytes: code.length,
    gzipBytes: gzipSync(code).length,
    bytesLoadedAtImport: [...loaded].reduce((sum, f) => sum + (metafile.outputs[f]?.bytes ?? 0), 0),
    metafile,
  };
}

/** Today's entries: one per route group, and the workers and authorizer as CDK builds them. */
function entries(functionsDir: string, outDir: string, groups: ReturnType<typeof groupRoutes>) {
  const list: { name: string; entry: string; probe?: { method: string; path: string } }[] = [];
  for (const group of groups) {
    const entry = writeGroupEntry(group, { functionsDir, outDir, fallbackHandler: fallbackRoute.handler });
    const probe = group.routes.find((r) => r.method === 'GET') ?? group.routes[0];
    list.push({
      name: group.name,
      entry,
      ...(probe ? { probe: { method: probe.method, path: probe.path } } : {}),
    });
  }
  for (const fn of [authorizerFunction, ...Object.values(workers)]) {
    list.push({ name: fn.group, entry: join(functionsDir, `${fn.handler}.ts`) });
  }
  return list;
}

/** The baseline's `auth` bundle, from a worktree of `ref` (node_modules shared), or undefined. */
async function baselineAuth(ref: string, work: string): Promise<Built | undefined> {
  const tree = join(work, 'baseline');
  try {
    if (existsSync(tree))
      execFileSync('git', ['worktree', 'remove', '--force', tree], { cwd: root, stdio: 'ignore' });
    rmSync(tree, { recursive: true, force: true });
    execFileSync('git', ['worktree', 'add', '--detach', '--force', tree, ref], {
      cwd: root,
      stdio: 'ignore',
    });
  } catch {
    return undefined;
  }
  symlinkSync(join(root, 'node_modules'), join(tree, 'node_modules'));
  const script = join(tree, 'write-entry.ts');
  writeFileSync(
    script,
    `import { fallbackRoute, routeList } from './functions/routes';
import { groupRoutes, writeGroupEntry } from './lib/route-groups';
const auth = groupRoutes(routeList, fallbackRoute.group).find((g) => g.name === 'auth');
if (auth) process.stdout.write(writeGroupEntry(auth, { functionsDir: ${JSON.stringify(join(tree, 'functions'))}, outDir: ${JSON.stringify(join(tree, '.build'))}, fallbackHandler: fallbackRoute.handler }));`,
  );
  const entry = execFileSync(join(root, 'node_modules', '.bin', 'tsx'), [script], {
    cwd: tree,
    encoding: 'utf8',
  });
  // The baseline as it was built then: one file, nothing split off.
  const built = bundle(entry, join(work, 'baseline-auth'), { splitting: false });
  execFileSync('git', ['worktree', 'remove', '--force', tree], { cwd: root, stdio: 'ignore' });
  return built;
}

export async function benchBundles(options: { baselineRef: string }) {
  const work = join(root, '.build', 'bench');
  mkdirSync(work, { recursive: true });
  const functionsDir = join(root, 'functions');
  const groups = groupRoutes(routeList, fallbackRoute.group);
  const perFunction: Record<string, unknown> = {};
  const files: Record<string, { file: string; probe?: { method: string; path: string } }> = {};
  for (const target of entries(functionsDir, join(work, 'entries'), groups)) {
    const built = bundle(target.entry, join(work, 'functions', target.name));
    const entryKey = Object.keys(built.metafile.inputs).find((f) => join(root, f) === target.entry) as string;
    const closure = staticClosure(built.metafile, entryKey);
    const ours = [...closure].filter((f) => f.startsWith('functions/') && f.endsWith('.ts'));
    const packages = await floorEntry(ours, join(work, `${target.name}-floor-entry.mjs`));
    const floor = await bundle(
      join(work, `${target.name}-floor-entry.mjs`),
      join(work, `${target.name}-floor.mjs`),
    );
    const [ms, floorMs] = await importTimes([built.file, floor.file]);
    perFunction[target.name] = {
      bytes: built.bytes,
      gzipBytes: built.gzipBytes,
      bytesLoadedAtImport: built.bytesLoadedAtImport,
      importMs: ms,
      floor: { packages, bytes: floor.bytes, importMs: floorMs },
      importRatioToFloor: round((ms as number) / (floorMs as number), 2),
    };
    files[target.name] = { file: built.file, ...(target.probe ? { probe: target.probe } : {}) };
  }
  const baseline = await baselineAuth(options.baselineRef, work);
  let loginPath: Record<string, unknown> = {
    note: `baseline ${options.baselineRef} not available in this checkout`,
  };
  if (baseline) {
    const [now, before] = await importTimes([(files.auth as { file: string }).file, baseline.file]);
    loginPath = {
      group: 'auth (POST /v1/auth/sms/send, /v1/auth/sms/verify)',
      baselineRef: options.baselineRef,
      baseline: {
        bytes: baseline.bytes,
        bytesLoadedAtImport: baseline.bytesLoadedAtImport,
        importMs: before,
      },
      now: {
        bytes: (perFunction.auth as { bytes: number }).bytes,
        bytesLoadedAtImport: (perFunction.auth as { bytesLoadedAtImport: number }).bytesLoadedAtImport,
        importMs: now,
      },
      importRatio: round((now as number) / (before as number), 2),
    };
  }
  return { perFunction, loginPath, files };
}
