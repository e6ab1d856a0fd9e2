import { Logger } from '@aws-lambda-powertools/logger';
import { redactingReplacer } from './redact';

/**
 * One structured JSON logger per process. Every line passes through the redacting replacer, so a
 * phone number or ID number that reaches a log call is masked before it is written.
 */
export const logger = new Logger({
  serviceName: 'patient-onboarding',
  jsonReplacerFn: redactingReplacer,
});
