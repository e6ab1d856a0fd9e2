import * as z from 'zod/mini';

/**
 * Bounded building blocks for request and response schemas, in zod's mini API (the same schemas
 * serve validation at run time and the OpenAPI document; the classic API's chainable methods
 * cost each function ~450 KB and ~25 ms of cold start). Every string has a length limit and,
 * where the value has one, a format or pattern; every integer a format and range; every list a
 * size limit. (OWASP API4: unbounded input is a resource-exhaustion risk, and a response that
 * breaks its bounds is our bug, caught before it leaves.)
 */
/** Metadata for the OpenAPI document: a component id, a description, an example. */
export const meta = (info: { id?: string; description?: string; example?: unknown; format?: string }) =>
  z.meta(info);

/** A string of at most `max` characters (at least `min`), optionally matching `pattern`. */
export const text = (max: number, options: { min?: number; pattern?: RegExp } = {}) =>
  z
    .string()
    .check(
      z.maxLength(max),
      ...(options.min !== undefined ? [z.minLength(options.min)] : []),
      ...(options.pattern ? [z.regex(options.pattern)] : []),
    );
/** Our 128-bit ids: 22 base64url characters. */
export const id22 = () => z.string().check(z.length(22), z.regex(/^[\w-]{22}$/));
export const sixDigits = () => z.string().check(z.length(6), z.regex(/^\d{6}$/));
export const isoTime = () => z.iso.datetime().check(z.maxLength(32));
export const isoDate = () => z.iso.date().check(z.maxLength(10));
export const url = (max: number) => z.url().check(z.maxLength(max));
export const int32 = (min = 0, max = 2_147_483_647) =>
  z.int().check(z.minimum(min), z.maximum(max), z.meta({ format: 'int32' }));
export const list = <T extends z.ZodMiniType>(item: T, max: number) => z.array(item).check(z.maxLength(max));
/** A JSON object we pass through without a schema of its own (FHIR resources, the OpenAPI document). */
export const jsonObject = () => z.record(z.string().check(z.maxLength(256)), z.unknown());
/** A masked value for display (`138****8000`, `*三`). */
export const masked = () => z.string().check(z.maxLength(64));
/** A policy version: its publication date. */
export const policyVersion = () => z.string().check(z.maxLength(32), z.regex(/^[\w.-]{1,32}$/));
/** A mainland mobile number in any common spelling (parsed and checked by the use case). */
export const phoneInput = () => z.string().check(z.minLength(11), z.maxLength(24));
/** A JWT or our refresh token: three base64url parts. */
export const threeParts = (max: number) =>
  z.string().check(z.maxLength(max), z.regex(/^[\w-]+\.[\w-]+\.[\w-]+$/));
