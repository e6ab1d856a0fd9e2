import { httpHandler } from '../../core/http-handler';
import { exportDeps } from '../deps';
import { exportMyData } from '../export-data';
import { privacyRoutes } from '../routes';

export const handler = httpHandler(privacyRoutes.exportMyData, exportDeps, async (request, deps) => ({
  body: await exportMyData(deps.privacyExport, request.identity),
  headers: { 'content-disposition': 'attachment; filename="my-data.json"' },
}));
