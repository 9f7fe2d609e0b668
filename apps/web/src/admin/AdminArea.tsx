import type { Me } from '@custodian/contracts';
import { Link, type Route } from '../router.js';
import { CustomFieldsPage } from './CustomFieldsPage.js';
import { PipelinesPage } from './PipelinesPage.js';
import { UsersPage } from './UsersPage.js';
import { WebhooksPage } from './WebhooksPage.js';
import '../ui/forms.css';
import './admin.css';
import '../marketing/marketing.css';

export type AdminRoute = Extract<
  Route,
  { name: 'admin-users' | 'admin-fields' | 'admin-pipelines' | 'admin-webhooks' }
>;

export const isAdminRoute = (route: Route): route is AdminRoute =>
  route.name === 'admin-users' ||
  route.name === 'admin-fields' ||
  route.name === 'admin-pipelines' ||
  route.name === 'admin-webhooks';

/** Users and roles, custom fields and pipelines, each shown to the roles whose permissions manage it. */
export const mayAdminister = (me: Me): boolean =>
  ['users:read', 'fields:manage', 'pipelines:manage', 'tokens:all', 'webhooks:manage'].some((p) =>
    me.permissions.includes(p as Me['permissions'][number]),
  );

export function AdminArea({ me, route }: { me: Me; route: AdminRoute }) {
  const can = (p: Me['permissions'][number]) => me.permissions.includes(p);
  const current = (name: AdminRoute['name']) => (route.name === name ? 'page' : undefined);
  return (
    <div className="admin-area">
      <nav aria-label="Administration" className="sub-nav">
        {can('users:read') && (
          <Link to="/admin" aria-current={current('admin-users')}>
            Users and roles
          </Link>
        )}
        <Link to="/admin/fields" aria-current={current('admin-fields')}>
          Custom fields
        </Link>
        <Link to="/admin/pipelines" aria-current={current('admin-pipelines')}>
          Pipelines
        </Link>
        {can('webhooks:manage') && (
          <Link to="/admin/webhooks" aria-current={current('admin-webhooks')}>
            Webhooks
          </Link>
        )}
        <Link to="/account">API tokens</Link>
      </nav>
      {route.name === 'admin-users' && <UsersPage me={me} />}
      {route.name === 'admin-fields' && <CustomFieldsPage me={me} />}
      {route.name === 'admin-pipelines' && <PipelinesPage me={me} />}
      {route.name === 'admin-webhooks' && <WebhooksPage me={me} />}
    </div>
  );
}
