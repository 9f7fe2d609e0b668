const uuid = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

export type PortalRoute =
  | { name: 'home' }
  | { name: 'request' }
  | { name: 'verify'; id: string }
  | { name: 'status'; id: string }
  | { name: 'preferences' }
  | { name: 'confirm' }
  | { name: 'not-found' };

/** The portal's pages; their addresses carry ids and signed tokens only, never what a person typed. */
export function matchPortalRoute(pathname: string): PortalRoute {
  const path = pathname.replace(/\/+$/, '') || '/';
  if (path === '/privacy') return { name: 'home' };
  if (path === '/privacy/request') return { name: 'request' };
  if (path === '/privacy/preferences') return { name: 'preferences' };
  if (path === '/privacy/confirm') return { name: 'confirm' };
  const verify = new RegExp(`^/privacy/requests/(${uuid})/verify$`, 'i').exec(path);
  if (verify) return { name: 'verify', id: verify[1]!.toLowerCase() };
  const status = new RegExp(`^/privacy/requests/(${uuid})$`, 'i').exec(path);
  if (status) return { name: 'status', id: status[1]!.toLowerCase() };
  return { name: 'not-found' };
}

/** One query value of the current address. */
export const searchParam = (name: string): string | null =>
  new URLSearchParams(window.location.search).get(name);
