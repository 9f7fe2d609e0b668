import { type AnchorHTMLAttributes, type MouseEvent, useSyncExternalStore } from 'react';

// A minimal history router: the app has a handful of screens whose paths carry ids only, so a
// pathname and a matcher are enough. Search text and filters never go into the address.
const listeners = new Set<() => void>();
const notify = () => {
  for (const listener of listeners) listener();
};
window.addEventListener('popstate', notify);

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function usePathname(): string {
  return useSyncExternalStore(subscribe, () => window.location.pathname);
}

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (options.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  notify();
}

type LinkProps = AnchorHTMLAttributes<HTMLAnchorElement> & { to: string };

/** An ordinary link (open in a new tab works) that navigates in place on a plain click. */
export function Link({ to, onClick, ...rest }: LinkProps) {
  const click = (e: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(to);
  };
  return <a href={to} onClick={click} {...rest} />;
}

export type Route =
  | { name: 'contacts' }
  | { name: 'new-contact' }
  | { name: 'contact'; id: string }
  | { name: 'deals'; pipelineId?: string }
  | { name: 'deal'; id: string }
  | { name: 'companies' }
  | { name: 'company'; id: string }
  | { name: 'tasks' }
  | { name: 'imports' }
  | { name: 'privacy-dashboard' }
  | { name: 'privacy-requests' }
  | { name: 'privacy-request'; id: string }
  | { name: 'privacy-desk-page'; page: DeskPage; id?: string }
  | { name: 'account' }
  | { name: 'admin-users' }
  | { name: 'admin-fields' }
  | { name: 'admin-pipelines' }
  | { name: 'admin-webhooks' }
  | { name: 'segments' }
  | { name: 'campaigns' }
  | { name: 'campaign'; id: string }
  | { name: 'scoring' }
  | { name: 'home' }
  | { name: 'not-found' };

/** The desk's screens beyond the dashboard and requests: `/privacy-desk/<page>` and `/privacy-desk/<page>/<id>`. */
export const deskPages = [
  'consents',
  'retention',
  'breaches',
  'processors',
  'records',
  'dpias',
  'scanner',
  'audit',
] as const;
export type DeskPage = (typeof deskPages)[number];
const deskPagesWithIds: readonly DeskPage[] = ['consents', 'breaches'];

const uuid = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

export function matchRoute(pathname: string): Route {
  const path = pathname.replace(/\/+$/, '') || '/';
  if (path === '/' || path === '/setup') return { name: 'home' };
  if (path === '/contacts') return { name: 'contacts' };
  if (path === '/contacts/new') return { name: 'new-contact' };
  const contact = new RegExp(`^/contacts/(${uuid})$`, 'i').exec(path);
  if (contact) return { name: 'contact', id: contact[1]!.toLowerCase() };
  if (path === '/deals') return { name: 'deals' };
  const deal = new RegExp(`^/deals/(${uuid})$`, 'i').exec(path);
  if (deal) return { name: 'deal', id: deal[1]!.toLowerCase() };
  const pipeline = new RegExp(`^/pipelines/(${uuid})$`, 'i').exec(path);
  if (pipeline) return { name: 'deals', pipelineId: pipeline[1]!.toLowerCase() };
  if (path === '/companies') return { name: 'companies' };
  const company = new RegExp(`^/companies/(${uuid})$`, 'i').exec(path);
  if (company) return { name: 'company', id: company[1]!.toLowerCase() };
  if (path === '/tasks') return { name: 'tasks' };
  if (path === '/imports') return { name: 'imports' };
  if (path === '/account') return { name: 'account' };
  if (path === '/admin') return { name: 'admin-users' };
  if (path === '/admin/fields') return { name: 'admin-fields' };
  if (path === '/admin/pipelines') return { name: 'admin-pipelines' };
  if (path === '/admin/webhooks') return { name: 'admin-webhooks' };
  // Marketing: segments, e-mail campaigns and lead scoring.
  if (path === '/segments') return { name: 'segments' };
  if (path === '/campaigns') return { name: 'campaigns' };
  const campaign = new RegExp(`^/campaigns/(${uuid})$`, 'i').exec(path);
  if (campaign) return { name: 'campaign', id: campaign[1]!.toLowerCase() };
  if (path === '/scoring') return { name: 'scoring' };
  // The privacy officer's desk. Not under /privacy: receipts and mails send data subjects there (their portal).
  if (path === '/privacy-desk') return { name: 'privacy-dashboard' };
  if (path === '/privacy-desk/requests') return { name: 'privacy-requests' };
  const request = new RegExp(`^/privacy-desk/requests/(${uuid})$`, 'i').exec(path);
  if (request) return { name: 'privacy-request', id: request[1]!.toLowerCase() };
  const desk = new RegExp(`^/privacy-desk/([a-z]+)(?:/(${uuid}))?$`, 'i').exec(path);
  const page = deskPages.find((p) => p === desk?.[1]);
  if (desk && page && (!desk[2] || deskPagesWithIds.includes(page)))
    return desk[2]
      ? { name: 'privacy-desk-page', page, id: desk[2].toLowerCase() }
      : { name: 'privacy-desk-page', page };
  return { name: 'not-found' };
}
