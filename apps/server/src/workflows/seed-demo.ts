import {
  type Activity,
  type Company,
  type Contact,
  type CreateContactInput,
  companySizes,
  createActivityBody,
  createCompanyBody,
  createContactBody,
  createDealBody,
  createTaskBody,
  listContactsQuery,
  type Pipeline,
  type Task,
} from '@custodian/contracts';
import { base, de, en, en_GB, en_US, Faker, fr, type LocaleDefinition } from '@faker-js/faker';
import { createActivity } from '../modules/activities/index.js';
import { createCompany } from '../modules/companies/index.js';
import { type ContactDeps, createContact, findContacts } from '../modules/contacts/index.js';
import { createDeal, findPipelines } from '../modules/deals/index.js';
import { createTask } from '../modules/tasks/index.js';
import { findUsers } from '../modules/users/index.js';
import { type RequestContext, systemContext } from '../platform/access.js';
import { normalisePhone } from '../platform/crypto/blind-index.js';
import { transaction } from '../platform/db/database.js';
import { AppError } from '../platform/http/errors.js';

/** The most contacts one demo seeds: beyond it, use an import. */
export const demoContactLimit = 10_000;

export interface DemoSummary {
  seed: number;
  contacts: number;
  companies: number;
  deals: number;
  activities: number;
  tasks: number;
}

type ActivityType = Activity['type'];
type TaskStatus = Task['status'];
type Country = 'DE' | 'FR' | 'GB' | 'US';
const countries: { weight: number; value: Country }[] = [
  { weight: 35, value: 'DE' },
  { weight: 20, value: 'FR' },
  { weight: 20, value: 'GB' },
  { weight: 25, value: 'US' },
];
const localesOf: Record<Country, LocaleDefinition[]> = {
  DE: [de, en, base],
  FR: [fr, en, base],
  GB: [en_GB, en, base],
  US: [en_US, en, base],
};
const currencyOf: Record<Country, string> = { DE: 'EUR', FR: 'EUR', GB: 'GBP', US: 'USD' };
// Reserved names (RFC 2606): no demo e-mail can ever reach a real person.
const exampleDomains = ['example.com', 'example.org', 'example.net'];
const industries = ['Software', 'Manufacturing', 'Retail', 'Logistics', 'Healthcare', 'Finance', 'Media'];
const demoTags = ['vip', 'newsletter', 'partner', 'event-2026'];
const products = [
  'Annual licence',
  'Pilot project',
  'Support renewal',
  'Team expansion',
  'Onboarding package',
];

const activityTexts: Record<ActivityType, [subject: string, body: string][]> = {
  note: [
    ['Met at the trade fair', '{first} stopped by our stand and asked about the {product}. Send material.'],
    ['Budget update', '{company} confirmed a budget for the {product} next quarter.'],
    ['Buying process', 'Procurement at {company} joins from the next step; {first} {last} decides.'],
  ],
  call: [
    ['Intro call', 'First call with {first}. Interested in the {product}; wants a demo for the team.'],
    ['Follow-up call', 'Went through the open questions with {first}. Next step: proposal by Friday.'],
    ['Pricing questions', '{first} asked about volume discounts for the {product}.'],
  ],
  meeting: [
    [
      'Product demo',
      'Demo for {company} with {first} and two colleagues. Good reception; migration is a worry.',
    ],
    ['Quarterly business review', 'Reviewed usage and support tickets with {first}. Renewal looks likely.'],
    ['Contract negotiation', 'Went through the terms of the {product} with {first}; legal review pending.'],
  ],
  email: [
    [
      'Proposal: {product}',
      'Hi {first},\n\nplease find attached our proposal for the {product}.\n\nBest regards',
    ],
    ['Re: next steps', 'Thanks {first}, Tuesday works for us. I will send an invitation.'],
    ['Meeting notes', 'Hi {first},\n\nhere is a short summary of what we agreed today.'],
  ],
};
const personTaskTitles = [
  'Call {first} back',
  'Follow up with {first} {last}',
  'Send meeting notes to {first}',
];
const employeeTaskTitles = [...personTaskTitles, 'Send proposal to {company}', 'Prepare demo for {company}'];
const companyTaskTitles = ['Check renewal with {company}', 'Plan account review for {company}'];

const minute = 60_000;
const day = 24 * 60 * minute;
const isoDate = (d: Date) => d.toISOString().slice(0, 10);
const fill = (template: string, vars: Record<string, string>) =>
  template.replace(/\{(\w+)\}/g, (_, key: string) => vars[key] ?? '');

/** Lower-case ASCII words joined by hyphens, for domains and e-mail local parts. */
function slug(text: string, fallback: string): string {
  const s = text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, 40)
    .replace(/^-+|-+$/g, '');
  return s || fallback;
}

/** `wanted`, or the first of `variant(2)`, `variant(3)`, … not taken yet; marks it taken. */
function unique(taken: Set<string>, wanted: string, variant: (n: number) => string): string {
  let value = wanted;
  for (let n = 2; taken.has(value); n++) value = variant(n);
  taken.add(value);
  return value;
}

// The plan refers to records by position: their ids exist only once written.
interface PlannedCompany {
  name: string;
  domain: string;
  country: Country;
  city: string;
  industry: string;
  size: NonNullable<Company['size']>;
  owner: number;
}
interface PlannedContact {
  input: CreateContactInput;
  first: string;
  last: string;
  company: number | null;
  owner: number;
  minor: boolean;
}
interface PlannedDeal {
  title: string;
  product: string;
  amountMinor: number;
  currency: string;
  expectedCloseDate: string;
  stage: { kind: 'open' | 'won' | 'lost'; slot: number };
  company: number | null;
  contacts: number[];
  owner: number;
}
interface PlannedActivity {
  type: ActivityType;
  subject: string;
  body: string;
  occurredAt: string;
  durationMinutes: number | null;
  direction: 'inbound' | 'outbound' | null;
  contacts: number[];
  company: number | null;
  deal: number | null;
}
interface PlannedTask {
  title: string;
  dueAt: string;
  status: TaskStatus;
  contact: number | null;
  company: number | null;
  deal: number | null;
  owner: number;
}
interface Plan {
  companies: PlannedCompany[];
  contacts: PlannedContact[];
  deals: PlannedDeal[];
  activities: PlannedActivity[];
  tasks: PlannedTask[];
}

/**
 * The whole demo, drawn from the seed alone: the same seed and size give the same people, e-mails and
 * counts on any day. `now` only shifts dates (every date is an offset drawn from the seed), and staff and
 * stages are chosen later by "slot" numbers, so neither changes what is drawn.
 */
function planDemo(seed: number, size: number, now: Date): Plan {
  const rnd = new Faker({ locale: [en, base] });
  rnd.seed([seed, 0]);
  const people = {} as Record<Country, Faker>;
  countries.forEach(({ value }, i) => {
    people[value] = new Faker({ locale: localesOf[value] });
    people[value].seed([seed, i + 1]);
  });
  const int = (min: number, max: number) => rnd.number.int({ min, max });
  const chance = (probability: number) => rnd.datatype.boolean({ probability });
  const slot = () => int(0, 9999);
  const one = <T>(list: readonly T[]) => rnd.helpers.arrayElement(list);
  const workTime = (daysFromNow: number, minuteOfDay: number) => {
    const at = new Date(now.getTime() + daysFromNow * day);
    at.setUTCHours(0, minuteOfDay, 0, 0);
    return at;
  };

  const domains = new Set<string>();
  const companies: PlannedCompany[] = [];
  for (let i = 0; i < Math.max(1, Math.round((size * 40) / 300)); i++) {
    const country = rnd.helpers.weightedArrayElement(countries);
    const name = people[country].company.name();
    const wanted = slug(name, 'company');
    companies.push({
      name,
      domain: `${unique(domains, wanted, (n) => `${wanted}-${n}`)}.example`,
      country,
      city: people[country].location.city(),
      industry: one(industries),
      size: one(companySizes),
      owner: slot(),
    });
  }

  const emails = new Set<string>();
  const email = (local: string, domain: string) =>
    unique(emails, `${local}@${domain}`, (n) => `${local}${n}@${domain}`);
  const contacts: PlannedContact[] = [];
  const members: number[][] = companies.map(() => []);
  for (let i = 0; i < size; i++) {
    // A few children (under 16, GDPR Art. 8), so the flag and its masking show.
    const minor = i % 50 === 7;
    const inCompany = chance(0.85);
    const companyPick = int(0, companies.length - 1);
    const company = minor || !inCompany ? null : companyPick;
    const country =
      company !== null ? companies[company]!.country : rnd.helpers.weightedArrayElement(countries);
    const f = people[country];
    const first = f.person.firstName();
    const last = f.person.lastName();
    const local = `${slug(first, 'contact')}.${slug(last, 'demo')}`;
    const entries = [
      company !== null
        ? { value: email(local, companies[company]!.domain), label: 'work' }
        : { value: email(local, one(exampleDomains)), label: 'personal' },
    ];
    if (chance(0.3))
      entries.push({
        value: email(`${slug(first, 'contact')}${int(1, 99)}`, one(exampleDomains.slice(1))),
        label: 'personal',
      });
    const phones = [];
    if (chance(0.8)) {
      const e164 = normalisePhone(f.phone.number({ style: 'international' }));
      if (e164) phones.push({ value: e164, label: chance(0.5) ? 'mobile' : 'work' });
    }
    const addresses = chance(0.4)
      ? [
          {
            label: company !== null ? 'work' : 'home',
            street: f.location.streetAddress(),
            city: f.location.city(),
            postalCode: f.location.zipCode(),
            ...(country === 'US' ? { region: f.location.state({ abbreviated: true }) } : {}),
            country,
          },
        ]
      : [];
    const bornYearsAgo = minor ? int(10, 14) : chance(0.3) ? int(19, 75) : null;
    const dateOfBirth =
      bornYearsAgo === null
        ? null
        : isoDate(new Date(now.getTime() - (bornYearsAgo * 365.25 + int(0, 300)) * day));
    const ownSlot = slot();
    contacts.push({
      first,
      last,
      company,
      minor,
      owner: company !== null ? companies[company]!.owner : ownSlot,
      input: {
        firstName: first,
        lastName: last,
        emails: entries,
        phones,
        addresses,
        jobTitle: !minor && chance(0.85) ? f.person.jobTitle() : null,
        dateOfBirth,
        lifecycleStage: minor
          ? 'lead'
          : rnd.helpers.weightedArrayElement<Contact['lifecycleStage']>([
              { weight: 35, value: 'lead' },
              { weight: 25, value: 'prospect' },
              { weight: 30, value: 'customer' },
              { weight: 10, value: 'former' },
            ]),
        source: minor
          ? 'event'
          : rnd.helpers.weightedArrayElement<Contact['source']>([
              { weight: 30, value: 'manual' },
              { weight: 20, value: 'import' },
              { weight: 20, value: 'web_form' },
              { weight: 15, value: 'referral' },
              { weight: 10, value: 'event' },
              { weight: 5, value: 'other' },
            ]),
        tags: !minor && chance(0.5) ? rnd.helpers.arrayElements(demoTags, { min: 1, max: 2 }) : [],
      },
    });
    if (company !== null) members[company]!.push(i);
  }

  // Children are in the CRM, but no deal, call or task is about them.
  const adults = contacts.flatMap((c, i) => (c.minor ? [] : [i]));
  const employed = contacts.flatMap((c, i) => (c.company !== null ? [i] : []));
  const colleaguesOf = (i: number) => {
    const company = contacts[i]!.company;
    return company === null ? [] : members[company]!.filter((j) => j !== i);
  };
  const nameVars = (i: number) => {
    const c = contacts[i]!;
    const company = c.company === null ? null : companies[c.company]!.name;
    return { first: c.first, last: c.last, company: company ?? `${c.first} ${c.last}` };
  };

  const deals: PlannedDeal[] = [];
  const dealsOf: number[][] = contacts.map(() => []);
  for (let d = 0; d < Math.round(size * 0.4); d++) {
    const lead = one(employed.length > 0 ? employed : adults);
    const company = contacts[lead]!.company;
    const team = [lead, ...rnd.helpers.arrayElements(colleaguesOf(lead), { min: 0, max: 2 })];
    const outsider = one(adults);
    if (chance(0.1) && !team.includes(outsider)) team.push(outsider);
    const kind = rnd.helpers.weightedArrayElement<'open' | 'won' | 'lost'>([
      { weight: 70, value: 'open' },
      { weight: 20, value: 'won' },
      { weight: 10, value: 'lost' },
    ]);
    const product = one(products);
    const closeInDays = kind === 'open' ? int(7, 120) : -int(1, 180);
    const country = company === null ? 'DE' : companies[company]!.country;
    deals.push({
      title: `${company === null ? contacts[lead]!.last : companies[company]!.name}: ${product}`,
      product,
      amountMinor: int(10, 800) * 5000,
      currency: currencyOf[country],
      expectedCloseDate: isoDate(new Date(now.getTime() + closeInDays * day)),
      stage: { kind, slot: slot() },
      company,
      contacts: team,
      owner: company === null ? contacts[lead]!.owner : companies[company]!.owner,
    });
    for (const c of team) dealsOf[c]!.push(d);
  }

  const activities: PlannedActivity[] = [];
  for (let a = 0; a < size * 2; a++) {
    const who = one(adults);
    const colleagues = colleaguesOf(who);
    const team = chance(0.25) && colleagues.length > 0 ? [who, one(colleagues)] : [who];
    const type = rnd.helpers.weightedArrayElement<ActivityType>([
      { weight: 25, value: 'note' },
      { weight: 30, value: 'call' },
      { weight: 15, value: 'meeting' },
      { weight: 30, value: 'email' },
    ]);
    const [subject, body] = one(activityTexts[type]);
    const deal = dealsOf[who]!.length > 0 && chance(0.5) ? one(dealsOf[who]!) : null;
    const vars = { ...nameVars(who), product: deal === null ? one(products) : deals[deal]!.product };
    let occurredAt = workTime(-int(0, 364), int(8 * 4, 18 * 4 - 1) * 15);
    if (occurredAt > now) occurredAt = new Date(occurredAt.getTime() - day);
    activities.push({
      type,
      subject: fill(subject, vars).replace(/^\w/, (c) => c.toUpperCase()),
      body: fill(body, vars),
      occurredAt: occurredAt.toISOString(),
      durationMinutes: type === 'call' ? int(1, 9) * 5 : type === 'meeting' ? int(2, 8) * 15 : null,
      direction: type === 'call' || type === 'email' ? one(['inbound', 'outbound'] as const) : null,
      contacts: team,
      company: contacts[who]!.company,
      deal,
    });
  }

  const tasks: PlannedTask[] = [];
  for (let t = 0; t < Math.round(size * 0.5); t++) {
    const contact = chance(0.85) ? one(adults) : null;
    const company = contact === null ? int(0, companies.length - 1) : contacts[contact]!.company;
    const deal =
      contact !== null && dealsOf[contact]!.length > 0 && chance(0.5) ? one(dealsOf[contact]!) : null;
    const dueAt = workTime(int(-21, 35), int(9, 17) * 60);
    const roll = int(0, 99);
    const status: TaskStatus =
      dueAt < now ? (roll < 65 ? 'done' : roll < 75 ? 'cancelled' : 'open') : roll < 10 ? 'done' : 'open';
    const ownSlot = slot();
    tasks.push({
      title:
        contact === null
          ? fill(one(companyTaskTitles), { company: companies[company!]!.name })
          : fill(one(company === null ? personTaskTitles : employeeTaskTitles), nameVars(contact)),
      dueAt: dueAt.toISOString(),
      status,
      contact,
      company,
      deal,
      owner:
        contact !== null ? contacts[contact]!.owner : company !== null ? companies[company]!.owner : ownSlot,
    });
  }
  return { companies, contacts, deals, activities, tasks };
}

type Deps = ContactDeps & { ctx: RequestContext };

/** Staff who may own records (every active user but read-only ones), in a stable order. */
async function ownersFrom(deps: Deps): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await findUsers({ ...deps, filters: { limit: 200, cursor, status: 'active' } });
    ids.push(...page.items.filter((u) => u.role !== 'readonly').map((u) => u.id));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return ids;
}

function stagePicker(pipeline: Pipeline | undefined) {
  return (stage: PlannedDeal['stage']) => {
    if (!pipeline) return null;
    const ofKind = pipeline.stages.filter((s) => s.kind === stage.kind);
    const choices = ofKind.length > 0 ? ofKind : pipeline.stages.filter((s) => s.kind === 'open');
    return choices[stage.slot % choices.length] ?? null;
  };
}

/**
 * Seeds a demo workspace through the use cases, as the `demo` system actor: every person gets their own
 * key, blind indexes and audit entries like real data. Refuses a CRM that already holds contacts unless
 * forced. All in one transaction, so a failure leaves nothing half-seeded.
 */
export async function seedDemo(
  options: ContactDeps & { seed: number; contacts?: number; force?: boolean; now?: Date },
): Promise<DemoSummary> {
  const { keys, subjects, indexer, seed, contacts: size = 300, force = false, now = new Date() } = options;
  if (!Number.isSafeInteger(seed) || seed < 0)
    throw new AppError('validation_failed', 'The demo seed is invalid', {
      details: [{ field: 'seed', issue: 'must be a whole number, 0 or more' }],
    });
  if (!Number.isInteger(size) || size < 1 || size > demoContactLimit)
    throw new AppError('validation_failed', 'The demo size is invalid', {
      details: [{ field: 'contacts', issue: `must be a whole number from 1 to ${demoContactLimit}` }],
    });
  const plan = planDemo(seed, size, now);

  return transaction(options.db, async (tx) => {
    const deps: Deps = { db: tx, keys, subjects, indexer, ctx: systemContext('demo') };
    const existing = await findContacts({ ...deps, query: listContactsQuery.parse({ limit: 1 }) });
    if (existing.items.length > 0 && !force)
      throw new AppError('conflict', 'The CRM already holds contacts: demo data goes only into an empty one');

    const owners = await ownersFrom(deps);
    const ownerOf = (slot: number) => (owners.length > 0 ? owners[slot % owners.length]! : null);
    const pipelines = (await findPipelines(deps)).items;
    const pipeline = pipelines.find((p) => p.name === 'Sales') ?? pipelines[0];
    const stageOf = stagePicker(pipeline);

    const companyIds: string[] = [];
    for (const c of plan.companies) {
      const { owner, ...fields } = c;
      const input = createCompanyBody.parse({ ...fields, ownerId: ownerOf(owner) });
      companyIds.push((await createCompany({ ...deps, input })).id);
    }
    const companyId = (i: number | null) => (i === null ? null : companyIds[i]!);

    const contactIds: string[] = [];
    for (const c of plan.contacts) {
      const input = createContactBody.parse({
        ...c.input,
        companyId: companyId(c.company),
        ownerId: ownerOf(c.owner),
      });
      contactIds.push((await createContact({ ...deps, input })).id);
    }

    const dealIds: (string | null)[] = [];
    for (const d of plan.deals) {
      const stage = stageOf(d.stage);
      if (!pipeline || !stage) {
        dealIds.push(null);
        continue;
      }
      const input = createDealBody.parse({
        title: d.title,
        pipelineId: pipeline.id,
        stageId: stage.id,
        amountMinor: d.amountMinor,
        currency: d.currency,
        expectedCloseDate: d.expectedCloseDate,
        ownerId: ownerOf(d.owner),
        companyId: companyId(d.company),
        contactIds: d.contacts.map((i) => contactIds[i]!),
      });
      dealIds.push((await createDeal({ ...deps, input })).id);
    }
    const dealId = (i: number | null) => (i === null ? null : (dealIds[i] ?? null));

    for (const a of plan.activities) {
      const { contacts, company, deal, ...fields } = a;
      const input = createActivityBody.parse({
        ...fields,
        contactIds: contacts.map((i) => contactIds[i]!),
        companyId: companyId(company),
        dealId: dealId(deal),
      });
      await createActivity({ ...deps, input });
    }

    for (const t of plan.tasks) {
      const input = createTaskBody.parse({
        title: t.title,
        dueAt: t.dueAt,
        status: t.status,
        assigneeId: ownerOf(t.owner),
        contactId: t.contact === null ? null : contactIds[t.contact]!,
        companyId: companyId(t.company),
        dealId: dealId(t.deal),
      });
      await createTask({ ...deps, input });
    }

    return {
      seed,
      contacts: contactIds.length,
      companies: companyIds.length,
      deals: dealIds.filter((id) => id !== null).length,
      activities: plan.activities.length,
      tasks: plan.tasks.length,
    };
  });
}
