import { type EndpointContract, getComplianceDashboard, listRequests, type Me } from '@custodian/contracts';
import { Link, type Route } from '../router.js';
import { PageHeading } from '../ui/page-heading.js';
import { DashboardPage } from './DashboardPage.js';
import { RequestPage } from './RequestPage.js';
import { RequestsPage } from './RequestsPage.js';
import './desk.css';

type PrivacyRoute = Extract<Route, { name: 'privacy-dashboard' | 'privacy-requests' | 'privacy-request' }>;

export const isPrivacyRoute = (route: Route): route is PrivacyRoute =>
  route.name === 'privacy-dashboard' || route.name === 'privacy-requests' || route.name === 'privacy-request';

/** Whether the signed-in user may call an endpoint, by the permission its contract requires. */
export function mayCall(me: Me, endpoint: EndpointContract): boolean {
  const { access } = endpoint;
  return access.kind !== 'permission' || me.permissions.includes(access.permission);
}

/** The desk is for whoever may read the dashboard or the requests (as shipped: admin and dpo). */
export const mayUsePrivacyDesk = (me: Me): boolean =>
  mayCall(me, getComplianceDashboard) || mayCall(me, listRequests);

/** The privacy officer's desk: the compliance dashboard, the request queue and one request. */
export function PrivacyDesk({ me, route }: { me: Me; route: PrivacyRoute }) {
  if (!mayUsePrivacyDesk(me))
    return (
      <section>
        <PageHeading title="Privacy desk" />
        <p role="alert">Your role does not give access to the privacy desk.</p>
      </section>
    );
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
      </nav>
      {route.name === 'privacy-dashboard' &&
        (mayCall(me, getComplianceDashboard) ? <DashboardPage /> : <RequestsPage />)}
      {route.name === 'privacy-requests' && <RequestsPage />}
      {route.name === 'privacy-request' && <RequestPage id={route.id} me={me} />}
    </div>
  );
}
