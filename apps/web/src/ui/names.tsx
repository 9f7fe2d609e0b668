import type { Company, Contact, Deal } from '@custodian/contracts';
import { useQuery } from '@tanstack/react-query';
import { api } from '../api.js';
import { Link } from '../router.js';
import { contactName, isRestricted } from './format.js';
import { Restricted } from './restricted.js';

// Deals and tasks carry ids only; these show the name the API gives for one, as the caller may see it.
// Each id is asked for once and shared with the contact and company pages through the query cache.
const fiveMinutes = 5 * 60_000;

export function ContactName({ id }: { id: string }) {
  const contact = useQuery({
    queryKey: ['contact', id],
    queryFn: () => api<Contact>('GET', `/api/v1/contacts/${id}`),
    staleTime: fiveMinutes,
  });
  if (contact.isPending) return <span className="loading">…</span>;
  if (contact.isError) return <span className="restricted">contact unavailable</span>;
  const name = contactName(contact.data);
  const text = name === 'Name restricted' ? <Restricted compact /> : name;
  return <Link to={`/contacts/${id}`}>{text}</Link>;
}

export function CompanyName({ id }: { id: string }) {
  const company = useQuery({
    queryKey: ['company', id],
    queryFn: () => api<Company>('GET', `/api/v1/companies/${id}`),
    staleTime: fiveMinutes,
  });
  if (company.isPending) return <span className="loading">…</span>;
  if (company.isError) return <span className="restricted">company unavailable</span>;
  const text = isRestricted(company.data.name) ? <Restricted compact /> : company.data.name;
  return <Link to={`/companies/${id}`}>{text}</Link>;
}

export function DealName({ id }: { id: string }) {
  const deal = useQuery({
    queryKey: ['deal', id],
    queryFn: () => api<Deal>('GET', `/api/v1/deals/${id}`),
    staleTime: fiveMinutes,
  });
  if (deal.isPending) return <span className="loading">…</span>;
  if (deal.isError) return <span className="restricted">deal unavailable</span>;
  return <Link to={`/deals/${id}`}>{deal.data.title}</Link>;
}
