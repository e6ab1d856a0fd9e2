import { edge, plainTable, platform } from '../platform/deps';

/** Health and the API description (group `system`): the platform, and a read of the table. */
export async function systemDeps() {
  const { config, region, version, keySource } = platform();
  return { edge: edge(), region, stage: config.stage, version, keySource, table: plainTable() };
}
