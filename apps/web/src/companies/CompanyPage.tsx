import type { Company, Contact, Deal } from '@custodian/contracts';
import { useQuery } from '@tanstack/react-query';
import { Fragment } from 'react';
import { ApiError, api } from '../api.js';
import { Link } from '../router.js';
import { LoadError, Loading } from '../ui/errors.js';
import { contactName, formatDate, formatDateTime, humanize, isRestricted } from '../ui/format.js';
import { formatMoney } from '../ui/money.js';
import { PageHeading } from '../ui/page-heading.js';
import { RelatedList } from '../ui/related-list.js';
import { Restricted, Value } from '../ui/restricted.js';
import './companies.css';

export function CompanyPage({ id }: { id: string }) {
  const company = useQuery({
    queryKey: ['company', id],
    queryFn: () => api<Company>('GET', `/api/v1/companies/${id}`),
  });
  return (
    <article className="company-page">
      <p className="breadcrumb">
        <Link to="/companies">Companies</Link>
      </p>
      {company.isPending ? (
        <>
          <PageHeading title="Company" />
          <Loading what="the company" />
        </>
      ) : company.isError ? (
        <>
          <PageHeading title="Company" />
          {company.error instanceof ApiError && company.error.problem.status === 404 ? (
            <p role="alert">This company does not exist, or you may not see it.</p>
          ) : (
            <LoadError error={company.error} onRetry={() => void company.refetch()} />
          )}
        </>
      ) : (
        <CompanyDetails company={company.data} />
      )}
    </article>
  );
}

function CompanyDetails({ company: c }: { company: Company }) {
  const hidden = new Set(c.restricted);
  return (
    <>
      {/* The title says "Company", never the name: a sole trader's name is a person's. */}
      <PageHeading title="Company">{isRestricted(c.name) ? <Restricted /> : c.name}</PageHeading>
      <p className="subtitle">Added {formatDate(c.createdAt)}</p>
      <div className="company-grid">
        <section aria-labelledby="company-details-title" className="panel">
          <h2 id="company-details-title">Details</h2>
          <dl className="details">
            <dt>Domain</dt>
            <dd>{hidden.has('domain') ? <Restricted /> : <Value value={c.domain} />}</dd>
            <dt>Industry</dt>
            <dd>
              <Value value={c.industry} />
            </dd>
            <dt>Size</dt>
            <dd>{c.size ?? '—'}</dd>
            <dt>City</dt>
            <dd>
              <Value value={c.city} />
            </dd>
            <dt>Country</dt>
            <dd>
              <Value value={c.country} />
            </dd>
            {Object.entries(c.customFields).map(([key, value]) => (
              <Fragment key={key}>
                <dt>{humanize(key)}</dt>
                <dd>
                  <Value
                    value={
                      value === null
                        ? null
                        : typeof value === 'boolean'
                          ? value
                            ? 'Yes'
                            : 'No'
                          : String(value)
                    }
                  />
                </dd>
              </Fragment>
            ))}
            <dt>Changed</dt>
            <dd>{formatDateTime(c.updatedAt)}</dd>
          </dl>
        </section>
        <RelatedList<Contact>
          title="Contacts"
          queryKey={['company', c.id, 'contacts']}
          path="/api/v1/contacts"
          params={{ companyId: c.id }}
          empty="No contacts at this company."
          render={(p) => (
            <>
              <Link to={`/contacts/${p.id}`}>{contactName(p)}</Link>
              {p.jobTitle && (
                <>
                  {' '}
                  · <Value value={p.jobTitle} compact />
                </>
              )}
            </>
          )}
        />
        <RelatedList<Deal>
          title="Deals"
          queryKey={['company', c.id, 'deals']}
          path="/api/v1/deals"
          params={{ companyId: c.id }}
          empty="No deals with this company."
          render={(d) => (
            <>
              <Link to={`/pipelines/${d.pipelineId}`}>{d.title}</Link> · {humanize(d.status)}
              {d.amountMinor !== null && d.currency && <> · {formatMoney(d.amountMinor, d.currency)}</>}
              {d.expectedCloseDate && <> · expected {formatDate(d.expectedCloseDate)}</>}
            </>
          )}
        />
      </div>
    </>
  );
}
