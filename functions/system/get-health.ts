import { httpHandler } from '../core/http-handler';
import { systemDeps } from './deps';
import { systemRoutes } from './routes';
import { describeHealth } from './service';

export const handler = httpHandler(systemRoutes.getHealth, systemDeps, async (_request, deps) => {
  const health = await describeHealth({
    region: deps.region,
    stage: deps.stage,
    version: deps.version,
    keySource: deps.keySource,
    showDetails: deps.stage === 'local',
    probeStore: () => deps.table.reachable(),
  });
  return { status: health.status === 'ok' ? (200 as const) : (503 as const), body: health };
});
