export type { Assurance, IdentityStore } from './ports';
export { identityStore } from './stores';
export {
  checkPerson,
  countVerificationAttempt,
  identityPairToken,
  outcomeError,
  parseName,
  parsePerson,
} from './verify-identity';
