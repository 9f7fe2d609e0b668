import { useEffect } from 'react';
import { usePathname } from '../router.js';
import { ConfirmPage } from './ConfirmPage.js';
import { HomePage } from './HomePage.js';
import { useI18n } from './i18n/index.js';
import { PortalShell } from './PortalShell.js';
import { PreferencesPage } from './PreferencesPage.js';
import { RequestPage } from './RequestPage.js';
import { matchPortalRoute } from './routes.js';
import { StatusPage } from './StatusPage.js';
import { VerifyPage } from './VerifyPage.js';

/** The public privacy portal: one page per address under /privacy. */
export function Portal() {
  const { t } = useI18n();
  const route = matchPortalRoute(usePathname());
  // Each page names itself; the window title follows it.
  const titles = {
    home: t.home.title,
    request: t.request.title,
    verify: t.verify.title,
    status: t.status.title,
    preferences: t.preferences.title,
    confirm: t.confirm.title,
    'not-found': t.notFound.title,
  } as const;
  const title = titles[route.name];
  useEffect(() => {
    document.title = `${title} – ${t.common.portal}`;
  }, [title, t]);
  let page: React.ReactNode;
  switch (route.name) {
    case 'home':
      page = <HomePage />;
      break;
    case 'request':
      page = <RequestPage />;
      break;
    case 'verify':
      page = <VerifyPage id={route.id} />;
      break;
    case 'status':
      page = <StatusPage id={route.id} />;
      break;
    case 'preferences':
      page = <PreferencesPage />;
      break;
    case 'confirm':
      page = <ConfirmPage />;
      break;
    default:
      page = (
        <>
          <h1>{t.notFound.title}</h1>
          <p>{t.notFound.text}</p>
        </>
      );
  }
  return <PortalShell>{page}</PortalShell>;
}
