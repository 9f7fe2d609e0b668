import { type PortalInfo, portalLanguages } from '@custodian/contracts';
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Link } from '../router.js';
import { catalogues, useI18n } from './i18n/index.js';
import { portalApi } from './portal-api.js';

/** The portal's information (controller, rights, the GPC signal this visit carried). */
export function usePortalInfo() {
  const { lang } = useI18n();
  return useQuery({
    queryKey: ['portal-info'],
    queryFn: () => portalApi<PortalInfo>('GET', '/api/v1/public/portal', lang),
    staleTime: 60_000,
  });
}

/** A portal link that keeps the language the person chose. */
export function usePortalHref(): (path: string) => string {
  const { lang, chosen } = useI18n();
  return (path) => {
    if (!chosen) return path;
    return `${path}${path.includes('?') ? '&' : '?'}lang=${lang}`;
  };
}

function LanguageSwitcher() {
  const { lang, t, setLang } = useI18n();
  return (
    <nav aria-label={t.lang.switcher} className="languages">
      <ul>
        {portalLanguages.map((l) => (
          <li key={l}>
            <button
              type="button"
              lang={l}
              aria-current={l === lang ? 'true' : undefined}
              className={l === lang ? 'current' : undefined}
              onClick={() => setLang(l)}
            >
              {catalogues[l].lang.name}
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/** A plain page: the controller's name, the language switcher, the content. No staff shell, no sign-in. */
export function PortalShell({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  const info = usePortalInfo();
  const href = usePortalHref();
  return (
    <>
      <a className="skip" href="#content">
        {t.common.skip}
      </a>
      <header className="portal-header">
        <div className="portal-bar">
          <Link to={href('/privacy')} className="portal-name">
            {t.common.portal}
            {info.data && <span className="controller"> · {info.data.controller.name}</span>}
          </Link>
          <LanguageSwitcher />
        </div>
      </header>
      <main id="content" className="portal-main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}
