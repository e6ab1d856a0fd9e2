export type { AttestationCodeStore } from './attestation-codes';
export { attestationCodeToken } from './attestation-codes';
export type { LivenessCheck, LivenessStore } from './liveness-ports';
export { attestationCodeStore, livenessStore } from './stores';
