import { type PortalLanguage, portalLanguages } from '@custodian/contracts';
import { createContext, type ReactNode, useContext, useEffect, useState } from 'react';
import { de } from './de.js';
import { en, type Messages } from './en.js';
import { fr } from './fr.js';

export type { Messages };
export const catalogues: Record<PortalLanguage, Messages> = { en, de, fr };

const isLanguage = (value: string | null | undefined): value is PortalLanguage =>
  (portalLanguages as readonly string[]).includes(value ?? '');

/** `?lang=` when the address names one, else the first of the browser's languages the portal speaks. */
export function detectLanguage(search: string, browser: readonly string[]): PortalLanguage {
  const asked = new URLSearchParams(search).get('lang');
  if (isLanguage(asked)) return asked;
  for (const tag of browser) {
    const base = tag.toLowerCase().split('-')[0];
    if (isLanguage(base)) return base;
  }
  return 'en';
}

/** `Hello {name}` with `{ name: 'Ann' }` → `Hello Ann`. */
export const fill = (text: string, values: Record<string, string>): string =>
  text.replace(/\{(\w+)\}/g, (whole, key: string) => values[key] ?? whole);

interface I18n {
  lang: PortalLanguage;
  t: Messages;
  /** Whether the person chose the language here (it then travels in `?lang=` on the portal's links). */
  chosen: boolean;
  setLang(lang: PortalLanguage): void;
}

const I18nContext = createContext<I18n | null>(null);

export function I18nProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState(() => ({
    lang: detectLanguage(window.location.search, navigator.languages ?? [navigator.language]),
    chosen: new URLSearchParams(window.location.search).has('lang'),
  }));
  useEffect(() => {
    document.documentElement.lang = state.lang;
  }, [state.lang]);
  const setLang = (lang: PortalLanguage) => {
    // The choice goes into the address (no storage), so a reload or a shared link keeps it.
    const url = new URL(window.location.href);
    url.searchParams.set('lang', lang);
    window.history.replaceState(window.history.state, '', url);
    setState({ lang, chosen: true });
  };
  return (
    <I18nContext.Provider value={{ ...state, t: catalogues[state.lang], setLang }}>
      {children}
    </I18nContext.Provider>
  );
}

export function useI18n(): I18n {
  const i18n = useContext(I18nContext);
  if (!i18n) throw new Error('useI18n outside I18nProvider');
  return i18n;
}
