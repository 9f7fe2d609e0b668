import type { Me } from '@custodian/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { AccountPage } from '../account/AccountPage.js';
import { AdminArea, isAdminRoute, mayAdminister } from '../admin/AdminArea.js';
import { api } from '../api.js';
import { CompaniesPage } from '../companies/CompaniesPage.js';
import { CompanyPage } from '../companies/CompanyPage.js';
import { ContactPage } from '../contacts/ContactPage.js';
import { ContactsPage, type ContactsView, initialContactsView } from '../contacts/ContactsPage.js';
import { NewContactPage } from '../contacts/NewContactPage.js';
import { DealPage } from '../deals/DealPage.js';
import { DealsPage } from '../deals/DealsPage.js';
import { ImportPage, mayExport, mayImport } from '../imports/ImportPage.js';
import {
  isMarketingRoute,
  MarketingArea,
  marketingHome,
  mayUseMarketing,
} from '../marketing/MarketingArea.js';
import { isPrivacyRoute, mayUsePrivacyDesk, PrivacyDesk } from '../privacy/PrivacyDesk.js';
import { Link, matchRoute, navigate, usePathname } from '../router.js';
import { TasksPage } from '../tasks/TasksPage.js';
import { errorText } from '../ui/errors.js';
import { PageHeading } from '../ui/page-heading.js';

/** The signed-in app: header with the user and sign-out, navigation, and the screen of the current path. */
export function Shell({ me }: { me: Me }) {
  const queryClient = useQueryClient();
  const route = matchRoute(usePathname());
  // The list's search and filters live here, in memory only, so they survive opening a contact and
  // coming back — and never reach the address bar or browser storage.
  const [contactsView, setContactsView] = useState<ContactsView>(initialContactsView);
  const signOut = useMutation({
    mutationFn: () => api<void>('POST', '/api/v1/auth/logout'),
    onSuccess: () => {
      queryClient.setQueryData(['me'], null);
      // Drop every cached answer (personal data) with the session; keep only who is signed in (nobody)
      // and whether setup is needed, which the sign-in screen still watches.
      queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== 'me' && q.queryKey[0] !== 'setup' });
    },
  });
  useEffect(() => {
    if (route.name === 'home') navigate('/contacts', { replace: true });
  }, [route.name]);

  const inContacts = route.name === 'contacts' || route.name === 'new-contact' || route.name === 'contact';
  return (
    <>
      <a className="skip-link" href="#content">
        Skip to content
      </a>
      <header className="app-header">
        <span className="brand">Custodian</span>
        <nav aria-label="Main">
          <Link to="/contacts" aria-current={inContacts ? 'page' : undefined}>
            Contacts
          </Link>
          <Link
            to="/companies"
            aria-current={route.name === 'companies' || route.name === 'company' ? 'page' : undefined}
          >
            Companies
          </Link>
          <Link
            to="/deals"
            aria-current={route.name === 'deals' || route.name === 'deal' ? 'page' : undefined}
          >
            Deals
          </Link>
          <Link to="/tasks" aria-current={route.name === 'tasks' ? 'page' : undefined}>
            Tasks
          </Link>
          {(mayImport(me) || mayExport(me)) && (
            <Link to="/imports" aria-current={route.name === 'imports' ? 'page' : undefined}>
              {mayImport(me) ? 'Import' : 'Export'}
            </Link>
          )}
          {mayUseMarketing(me) && (
            <Link to={marketingHome(me)} aria-current={isMarketingRoute(route) ? 'page' : undefined}>
              Marketing
            </Link>
          )}
          {mayUsePrivacyDesk(me) && (
            <Link to="/privacy-desk" aria-current={isPrivacyRoute(route) ? 'page' : undefined}>
              Privacy
            </Link>
          )}
          {mayAdminister(me) && (
            <Link
              to={me.permissions.includes('users:read') ? '/admin' : '/admin/fields'}
              aria-current={isAdminRoute(route) ? 'page' : undefined}
            >
              Admin
            </Link>
          )}
        </nav>
        <div className="account">
          <Link to="/account" aria-current={route.name === 'account' ? 'page' : undefined}>
            Signed in as {me.user.name} ({me.user.role})
          </Link>
          <button type="button" className="secondary" onClick={() => signOut.mutate()}>
            Sign out
          </button>
          {signOut.isError && (
            <span role="alert" className="form-error">
              {errorText(signOut.error)}
            </span>
          )}
        </div>
      </header>
      <main id="content" className="app-main">
        {route.name === 'contacts' && (
          <ContactsPage me={me} view={contactsView} onViewChange={setContactsView} />
        )}
        {route.name === 'new-contact' && <NewContactPage />}
        {route.name === 'contact' && <ContactPage id={route.id} />}
        {route.name === 'companies' && <CompaniesPage />}
        {route.name === 'company' && <CompanyPage id={route.id} />}
        {route.name === 'deals' && <DealsPage me={me} pipelineId={route.pipelineId} />}
        {route.name === 'deal' && <DealPage id={route.id} />}
        {route.name === 'tasks' && <TasksPage />}
        {route.name === 'imports' && <ImportPage me={me} />}
        {route.name === 'account' && <AccountPage me={me} />}
        {isPrivacyRoute(route) && <PrivacyDesk me={me} route={route} />}
        {isAdminRoute(route) && <AdminArea me={me} route={route} />}
        {isMarketingRoute(route) && <MarketingArea me={me} route={route} />}
        {route.name === 'not-found' && (
          <section>
            <PageHeading title="Page not found" />
            <p>
              There is no page at this address. Go to <Link to="/contacts">the contacts</Link>.
            </p>
          </section>
        )}
      </main>
    </>
  );
}
