export type { EvidenceBody, EvidenceEntry, EvidenceInputs, IncidentSummary } from './evidence';
export { bundleMac, bundleMacMatches, evidenceBundle, evidenceMarkdown } from './evidence';
