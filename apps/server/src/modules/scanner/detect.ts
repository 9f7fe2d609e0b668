import type { FindingKind } from '@custodian/contracts';
import { type CountryCode, findPhoneNumbersInText } from 'libphonenumber-js';

export { type FindingKind, findingKinds } from '@custodian/contracts';

/** Where something was found: offsets only. The matched value never leaves this module. */
export interface Finding {
  kind: FindingKind;
  start: number;
  end: number;
}

/** Lower case without accents, same length as the input for the characters that matter (offsets stay usable). */
const fold = (text: string) => text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

const before = (text: string, start: number, chars: number) =>
  fold(text.slice(Math.max(0, start - chars), start));

// --- Direct identifiers ---------------------------------------------------------------------------------

const emailPattern = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/gu;

const phoneWords =
  /(tel|phone|call|mobile|cell|fax|whatsapp|handy|telefon|ruf|anrufen|erreichbar|rufnummer|portable|telephone|appeler|joindre|movil|telefono|llamar|numero de tel)/;

/** ISO 13616 lengths of the IBANs of European and common countries. */
const ibanLengths: Record<string, number> = {
  AD: 24,
  AT: 20,
  BE: 16,
  BG: 22,
  CH: 21,
  CY: 28,
  CZ: 24,
  DE: 22,
  DK: 18,
  EE: 20,
  ES: 24,
  FI: 18,
  FR: 27,
  GB: 22,
  GI: 23,
  GR: 27,
  HR: 21,
  HU: 28,
  IE: 22,
  IS: 26,
  IT: 27,
  LI: 21,
  LT: 20,
  LU: 20,
  LV: 21,
  MC: 27,
  MT: 31,
  NL: 18,
  NO: 15,
  PL: 28,
  PT: 25,
  RO: 24,
  SE: 24,
  SI: 19,
  SK: 24,
  SM: 27,
  TR: 26,
  VA: 22,
};

function ibanValid(compact: string): boolean {
  const rearranged = compact.slice(4) + compact.slice(0, 4);
  let remainder = 0;
  for (const ch of rearranged) {
    const value = /\d/.test(ch) ? ch : String(ch.charCodeAt(0) - 55);
    for (const digit of value) remainder = (remainder * 10 + Number(digit)) % 97;
  }
  return remainder === 1;
}

function findIbans(text: string): Finding[] {
  const out: Finding[] = [];
  for (const m of text.matchAll(/\b([A-Z]{2})(\d{2})((?: ?[A-Z0-9]){10,30})/g)) {
    const expected = ibanLengths[m[1]!];
    if (!expected) continue;
    const compact = m[0].replaceAll(' ', '');
    if (compact.length < expected) continue;
    const candidate = compact.slice(0, expected);
    if (!ibanValid(candidate)) continue;
    // The span of the first `expected` non-space characters.
    let seen = 0;
    let end = m.index!;
    while (seen < expected && end < text.length) if (text[end++] !== ' ') seen++;
    out.push({ kind: 'iban', start: m.index!, end });
  }
  return out;
}

const luhn = (digits: string) => {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
};

/** A real card brand's prefix and length, so that any Luhn-valid number is not taken for a card. */
const brandOk = (d: string) =>
  (/^4/.test(d) && [13, 16, 19].includes(d.length)) ||
  (/^(5[1-5]|2(2[2-9]|[3-6]\d|7[01]|720))/.test(d) && d.length === 16) ||
  (/^3[47]/.test(d) && d.length === 15) ||
  (/^3(0[0-5]|[689])/.test(d) && d.length >= 14 && d.length <= 19) ||
  (/^(6011|65|64[4-9])/.test(d) && d.length >= 16 && d.length <= 19) ||
  (/^35(2[89]|[3-8])/.test(d) && d.length >= 16 && d.length <= 19);

/** Numbers introduced as references are not cards, whatever their checksum. */
const referenceWords =
  /(order|invoice|tracking|ticket|ref|reference|sku|serial|article|bestell|rechnung|auftrag|sendung|vorgang|commande|facture|suivi|pedido|factura|envio|albaran|seguimiento)[^\d]{0,20}$/;

function findCards(text: string): Finding[] {
  const out: Finding[] = [];
  for (const m of text.matchAll(/(?<![\d-])\d(?:[ -]?\d){11,18}(?![\d-])/g)) {
    const digits = m[0].replace(/[ -]/g, '');
    if (!brandOk(digits) || !luhn(digits)) continue;
    if (referenceWords.test(before(text, m.index!, 40))) continue;
    out.push({ kind: 'payment_card', start: m.index!, end: m.index! + m[0].length });
  }
  return out;
}

const dniLetters = 'TRWAGMYFPDXBNJZSQVHLCKE';

/** ISO 7064 MOD 11,10, the check digit of the German tax identification number. */
function steuerIdValid(d: string): boolean {
  if (d[0] === '0') return false;
  let product = 10;
  for (let i = 0; i < 10; i++) {
    let sum = (Number(d[i]) + product) % 10;
    if (sum === 0) sum = 10;
    product = (sum * 2) % 11;
  }
  return (11 - product) % 10 === Number(d[10]);
}

const bsnValid = (d: string) =>
  [...d].reduce((sum, digit, i) => sum + Number(digit) * (i === 8 ? -1 : 9 - i), 0) % 11 === 0;

const cfOdd: Record<string, number> = Object.fromEntries(
  [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23].flatMap(
    (v, i) => [[String.fromCharCode(65 + i), v], ...(i < 10 ? [[String(i), v]] : [])],
  ),
);
const cfEven = (ch: string) => (/\d/.test(ch) ? Number(ch) : ch.charCodeAt(0) - 65);
function codiceFiscaleValid(cf: string): boolean {
  let sum = 0;
  for (let i = 0; i < 15; i++) sum += i % 2 === 0 ? cfOdd[cf[i]!]! : cfEven(cf[i]!);
  return String.fromCharCode(65 + (sum % 26)) === cf[15];
}

function nirValid(raw: string): boolean {
  const compact = raw.replaceAll(' ', '');
  const body = compact.slice(0, 13).replace('2A', '19').replace('2B', '18');
  const key = Number(compact.slice(13));
  return 97 - Number(BigInt(body) % 97n) === key;
}

function findNationalIds(text: string): Finding[] {
  const out: Finding[] = [];
  const add = (m: RegExpMatchArray) =>
    out.push({ kind: 'national_id', start: m.index!, end: m.index! + m[0].length });
  // Spain: DNI and NIE, with their check letter.
  for (const m of text.matchAll(/\b(\d{8})-?([A-Z])\b/g)) if (dniLetters[Number(m[1]) % 23] === m[2]) add(m);
  for (const m of text.matchAll(/\b([XYZ])-?(\d{7})-?([A-Z])\b/g))
    if (dniLetters[Number(`${'XYZ'.indexOf(m[1]!)}${m[2]}`) % 23] === m[3]) add(m);
  // France: NIR with its key.
  for (const m of text.matchAll(/\b[12] ?\d{2} ?\d{2} ?(?:\d{2}|2A|2B) ?\d{3} ?\d{3} ?\d{2}\b/g))
    if (nirValid(m[0])) add(m);
  // United Kingdom: National Insurance number.
  for (const m of text.matchAll(
    /\b(?!BG|GB|NK|KN|TN|NT|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b/g,
  ))
    add(m);
  // Italy: codice fiscale with its check character.
  for (const m of text.matchAll(/\b[A-Z]{6}\d{2}[A-EHLMPRST]\d{2}[A-Z]\d{3}[A-Z]\b/g))
    if (codiceFiscaleValid(m[0])) add(m);
  // Germany (tax id) and the Netherlands (BSN): bare digits, so only next to their name.
  for (const m of text.matchAll(/(?<!\d)\d{11}(?!\d)/g))
    if (steuerIdValid(m[0]) && /(steuer|tax id|identifikationsnummer|idnr)/.test(before(text, m.index!, 40)))
      add(m);
  for (const m of text.matchAll(/(?<!\d)\d{9}(?!\d)/g))
    if (bsnValid(m[0]) && /(bsn|burgerservicenummer|sofi)/.test(before(text, m.index!, 40))) add(m);
  return out;
}

const months =
  'jan(?:uary|uar|vier)?|feb(?:ruary|ruar)?|fevrier|febrero|m(?:a|ae)rz|march|mars|marzo|apr(?:il)?|avril|abril|may|mai|mayo|jun(?:e|i)?|juin|junio|jul(?:y|i)?|juillet|julio|aug(?:ust)?|aout|agosto|sep(?:t(?:ember)?)?|septembre|septiembre|oct(?:ober)?|okt(?:ober)?|octobre|octubre|nov(?:ember)?|novembre|noviembre|dec(?:ember)?|dez(?:ember)?|decembre|diciembre|enero';
const datePattern = new RegExp(
  `(\\d{4}-\\d{2}-\\d{2}|\\d{1,2}[./-]\\d{1,2}[./-]\\d{2,4}|\\d{1,2}\\.?(?:er)? (?:de )?(?:${months})\\.?,? (?:de )?\\d{4}|(?:${months})\\.? \\d{1,2}(?:st|nd|rd|th)?,? \\d{4}|(?:19|20)\\d{2})`,
);
const birthWords =
  /(born|birth|dob|d\.o\.b|birthday|geboren|geb\.|geburtsdatum|geburtstag|\bnee?\b|naissance|nacid[oa]|nacimiento|cumpleanos)/g;

function findBirthDates(folded: string): Finding[] {
  const out: Finding[] = [];
  for (const m of folded.matchAll(birthWords)) {
    const from = m.index! + m[0].length;
    const window = folded.slice(from, from + 35);
    const date = datePattern.exec(window);
    if (date) out.push({ kind: 'date_of_birth', start: m.index!, end: from + date.index + date[0].length });
  }
  return out;
}

// --- Special categories (GDPR Art. 9), by keyword in English, German, French and Spanish ------------------

const parties =
  'labour|conservatives?|tory|tories|greens?|lib dems?|liberal democrats?|democrats?|republicans?|reform uk|snp|' +
  'spd|cdu|csu|fdp|grunen|linke|afd|podemos|psoe|pp|vox|sumar|rn|lfi|les republicains|renaissance';

type SpecialKind = Extract<
  FindingKind,
  'health' | 'religion' | 'ethnicity' | 'politics' | 'union' | 'sexual_orientation'
>;

// biome-ignore format: the lists read best grouped by language (English, German, French, Spanish).
const keywords: Record<SpecialKind, string[]> = {
  health: [
    'diabetes', 'diabetic', 'cancer', 'tumou?r', 'chemotherapy', 'pregnan(?:t|cy)', 'depression', 'depressed',
    'surgery', 'operated on', 'sick leave', 'sick note', 'allerg(?:y|ic|ies)', 'disabilit(?:y|ies)', 'disabled',
    'hiv', 'diagnos(?:ed|is)', 'therapy', 'wheelchair', 'burn-?out', 'hospitali[sz]ed', 'in hospital', 'asthma',
    'epilep(?:sy|tic)', 'medication',
    'diagnose', 'krebs', 'schwanger(?:schaft)?', 'krankgeschrieben', 'krankmeldung', 'krankenhaus',
    'allergie', 'behinderung', 'schwerbehindert', 'therapie', 'rollstuhl', 'operiert', 'operation (?:am|an der|an den|an dem)', 'chemo',
    'diabete', 'enceinte', 'grossesse', 'arret maladie', 'handicap(?:e)?', 'hospitalise', 'maladie', 'traitement',
    'embarazada', 'embarazo', 'depresion', 'baja medica', 'alergia', 'discapacidad', 'hospitalizad[oa]',
    'enfermedad', 'tratamiento', 'silla de ruedas',
  ],
  religion: [
    'muslim', 'christian', 'catholic', 'jewish', 'buddhist', 'hindu', 'protestant', 'church', 'mosque',
    'synagogue', 'ramadan', 'kosher', 'halal', 'sikh', 'jehovah',
    'muslimisch', 'christlich', 'katholisch', 'judisch', 'evangelisch', 'moschee', 'kirche', 'synagoge',
    'musulman(?:e)?', 'chretien(?:ne)?', 'catholique', 'juif', 'juive', 'mosquee', 'eglise', 'bouddhiste',
    'protestante', 'paroisse',
    'musulman(?:a)?', 'cristian[oa]', 'catolic[oa]', 'judi[oa]', 'mezquita', 'iglesia', 'sinagoga', 'budista',
  ],
  ethnicity: [
    'ethnic(?:ity)?', 'racial', 'roma', 'sinti', 'afro-?american', 'african american',
    '(?:asian|african|arab|turkish|kurdish) (?:descent|origin|heritage)',
    'ethnisch(?:e|en|er)?', 'abstammung', 'migrationshintergrund',
    '(?:kurdisch|turkisch|arabisch|afrikanisch|asiatisch|roma)\\w*[ -]herkunft',
    'origine ethnique', 'ethnie', 'gitan(?:e)?', 'origine rom',
    'origen etnico', 'etnia', 'gitan[oa]', 'raza',
  ],
  politics: [
    'party member', 'member of the [\\w-]+ party', 'political (?:views|opinion|opinions|affiliation)',
    `vot(?:es|ed|e|a|o)s? (?:for|pour|a|por) (?:the |le |la |les )?(?:${parties})`, 'campaigns? for the',
    'parteimitglied', 'partei', 'mitglied der (?:spd|cdu|csu|fdp|grunen|linken|afd)', 'wahlt die',
    'membre du parti', 'militant(?:e)?', 'opinions? politiques?',
    'afiliad[oa] al partido', 'militante', 'ideas politicas', 'partido (?:socialista|popular|verde|comunista|politico)',
  ],
  union: [
    'union member', 'trade union', 'labou?r union', 'shop steward', 'union rep(?:resentative)?', 'unioni[sz]ed',
    'gewerkschaft(?:smitglied|ler|lerin)?', 'ver\\.di', 'ig metall', 'dgb',
    'syndicat', 'syndique(?:e)?', 'syndicale?', 'cgt', 'cfdt', 'delegue syndical',
    'sindicato', 'sindicad[oa]', 'ccoo', 'ugt', 'afiliad[oa] a (?:ccoo|ugt)',
  ],
  sexual_orientation: [
    'gay', 'lesbian', 'bisexual', 'homosexual', 'same-sex', 'queer', 'transgender',
    'schwul', 'lesbisch', 'bisexuell', 'homosexuell', 'gleichgeschlechtlich',
    'lesbienne', 'homosexuel(?:le)?', 'bisexuel(?:le)?', 'meme sexe',
    'lesbiana', 'mismo sexo',
  ],
};

const keywordPatterns = Object.entries(keywords).map(
  ([kind, words]) =>
    [
      kind as SpecialKind,
      new RegExp(`(?<![\\p{L}\\p{N}])(?:${words.join('|')})(?![\\p{L}\\p{N}])`, 'gu'),
    ] as const,
);

/**
 * Whether any of the patterns above matches anywhere: one pass instead of six over a text, most of which name
 * no special category at all. At each position the alternation tries every pattern (backtracking past one whose
 * lookahead fails), so it matches exactly when one of them does.
 */
const anyKeyword = new RegExp(keywordPatterns.map(([, p]) => p.source).join('|'), 'u');

/** Where a keyword is about something other than a person: a union of sets, a street, the weather. */
const notAboutPeople: Partial<Record<FindingKind, RegExp>> = {
  union: /(european union|union street|sql|union all|union select|soviet union)/,
  health: /(tropical depression|depression tropicale|depresion tropical)/,
  religion:
    /(church (?:road|street|lane|st\b)|rue de l'eglise|place de l'eglise|calle de la iglesia|plaza de la iglesia)/,
  sexual_orientation: /gay-lussac/,
};

function findKeywords(folded: string, exhaustive: boolean): Finding[] {
  if (!exhaustive && !anyKeyword.test(folded)) return [];
  const out: Finding[] = [];
  for (const [kind, pattern] of keywordPatterns)
    for (const m of folded.matchAll(pattern))
      out.push({ kind, start: m.index!, end: m.index! + m[0].length });
  return out.filter((f) => {
    const context = notAboutPeople[f.kind];
    return !context?.test(folded.slice(Math.max(0, f.start - 20), f.end + 20));
  });
}

function findPhones(text: string, defaultCountry: CountryCode, taken: readonly Finding[]): Finding[] {
  const out: Finding[] = [];
  // Possible numbers, so that reserved ranges (drama, test numbers) written in full still count; a number in
  // national format must also be valid and introduced as a phone number.
  // `leniency` is a documented option of the matcher that the type declarations leave out.
  const options = { defaultCountry, leniency: 'POSSIBLE' } as { defaultCountry: CountryCode };
  for (const p of findPhoneNumbersInText(text, options)) {
    if (taken.some((f) => f.start < p.endsAt && p.startsAt < f.end)) continue;
    const international = text.slice(p.startsAt, p.endsAt).trimStart().startsWith('+');
    if (international || (p.number.isValid() && phoneWords.test(before(text, p.startsAt, 30))))
      out.push({ kind: 'phone', start: p.startsAt, end: p.endsAt });
  }
  return out;
}

/** Two digits of any script: the least a phone number has (libphonenumber reads other scripts' digits too). */
const twoDigits = /\p{Nd}.*\p{Nd}/su;

/**
 * Scans a free text for personal data: e-mail addresses, phone numbers, IBANs (mod 97), payment cards (Luhn
 * and brand, not when introduced as a reference), national identifiers (ES, FR, UK, IT; DE and NL next to
 * their name), dates of birth (next to a birth word), and words of the Art. 9 special categories. Returns
 * kinds and offsets, in order; never the values.
 *
 * Finders that cannot match a text are not run (an import scans millions): the IBAN, card, identifier and
 * date patterns all need an ASCII digit, a phone number at least two digits of any script, and the keywords
 * are tried together first. `exhaustive` runs every finder anyway, for the tests that prove those shortcuts
 * change nothing.
 */
export function scanText(
  text: string,
  options: { defaultCountry?: CountryCode; exhaustive?: boolean } = {},
): Finding[] {
  const exhaustive = options.exhaustive ?? false;
  const ascii = exhaustive || /\d/.test(text);
  const direct = [
    ...[...text.matchAll(emailPattern)].map((m) => ({
      kind: 'email' as const,
      start: m.index!,
      end: m.index! + m[0].length,
    })),
    ...(ascii ? [...findIbans(text), ...findCards(text), ...findNationalIds(text)] : []),
  ];
  const folded = fold(text);
  return [
    ...direct,
    ...(exhaustive || twoDigits.test(text) ? findPhones(text, options.defaultCountry ?? 'DE', direct) : []),
    ...(exhaustive || /\d/.test(folded) ? findBirthDates(folded) : []),
    ...findKeywords(folded, exhaustive),
  ].sort((a, b) => a.start - b.start || a.kind.localeCompare(b.kind));
}

/** The kinds present in a text, each once. */
export const kindsIn = (text: string, options?: { defaultCountry?: CountryCode }): FindingKind[] => [
  ...new Set(scanText(text, options).map((f) => f.kind)),
];
