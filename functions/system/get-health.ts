import { httpHandler } from '../core/http-handler';
import { probeTable } from '../store/probe';
import { describeHealth } from './service';

export const handler = httpHandler('getHealth', async (_request, deps) => {
  const health = await describeHealth({
    region: deps.region,
    stage: deps.config.stage,
    version: deps.version,
    keySource: deps.keySource,
    showDetails: deps.config.stage === 'local',
    probeStore: () => probeTable(deps.dynamo, deps.tableName),
  });
  return { status: health.status === 'ok' ? 200 : 503, body: health };
});
