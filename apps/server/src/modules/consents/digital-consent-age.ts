/**
 * The age of digital consent (GDPR Art. 8) by country: below it, consent to an information-society service
 * needs the holder of parental responsibility. Member states chose between 13 and 16; 16 applies where
 * nothing else is known. US: COPPA's 13. Operators override per country with DIGITAL_CONSENT_AGES.
 */
export const defaultDigitalConsentAges: Readonly<Record<string, number>> = {
  ...Object.fromEntries(
    ['BE', 'DK', 'EE', 'FI', 'LV', 'MT', 'PT', 'SE', 'NO', 'IS', 'GB', 'US'].map((c) => [c, 13]),
  ),
  ...Object.fromEntries(['AT', 'BG', 'CY', 'IT', 'LT', 'ES'].map((c) => [c, 14])),
  ...Object.fromEntries(['CZ', 'FR', 'GR', 'SI'].map((c) => [c, 15])),
};

export const fallbackDigitalConsentAge = 16;

/** The age of digital consent for a jurisdiction (`DE`, `US-CA`), with the operator's overrides. */
export function digitalConsentAge(
  overrides: Readonly<Record<string, number>>,
  jurisdiction: string | null | undefined,
): number {
  const country = jurisdiction?.slice(0, 2);
  if (!country) return fallbackDigitalConsentAge;
  return overrides[country] ?? defaultDigitalConsentAges[country] ?? fallbackDigitalConsentAge;
}
