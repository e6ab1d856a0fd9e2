import { z } from 'zod';

/**
 * Bounded building blocks for request and response schemas: every string has a length limit and,
 * where the value has one, a format or pattern; every integer a format and range; every list a
 * size limit. (OWASP API4: unbounded input is a resource-exhaustion risk, and a response that
 * breaks its bounds is our bug, caught before it leaves.)
 */
export const text = (max: number) => z.string().max(max);
/** Our 128-bit ids: 22 base64url characters. */
export const id22 = () =>
  z
    .string()
    .length(22)
    .regex(/^[\w-]{22}$/);
export const sixDigits = () =>
  z
    .string()
    .length(6)
    .regex(/^\d{6}$/);
export const isoTime = () => z.iso.datetime().max(32);
export const isoDate = () => z.iso.date().max(10);
export const int32 = (min = 0, max = 2_147_483_647) =>
  z.number().int().min(min).max(max).meta({ format: 'int32' });
export const list = <T extends z.ZodType>(item: T, max: number) => z.array(item).max(max);
/** A JSON object we pass through without a schema of its own (FHIR resources, the OpenAPI document). */
export const jsonObject = () => z.record(z.string().max(256), z.unknown());
/** A masked value for display (`138****8000`, `*三`). */
export const masked = () => z.string().max(64);
/** A policy version: its publication date. */
export const policyVersion = () =>
  z
    .string()
    .max(32)
    .regex(/^[\w.-]{1,32}$/);
