import { httpHandler } from '../../core/http-handler';
import { clientInfo } from '../../kernel/client-info';
import { verifyCardProof } from '../card-service';
import { cardsGroupDeps } from '../deps';
import { cardRoutes } from '../routes';

export const handler = httpHandler(cardRoutes.verifyCardProof, cardsGroupDeps, async (request, deps) => ({
  body: {
    card: await verifyCardProof(
      deps.cards,
      request.identity,
      request.params.cardId,
      request.body,
      clientInfo(request),
    ),
  },
}));
