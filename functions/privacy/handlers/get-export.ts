import { httpHandler } from '../../core/http-handler';
import { exportMyData } from '../export-data';

export const handler = httpHandler('exportMyData', async (request, deps) => ({
  body: await exportMyData(await deps.privacyExport(), request.identity),
  headers: { 'content-disposition': 'attachment; filename="my-data.json"' },
}));
