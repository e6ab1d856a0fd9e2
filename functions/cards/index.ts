export { cardDetail, hisPatientToken, proveBinding, releaseCard } from './card-service';
export type { RelationshipCode } from './codes';
export { idTypes, insuranceTypes, relationships } from './codes';
export { listHospitalEvents } from './event-feed';
export type { CardRecord, CardStore, CardsDeps } from './ports';
export { cardStore, eventFeed } from './stores';
