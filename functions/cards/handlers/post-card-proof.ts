import { httpHandler } from '../../core/http-handler';
import { clientInfo } from '../../kernel/client-info';
import { sendCardProof } from '../card-service';
import { cardsGroupDeps } from '../deps';
import { cardRoutes } from '../routes';

export const handler = httpHandler(cardRoutes.sendCardProof, cardsGroupDeps, async (request, deps) => ({
  status: 202 as const,
  body: await sendCardProof(deps.cards, request.identity, request.params.cardId, {
    ...clientInfo(request),
    captchaTicket: request.body.captchaTicket,
  }),
}));
