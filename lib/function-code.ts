import { mkdirSync } from 'node:fs';
import { relative } from 'node:path';
import { AssetHashType, DockerImage } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { type BuildOptions, buildSync } from 'esbuild';

/**
 * How every function is bundled (CDK, the bench and the bundle tests share these options): one
 * minified ESM file per function, with the code it loads on demand (the Encryption SDK, KMS,
 * Secrets Manager, SQS, EventBridge) split into chunks beside it, so a cold start parses only
 * what the function needs at import. The pinned AWS SDK is bundled rather than the runtime's
 * copy: one minified file imports faster than the runtime's node_modules tree, and the version is
 * the one the tests ran.
 */
export const bundleOptions = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  minify: true,
  splitting: true,
  sourcemap: true,
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunks/[name]-[hash]',
  mainFields: ['module', 'main'],
  // Some dependencies are CommonJS and call require(); give each ESM file one.
  banner: { js: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);" },
  logLevel: 'warning',
} as const satisfies BuildOptions;

/** Bundles `entry` into `outdir` as `index.mjs` (the handler `index.handler`) and its chunks. */
export function bundleFunction(entry: string, outdir: string, options: BuildOptions = {}) {
  mkdirSync(outdir, { recursive: true });
  return buildSync({ ...bundleOptions, ...options, entryPoints: { index: entry }, outdir });
}

/**
 * The function's code asset: bundled with esbuild in this process (no Docker), hashed by its
 * output so an unchanged bundle is not uploaded again.
 */
export function functionCode(entry: string, projectRoot: string): lambda.Code {
  return lambda.Code.fromAsset(projectRoot, {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Never used: local bundling always succeeds on a machine that can run the CDK app.
      image: DockerImage.fromRegistry('public.ecr.aws/docker/library/node:22'),
      // CDK caches bundles by the JSON of these options, and `local` (a function) drops out of
      // it: without the entry here every function would get the first one's bundle.
      environment: { PO_ENTRY: relative(projectRoot, entry) },
      local: {
        tryBundle(outputDir: string) {
          bundleFunction(entry, outputDir);
          return true;
        },
      },
    },
  });
}
