import { httpHandler } from '../../core/http-handler';
import { issueAttestationCode } from '../attestation-codes';
import { attestationCodeGroupDeps } from '../deps';
import { assuranceRoutes } from '../routes';

export const handler = httpHandler(
  assuranceRoutes.issueAttestationCode,
  attestationCodeGroupDeps,
  async (request, deps) => ({
    status: 201 as const,
    body: await issueAttestationCode(deps.codes, request.identity, request.body),
  }),
);
