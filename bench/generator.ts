/**
 * The synthetic data of the benchmarks: realistic people, companies, deals, activities and consent histories,
 * reproducible from a seed. Record `i` is the same whatever else is generated: each block of 1,000 records
 * draws from its own generator seeded with (seed, kind, block), so a run of 100,000 contacts is the first tenth
 * of a run of 1,000,000.
 *
 * People come from ten EU countries with their own names (accents included), addresses and phone numbers; most
 * have one e-mail, some two, with a work and a private phone. Activities average `activitiesPerContact` a
 * person with a heavy tail (a few people have hundreds); contact 0 has exactly 1,000 (the access-package
 * scenario). About a third of the free text names a person, an address or a phone number, as real notes do.
 */
import {
  base,
  de,
  de_AT,
  en,
  en_IE,
  es,
  Faker,
  fr,
  it,
  type LocaleDefinition,
  nl,
  pl,
  pt_PT,
  sv,
} from '@faker-js/faker';
import { normalisePhone } from '../apps/server/src/platform/crypto/blind-index.js';

export const blockSize = 1000;

/** A phone number of the country that Custodian accepts (faker's are sometimes not possible numbers). */
function phoneOf(f: Faker): string {
  for (let attempt = 0; attempt < 8; attempt++) {
    const raw = f.phone.number({ style: 'international' });
    if (normalisePhone(raw)) return raw;
  }
  return `+49 30 ${f.string.numeric(8)}`;
}

interface Country {
  code: string;
  weight: number;
  faker: Faker;
}

const countryLocales: [string, number, LocaleDefinition][] = [
  ['DE', 24, de],
  ['FR', 18, fr],
  ['ES', 12, es],
  ['IT', 12, it],
  ['NL', 8, nl],
  ['PL', 8, pl],
  ['PT', 5, pt_PT],
  ['SE', 5, sv],
  ['AT', 5, de_AT],
  ['IE', 3, en_IE],
];

const tagPool = [
  'vip',
  'newsletter',
  'event-2026',
  'partner',
  'trade-fair',
  'webinar',
  'inbound',
  'referral',
];
export const activityTypes = ['note', 'call', 'meeting', 'email'] as const;
export const consentPurposes = ['newsletter', 'marketing_email'] as const;

export interface Person {
  index: number;
  firstName: string;
  lastName: string;
  emails: string[];
  phones: string[];
  jobTitle: string | null;
  street: string;
  postalCode: string;
  city: string;
  region: string | null;
  country: string;
  dateOfBirth: string | null;
  lifecycleStage: string;
  tags: string[];
  /** Index of the person's company, or null. */
  company: number | null;
  /** How many activities name this person. */
  activities: number;
}

export interface Company {
  index: number;
  name: string;
  domain: string;
  country: string;
  city: string;
}

export interface Activity {
  /** The person the activity is about (the first of its contacts). */
  contact: number;
  /** Another person named as well (a meeting with two attendees), or null. */
  alsoWith: number | null;
  type: (typeof activityTypes)[number];
  occurredAt: string;
  subject: string;
  body: string;
  durationMinutes: number | null;
  direction: 'inbound' | 'outbound' | null;
}

export interface ConsentEvent {
  contact: number;
  purpose: (typeof consentPurposes)[number];
  kind: 'given' | 'withdrawn' | 'refused';
  occurredAt: string;
  method: 'web_form' | 'double_opt_in_email' | 'verbal' | 'paper';
}

export interface Deal {
  index: number;
  name: string;
  contact: number;
  company: number | null;
  amount: number;
  currency: 'EUR';
  stage: number;
}

export interface GeneratorOptions {
  seed: number;
  contacts: number;
  activitiesPerContact: number;
}

/** Where the dates of the data end: fixed, so the same seed gives the same data on any day. */
const epoch = Date.UTC(2026, 10, 1);
const dayMs = 86_400_000;

/** Lower-case ASCII for an e-mail's local part: "Łukasz Müller-Żak" → "lukasz.muller-zak". */
export function mailbox(...words: string[]): string {
  return words
    .map((w) =>
      w
        .normalize('NFKD')
        .replace(/[\u0300-\u036f]/g, '')
        .replace(/ł/g, 'l')
        .replace(/Ł/g, 'L')
        .replace(/ß/g, 'ss')
        .replace(/ø/g, 'o')
        .toLowerCase()
        .replace(/[^a-z0-9-]+/g, ''),
    )
    .filter(Boolean)
    .join('.');
}

export class DataGenerator {
  readonly countries: Country[];
  readonly companies: number;
  readonly deals: number;
  private readonly totalWeight: number;
  private readonly picker = new Faker({ locale: [en, base] });

  constructor(readonly options: GeneratorOptions) {
    this.countries = countryLocales.map(([code, weight, locale]) => ({
      code,
      weight,
      faker: new Faker({ locale: [locale, en, base] }),
    }));
    this.totalWeight = this.countries.reduce((s, c) => s + c.weight, 0);
    this.companies = Math.max(1, Math.round(options.contacts / 20));
    this.deals = Math.max(1, Math.round(options.contacts / 10));
  }

  /** Seeds every generator for one block of one kind of record. */
  private seedBlock(kind: number, block: number): void {
    this.picker.seed([this.options.seed, kind, block]);
    for (const [i, c] of this.countries.entries()) c.faker.seed([this.options.seed, kind, block, i]);
  }

  private country(): Country {
    let r = this.picker.number.int({ min: 0, max: this.totalWeight - 1 });
    for (const c of this.countries) {
      if (r < c.weight) return c;
      r -= c.weight;
    }
    return this.countries[0]!;
  }

  /** How many activities person `index` has: Pareto (α = 2) around the mean, capped; person 0 has 1,000. */
  private activityCount(index: number): number {
    if (index === 0) return 1000;
    const mean = this.options.activitiesPerContact;
    if (mean <= 0) return 0;
    const u = this.picker.number.float({ min: 1e-9, max: 1 });
    return Math.min(500, Math.floor((mean / 2) * u ** -0.5));
  }

  /** The same people from generators of their own, so drawing from this one in between changes nothing. */
  private peopleAgain(from: number, to: number): Iterable<Person> {
    return new DataGenerator(this.options).people(from, to);
  }

  /** People `from` to `to` (exclusive), in order. */
  *people(from = 0, to = this.options.contacts): Generator<Person> {
    for (let block = Math.floor(from / blockSize); block * blockSize < to; block++) {
      this.seedBlock(1, block);
      for (let index = block * blockSize; index < (block + 1) * blockSize && index < to; index++) {
        const c = this.country();
        const f = c.faker;
        const sex = f.person.sexType();
        const firstName = f.person.firstName(sex);
        const lastName = f.person.lastName(sex);
        const company = this.picker.number.float() < 0.8 ? index % this.companies : null;
        const emails = [`${mailbox(firstName, lastName)}.${index}@${f.internet.domainWord()}.example`];
        if (this.picker.number.float() < 0.3)
          emails.push(
            `${mailbox(firstName)}${index}@${this.picker.helpers.arrayElement(['mail.example', 'post.example', 'web.example'])}`,
          );
        const phones = [phoneOf(f)];
        if (this.picker.number.float() < 0.4) phones.push(phoneOf(f));
        const born =
          this.picker.number.float() < 0.25
            ? f.date.birthdate({ mode: 'age', min: 18, max: 80, refDate: epoch })
            : null;
        yield {
          index,
          firstName,
          lastName,
          emails,
          phones,
          jobTitle: company === null ? null : f.person.jobTitle(),
          street: f.location.streetAddress(),
          postalCode: f.location.zipCode(),
          city: f.location.city(),
          region: this.picker.number.float() < 0.5 ? f.location.state() : null,
          country: c.code,
          dateOfBirth: born ? born.toISOString().slice(0, 10) : null,
          lifecycleStage: this.picker.helpers.weightedArrayElement([
            { weight: 45, value: 'lead' },
            { weight: 25, value: 'prospect' },
            { weight: 22, value: 'customer' },
            { weight: 8, value: 'former' },
          ]),
          tags: this.picker.helpers.arrayElements(tagPool, { min: 0, max: 3 }),
          company,
          activities: this.activityCount(index),
        };
      }
    }
  }

  *companyRecords(): Generator<Company> {
    for (let block = 0; block * blockSize < this.companies; block++) {
      this.seedBlock(2, block);
      for (
        let index = block * blockSize;
        index < (block + 1) * blockSize && index < this.companies;
        index++
      ) {
        const f = this.country().faker;
        const name = f.company.name();
        yield {
          index,
          name,
          domain: `${mailbox(name).replace(/\./g, '-').slice(0, 40) || 'company'}-${index}.example`,
          country: this.countries.find((c) => c.faker === f)!.code,
          city: f.location.city(),
        };
      }
    }
  }

  *dealRecords(): Generator<Deal> {
    for (let block = 0; block * blockSize < this.deals; block++) {
      this.seedBlock(3, block);
      for (let index = block * blockSize; index < (block + 1) * blockSize && index < this.deals; index++) {
        const contact = this.picker.number.int({ min: 0, max: this.options.contacts - 1 });
        yield {
          index,
          name: `${this.picker.commerce.productName()} ${this.picker.helpers.arrayElement(['licence', 'rollout', 'renewal', 'pilot', 'upgrade'])}`,
          contact,
          company: contact % 5 === 0 ? null : contact % this.companies,
          amount: this.picker.number.int({ min: 5, max: 2000 }) * 100,
          currency: 'EUR',
          stage: this.picker.number.int({ min: 0, max: 5 }),
        };
      }
    }
  }

  /**
   * The activities of the people `from` to `to` (exclusive), person by person. A third of the bodies carry personal data
   * (a phone number, an e-mail, another person's name, a home address); one in ten activities also names a
   * second person.
   */
  *activities(from = 0, to = this.options.contacts): Generator<Activity> {
    let lastBlock = -1;
    for (const p of this.peopleAgain(from, to)) {
      const block = Math.floor(p.index / blockSize);
      if (block !== lastBlock) {
        this.seedBlock(4, block);
        lastBlock = block;
      }
      const f = this.countries.find((c) => c.code === p.country)!.faker;
      for (let n = 0; n < p.activities; n++) {
        const type = this.picker.helpers.weightedArrayElement([
          { weight: 40, value: 'note' as const },
          { weight: 25, value: 'call' as const },
          { weight: 15, value: 'meeting' as const },
          { weight: 20, value: 'email' as const },
        ]);
        const occurredAt = new Date(
          epoch - this.picker.number.int({ min: 0, max: 3 * 365 * dayMs }),
        ).toISOString();
        const topic = this.picker.helpers.arrayElement([
          'pricing',
          'the renewal',
          'onboarding',
          'a support case',
          'the contract draft',
          'the trade fair',
          'invoice questions',
          'the product roadmap',
        ]);
        const personal = this.picker.number.float() < 0.33;
        const detail = !personal
          ? this.picker.lorem.sentence({ min: 6, max: 16 })
          : this.picker.helpers.arrayElement([
              `${p.firstName} asked us to call back on ${phoneOf(f)}.`,
              `Please use ${mailbox(p.firstName, p.lastName)}@private.example for the next offer.`,
              `${p.firstName} mentioned that ${f.person.fullName()} now decides on the budget.`,
              `Send the documents to ${f.location.streetAddress()}, ${f.location.zipCode()} ${f.location.city()}.`,
            ]);
        yield {
          contact: p.index,
          alsoWith:
            this.picker.number.float() < 0.1 && this.options.contacts > 1
              ? (p.index + 1 + this.picker.number.int({ min: 0, max: this.options.contacts - 2 })) %
                this.options.contacts
              : null,
          type,
          occurredAt,
          subject: `${type === 'email' ? 'Re: ' : ''}${topic[0]!.toUpperCase()}${topic.slice(1)}`,
          body: `${this.picker.lorem.sentence({ min: 4, max: 12 })} ${detail}`,
          durationMinutes:
            type === 'call' || type === 'meeting' ? this.picker.number.int({ min: 5, max: 90 }) : null,
          direction:
            type === 'call' || type === 'email'
              ? this.picker.helpers.arrayElement(['inbound', 'outbound'])
              : null,
        };
      }
    }
  }

  /**
   * Consent histories: per person and purpose, never asked (40%), given (45%, a quarter of them withdrawn
   * later, some of those given again) or refused (15%).
   */
  *consentEvents(from = 0, to = this.options.contacts): Generator<ConsentEvent> {
    let lastBlock = -1;
    for (const p of this.peopleAgain(from, to)) {
      const block = Math.floor(p.index / blockSize);
      if (block !== lastBlock) {
        this.seedBlock(5, block);
        lastBlock = block;
      }
      for (const purpose of consentPurposes) {
        const r = this.picker.number.float();
        if (r < 0.4) continue;
        let at = epoch - this.picker.number.int({ min: 30, max: 3 * 365 }) * dayMs;
        const method = this.picker.helpers.arrayElement([
          'web_form',
          'double_opt_in_email',
          'verbal',
          'paper',
        ] as const);
        const event = (kind: ConsentEvent['kind']): ConsentEvent => ({
          contact: p.index,
          purpose,
          kind,
          occurredAt: new Date(at).toISOString(),
          method,
        });
        if (r >= 0.85) {
          yield event('refused');
          continue;
        }
        yield event('given');
        if (this.picker.number.float() < 0.25) {
          at += this.picker.number.int({ min: 1, max: 20 }) * dayMs;
          yield event('withdrawn');
          if (this.picker.number.float() < 0.2) {
            at += this.picker.number.int({ min: 1, max: 5 }) * dayMs;
            yield event('given');
          }
        }
      }
    }
  }
}

/** The CSV header and row of a person, in the columns Custodian's contact import maps. */
export const contactCsvHeader = [
  'First name',
  'Last name',
  'E-mail',
  'Second e-mail',
  'Phone',
  'Mobile',
  'Job title',
  'Street',
  'Postal code',
  'City',
  'Region',
  'Country',
  'Date of birth',
  'Stage',
  'Tags',
];
export const contactCsvMapping = {
  'First name': 'firstName',
  'Last name': 'lastName',
  'E-mail': 'email',
  'Second e-mail': 'email2',
  Phone: 'phone',
  Mobile: 'phone2',
  'Job title': 'jobTitle',
  Street: 'street',
  'Postal code': 'postalCode',
  City: 'city',
  Region: 'region',
  Country: 'country',
  'Date of birth': 'dateOfBirth',
  Stage: 'lifecycleStage',
  Tags: 'tags',
} as const;

export function contactCsvRow(p: Person): string[] {
  return [
    p.firstName,
    p.lastName,
    p.emails[0]!,
    p.emails[1] ?? '',
    p.phones[0]!,
    p.phones[1] ?? '',
    p.jobTitle ?? '',
    p.street,
    p.postalCode,
    p.city,
    p.region ?? '',
    p.country,
    p.dateOfBirth ?? '',
    p.lifecycleStage,
    p.tags.join(';'),
  ];
}

/** The CSV of activities, in the columns Custodian's activity import maps; people named by e-mail. */
export const activityCsvHeader = ['Type', 'When', 'Subject', 'Notes', 'Minutes', 'Direction', 'Who', 'Also'];
export const activityCsvMapping = {
  Type: 'type',
  When: 'occurredAt',
  Subject: 'subject',
  Notes: 'body',
  Minutes: 'durationMinutes',
  Direction: 'direction',
  Who: 'email',
  Also: 'email2',
} as const;

/** `emails[i]` is person i's primary e-mail address. */
export function activityCsvRow(a: Activity, emails: readonly string[]): string[] {
  return [
    a.type,
    a.occurredAt,
    a.subject,
    a.body,
    a.durationMinutes === null ? '' : String(a.durationMinutes),
    a.direction ?? '',
    emails[a.contact]!,
    a.alsoWith === null ? '' : emails[a.alsoWith]!,
  ];
}

/** The notice a purpose's consents were given under, and since when the previous system showed it. */
export const noticeKeyOf = (purpose: ConsentEvent['purpose']) => `bench-${purpose.replace(/_/g, '-')}`;
export const consentNoticesShownSince = new Date(epoch - 4 * 365 * dayMs).toISOString();

/** The CSV of consent history, in the columns Custodian's consent import maps. */
export const consentCsvHeader = [
  'Email',
  'Purpose',
  'Choice',
  'Date',
  'Method',
  'Notice',
  'Version',
  'Language',
];
export const consentCsvMapping = {
  Email: 'email',
  Purpose: 'purpose',
  Choice: 'kind',
  Date: 'occurredAt',
  Method: 'method',
  Notice: 'noticeKey',
  Version: 'noticeVersion',
  Language: 'language',
} as const;

export function consentCsvRow(e: ConsentEvent, emails: readonly string[]): string[] {
  const notice = e.kind === 'withdrawn' ? ['', '', ''] : [noticeKeyOf(e.purpose), '1', 'en'];
  return [emails[e.contact]!, e.purpose, e.kind, e.occurredAt, e.method, ...notice];
}
