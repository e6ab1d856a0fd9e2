import { AppError } from '../../core/errors';
import { httpHandler } from '../../core/http-handler';
import { createCard } from '../card-service';
import { idempotencyHeader } from '../schema';

export const handler = httpHandler('createCard', async (request, deps) => {
  const key = idempotencyHeader.safeParse(request.headers['idempotency-key']);
  if (!key.success) throw new AppError('idempotency_key_required');
  const { status, card } = await createCard(await deps.cards(), request.identity, request.body, key.data);
  return { status, body: { card } };
});
