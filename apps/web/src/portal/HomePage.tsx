import { Link } from '../router.js';
import { fill, useI18n } from './i18n/index.js';
import { usePortalHref, usePortalInfo } from './PortalShell.js';
import { GpcBanner, PortalLoadError, PortalLoading } from './states.js';

/** Who the controller is, each right in one line with its form, and what the server made of GPC. */
export function HomePage() {
  const { t } = useI18n();
  const info = usePortalInfo();
  const href = usePortalHref();
  if (info.isPending)
    return (
      <>
        <h1>{t.home.title}</h1>
        <PortalLoading />
      </>
    );
  if (info.isError)
    return (
      <>
        <h1>{t.home.title}</h1>
        <PortalLoadError error={info.error} onRetry={() => void info.refetch()} />
      </>
    );
  const { controller, requestTypes, gpc } = info.data;
  // Every right once: the GDPR ones, then those only California law gives.
  const rights = [
    ...requestTypes.gdpr.map((type) => ({ type, regime: 'gdpr' as const })),
    ...requestTypes.ccpa
      .filter((type) => !requestTypes.gdpr.includes(type))
      .map((type) => ({ type, regime: 'ccpa' as const })),
  ];
  return (
    <>
      <h1>{t.home.title}</h1>
      <p className="lead">{fill(t.home.intro, { controller: controller.name })}</p>
      <GpcBanner text={gpc ? t.gpc.received : t.gpc.notReceived} />
      <section aria-labelledby="rights">
        <h2 id="rights">{t.home.rightsTitle}</h2>
        <ul className="rights">
          {rights.map(({ type, regime }) => (
            <li key={type}>
              <Link
                to={href(`/privacy/request?type=${type}${regime === 'ccpa' ? '&regime=ccpa' : ''}`)}
                className="right-link"
              >
                {t.types[type]}
              </Link>
              <span className="right-help">{t.typeHelp[type]}</span>
            </li>
          ))}
        </ul>
        <p>
          <Link to={href('/privacy/request')} className="button">
            {t.home.start}
          </Link>
        </p>
        <p className="hint">{t.home.preferencesHint}</p>
      </section>
      <footer className="controller-contact">
        <p>
          <strong>{controller.name}</strong>
        </p>
        <p>{fill(t.home.address, { address: controller.address })}</p>
        {controller.email && (
          <p>
            {fill(t.home.contact, { email: '' })}
            <a href={`mailto:${controller.email}`}>{controller.email}</a>
          </p>
        )}
      </footer>
    </>
  );
}
