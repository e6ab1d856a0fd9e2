import type { Assurance } from '../identity';

/**
 * The assurance levels as `acr` values (OpenID Connect Core 2): a phone number only; 实名 (name
 * and ID number checked, two elements); 实人 (also a face check or a hospital counter).
 */
export const acrValues = {
  none: 'urn:patient-onboarding:acr:phone',
  two_element: 'urn:patient-onboarding:acr:two-element',
  real_person: 'urn:patient-onboarding:acr:real-person',
} as const;

export type AssuranceLevel = Assurance['level'];
const order: readonly AssuranceLevel[] = ['none', 'two_element', 'real_person'];

export const acrOf = (level: AssuranceLevel): string => acrValues[level];

/**
 * The level an `acr_values` request asks for: any of the listed values satisfies it, so the lowest
 * known one; values we do not know are ignored (the parameter is voluntary), none known: none.
 */
export function requestedLevel(acrValuesParameter: string | undefined): AssuranceLevel | undefined {
  const asked = (acrValuesParameter ?? '').split(' ').filter(Boolean);
  return order.find((level) => asked.includes(acrValues[level]));
}

export function meets(held: AssuranceLevel, required: AssuranceLevel | undefined): boolean {
  return required === undefined || order.indexOf(held) >= order.indexOf(required);
}

/** What the person does next to reach a level: verify their real name, then the face check. */
export function stepUpFor(held: AssuranceLevel): 'real_name' | 'real_person' {
  return held === 'none' ? 'real_name' : 'real_person';
}
