import { z } from 'zod';

/**
 * The words of validation issues, for people: "must be an e-mail address" rather than zod's "Invalid email
 * address". A message a schema gives itself still wins. Messages name what is expected, never the value sent
 * (an issue may be about personal data, and it is shown and logged).
 */
const formats: Record<string, string> = {
  email: 'must be an e-mail address',
  uuid: 'must be an id (a UUID)',
  guid: 'must be an id (a UUID)',
  url: 'must be a web address (URL)',
  datetime: 'must be a date and time (ISO 8601, e.g. 2026-12-01T09:30:00Z)',
  date: 'must be a date (YYYY-MM-DD)',
  time: 'must be a time (HH:MM)',
  ipv4: 'must be an IPv4 address',
  ipv6: 'must be an IPv6 address',
  starts_with: 'does not start as it must',
  ends_with: 'does not end as it must',
};

const kinds: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object',
  bigint: 'a whole number',
  date: 'a date',
};

type Issue = z.core.$ZodRawIssue;

const missingCodes = new Set(['invalid_type', 'invalid_value', 'invalid_union']);

export function issueMessage(issue: Issue): string | undefined {
  if (issue.input === undefined && missingCodes.has(issue.code ?? '')) return 'is required';
  switch (issue.code) {
    case 'invalid_type':
      return `must be ${kinds[issue.expected] ?? issue.expected}`;
    case 'invalid_format':
      return formats[issue.format] ?? 'is not in the expected format';
    case 'too_small': {
      const n = Number(issue.minimum);
      const exact = issue.inclusive === false ? n + 1 : n;
      if (issue.origin === 'string')
        return exact <= 1 ? 'must not be empty' : `must be at least ${exact} characters long`;
      if (issue.origin === 'array' || issue.origin === 'set')
        return exact === 1 ? 'must have at least one item' : `must have at least ${exact} items`;
      return issue.inclusive === false ? `must be more than ${n}` : `must be at least ${n}`;
    }
    case 'too_big': {
      const n = Number(issue.maximum);
      const exact = issue.inclusive === false ? n - 1 : n;
      if (issue.origin === 'string') return `must be at most ${exact} characters long`;
      if (issue.origin === 'array' || issue.origin === 'set') return `must have at most ${exact} items`;
      return issue.inclusive === false ? `must be less than ${n}` : `must be at most ${n}`;
    }
    case 'invalid_value':
      return issue.values.length <= 12
        ? `must be one of: ${issue.values.map(String).join(', ')}`
        : 'is not one of the allowed values';
    case 'not_multiple_of':
      return `must be a multiple of ${String(issue.divisor)}`;
    case 'unrecognized_keys':
      // The keys were chosen by the caller: count them, do not repeat them.
      return issue.keys.length === 1 ? 'has a field that is not allowed' : 'has fields that are not allowed';
    case 'invalid_union':
      return 'does not match any of the allowed forms';
    case 'invalid_key':
      return 'has a key that is not allowed';
    case 'invalid_element':
      return 'has a value that is not allowed';
    default:
      return undefined;
  }
}

z.config({ customError: issueMessage });
