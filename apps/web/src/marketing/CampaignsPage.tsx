import type { Me } from '@custodian/contracts';
import { Link, navigate } from '../router.js';
import { LoadError, Loading } from '../ui/errors.js';
import { formatDateTime } from '../ui/format.js';
import { PageHeading } from '../ui/page-heading.js';
import { CampaignForm } from './CampaignForm.js';
import { isUnderway, refusedTotal, statusWords } from './campaign-labels.js';
import { useCampaigns } from './use-marketing.js';

/** E-mail campaigns, newest first, with their status and counts; a form drafts a new one. */
export function CampaignsPage({ me }: { me: Me }) {
  const campaigns = useCampaigns();
  const underway = campaigns.data?.items.some(isUnderway) ?? false;
  return (
    <section className="marketing-page" aria-labelledby="campaigns-title">
      <PageHeading title="Campaigns" id="campaigns-title" />
      <p className="subtitle">
        Every recipient is checked at send time for the campaign's purpose; every mail has one-click
        unsubscribe.
      </p>
      {campaigns.isPending ? (
        <Loading what="campaigns" />
      ) : campaigns.isError ? (
        <LoadError error={campaigns.error} onRetry={() => void campaigns.refetch()} />
      ) : campaigns.data.items.length === 0 ? (
        <p className="empty">No campaigns yet.</p>
      ) : (
        <div className="table-wrap">
          <table className="cards-on-phone">
            <caption className="visually-hidden">
              Campaigns{underway ? ', counts refreshing while sending' : ''}
            </caption>
            <thead>
              <tr>
                <th scope="col">Campaign</th>
                <th scope="col">Status</th>
                <th scope="col">Sent</th>
                <th scope="col">Refused</th>
                <th scope="col">Bounced</th>
                <th scope="col">Opened</th>
                <th scope="col">Clicked</th>
                <th scope="col">Created</th>
              </tr>
            </thead>
            <tbody>
              {campaigns.data.items.map((c) => (
                <tr key={c.id}>
                  <th scope="row">
                    <Link to={`/campaigns/${c.id}`}>{c.name}</Link>
                  </th>
                  <td data-label="Status">
                    <span className={`badge campaign-${c.status}`}>{statusWords[c.status]}</span>
                  </td>
                  <td data-label="Sent">{c.counts.sent}</td>
                  <td data-label="Refused">{refusedTotal(c)}</td>
                  <td data-label="Bounced">{c.counts.bounced}</td>
                  <td data-label="Opened">{c.tracking ? c.counts.opened : '—'}</td>
                  <td data-label="Clicked">{c.tracking ? c.counts.clicked : '—'}</td>
                  <td data-label="Created">{formatDateTime(c.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {me.permissions.includes('campaigns:manage') && (
        <CampaignForm onDone={(saved) => saved && navigate(`/campaigns/${saved.id}`)} />
      )}
    </section>
  );
}
