import type { PortalLanguage } from '@custodian/contracts';

export const formatDay = (iso: string, lang: PortalLanguage): string =>
  new Intl.DateTimeFormat(lang, { dateStyle: 'long' }).format(new Date(iso));

export const formatMoment = (iso: string, lang: PortalLanguage): string =>
  new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
