import type { Me } from '@custodian/contracts';
import { PageHeading } from '../ui/page-heading.js';
import { MfaPanel } from './MfaPanel.js';
import { TokensPanel } from './TokensPanel.js';
import './account.css';

/** The signed-in user's own settings: who they are, two-factor sign-in and their API tokens. */
export function AccountPage({ me }: { me: Me }) {
  const mayOwnTokens = me.permissions.includes('tokens:own');
  return (
    <section className="account-page">
      <PageHeading title="Your account" />
      <div className="panel">
        <h2>Profile</h2>
        <dl className="details">
          <dt>Name</dt>
          <dd>{me.user.name}</dd>
          <dt>E-mail</dt>
          <dd>{me.user.email}</dd>
          <dt>Role</dt>
          <dd>{me.user.role}</dd>
        </dl>
      </div>
      <MfaPanel me={me} />
      {mayOwnTokens && <TokensPanel me={me} />}
    </section>
  );
}
