import { separatePurposes } from '../../core/config';
import { httpHandler } from '../../core/http-handler';
import { currentPolicy } from '../consents';

export const handler = httpHandler('currentPolicy', async (_request, deps) => ({
  body: {
    ...currentPolicy(deps.config.privacy),
    purposes: [...currentPolicy(deps.config.privacy).purposes],
    separatePurposes: [...separatePurposes],
  },
  headers: { 'cache-control': 'public, max-age=300' },
}));
