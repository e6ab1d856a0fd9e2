import { AppError } from '../../core/errors';
import { httpHandler } from '../../core/http-handler';
import { createCard } from '../card-service';
import { cardsGroupDeps } from '../deps';
import { cardRoutes } from '../routes';
import { idempotencyHeader } from '../schema';

/** How each outcome of creation is answered: the route declares all three. */
const STATUS = { registered: 201, pending: 202, replayed: 200 } as const;

export const handler = httpHandler(cardRoutes.createCard, cardsGroupDeps, async (request, deps) => {
  const key = idempotencyHeader.safeParse(request.headers['idempotency-key']);
  if (!key.success) throw new AppError('idempotency_key_required');
  const { outcome, card } = await createCard(deps.cards, request.identity, request.body, key.data);
  return { status: STATUS[outcome], body: { card } };
});
