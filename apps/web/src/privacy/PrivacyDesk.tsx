import {
  type EndpointContract,
  getComplianceDashboard,
  getRecordsOfProcessing,
  listAudit,
  listBreaches,
  listContacts,
  listDpias,
  listFindings,
  listRecipients,
  listRequests,
  listRetentionPolicies,
  type Me,
} from '@custodian/contracts';
import { type DeskPage, Link, type Route } from '../router.js';
import { PageHeading } from '../ui/page-heading.js';
import { AuditPage } from './AuditPage.js';
import { BreachesPage, BreachPage } from './BreachesPage.js';
import { ConsentLedgerPage, ConsentLedgerSearchPage } from './ConsentLedgerPage.js';
import { DashboardPage } from './DashboardPage.js';
import { DpiasPage } from './DpiasPage.js';
import { ProcessorsPage } from './ProcessorsPage.js';
import { RecordsPage } from './RecordsPage.js';
import { RequestPage } from './RequestPage.js';
import { RequestsPage } from './RequestsPage.js';
import { RetentionPage } from './RetentionPage.js';
import { ScannerPage } from './ScannerPage.js';
import './desk.css';

type PrivacyRoute = Extract<
  Route,
  { name: 'privacy-dashboard' | 'privacy-requests' | 'privacy-request' | 'privacy-desk-page' }
>;

export const isPrivacyRoute = (route: Route): route is PrivacyRoute =>
  route.name === 'privacy-dashboard' ||
  route.name === 'privacy-requests' ||
  route.name === 'privacy-request' ||
  route.name === 'privacy-desk-page';

/** Whether the signed-in user may call an endpoint, by the permission its contract requires. */
export function mayCall(me: Me, endpoint: EndpointContract): boolean {
  const { access } = endpoint;
  return access.kind !== 'permission' || me.permissions.includes(access.permission);
}

/** The desk is for whoever may read the dashboard or the requests (as shipped: admin and dpo). */
export const mayUsePrivacyDesk = (me: Me): boolean =>
  mayCall(me, getComplianceDashboard) || mayCall(me, listRequests);

/** The desk's further screens, each shown to whoever may call the endpoint it reads first. */
const deskScreens: { page: DeskPage; label: string; endpoint: EndpointContract }[] = [
  { page: 'consents', label: 'Consent ledger', endpoint: listContacts },
  { page: 'retention', label: 'Retention', endpoint: listRetentionPolicies },
  { page: 'breaches', label: 'Breaches', endpoint: listBreaches },
  { page: 'processors', label: 'Processors', endpoint: listRecipients },
  { page: 'records', label: 'Records of processing', endpoint: getRecordsOfProcessing },
  { page: 'dpias', label: 'DPIAs', endpoint: listDpias },
  { page: 'scanner', label: 'Scanner', endpoint: listFindings },
  { page: 'audit', label: 'Audit trail', endpoint: listAudit },
];

function DeskScreen({ page, id, me }: { page: DeskPage; id: string | undefined; me: Me }) {
  switch (page) {
    case 'consents':
      return id ? <ConsentLedgerPage contactId={id} /> : <ConsentLedgerSearchPage />;
    case 'retention':
      return <RetentionPage me={me} />;
    case 'breaches':
      return id ? <BreachPage id={id} /> : <BreachesPage />;
    case 'processors':
      return <ProcessorsPage me={me} />;
    case 'records':
      return <RecordsPage />;
    case 'dpias':
      return <DpiasPage />;
    case 'scanner':
      return <ScannerPage me={me} />;
    case 'audit':
      return <AuditPage />;
  }
}

/** The privacy officer's desk: the compliance dashboard, the request queue and one request, and the registers. */
export function PrivacyDesk({ me, route }: { me: Me; route: PrivacyRoute }) {
  if (!mayUsePrivacyDesk(me))
    return (
      <section>
        <PageHeading title="Privacy desk" />
        <p role="alert">Your role does not give access to the privacy desk.</p>
      </section>
    );
  const current = route.name === 'privacy-desk-page' ? route.page : null;
  const screen = current ? deskScreens.find((s) => s.page === current) : undefined;
  return (
    <div className="privacy-desk">
      <nav aria-label="Privacy desk" className="subnav">
        {mayCall(me, getComplianceDashboard) && (
          <Link to="/privacy-desk" aria-current={route.name === 'privacy-dashboard' ? 'page' : undefined}>
            Dashboard
          </Link>
        )}
        {mayCall(me, listRequests) && (
          <Link
            to="/privacy-desk/requests"
            aria-current={route.name === 'privacy-requests' ? 'page' : undefined}
          >
            Requests
          </Link>
        )}
        {deskScreens
          .filter((s) => mayCall(me, s.endpoint))
          .map((s) => (
            <Link
              key={s.page}
              to={`/privacy-desk/${s.page}`}
              aria-current={current === s.page ? 'page' : undefined}
            >
              {s.label}
            </Link>
          ))}
      </nav>
      {route.name === 'privacy-dashboard' &&
        (mayCall(me, getComplianceDashboard) ? <DashboardPage /> : <RequestsPage />)}
      {route.name === 'privacy-requests' && <RequestsPage />}
      {route.name === 'privacy-request' && <RequestPage id={route.id} me={me} />}
      {route.name === 'privacy-desk-page' &&
        (screen && mayCall(me, screen.endpoint) ? (
          <DeskScreen page={route.page} id={route.id} me={me} />
        ) : (
          <section>
            <PageHeading title="Privacy desk" />
            <p role="alert">Your role does not give access to this part of the privacy desk.</p>
          </section>
        ))}
    </div>
  );
}
