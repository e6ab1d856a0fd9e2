import { startLocalRuntime } from './local/runtime';
import { buildWebClient, webOutDir } from './local/web-build';

/**
 * `npm start`: the whole API on 127.0.0.1 with DynamoDB Local (persisted under .data/), a local
 * key file in place of KMS, and the real handlers. One line says where it listens.
 */
const started = performance.now();
const port = Number(process.env.PORT ?? 3000);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be a port number, got "${process.env.PORT}"`);
  process.exit(2);
}

try {
  // The reference web client is built each start, so `/` always matches web/; the API does not
  // wait for it (pages answer 404 for the second or so the build takes).
  const web = buildWebClient();
  const runtime = await startLocalRuntime({
    port,
    dataDir: process.env.DATA_DIR ?? '.data',
    printEvents: true,
    webDir: webOutDir,
  });
  await web;
  const ms = Math.round(performance.now() - started);
  process.stdout.write(
    `patient-onboarding listening on ${runtime.url} (web client at ${runtime.url}/, DynamoDB Local ${runtime.dynamoEndpoint}, table ${runtime.tableName}, keys local, ready in ${ms} ms)\n`,
  );
  const shutdown = () => {
    runtime.stop().finally(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
