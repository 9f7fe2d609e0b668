import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/** Where webhooks may go: https only unless http is allowed; never to private addresses unless allowed. */
export interface DestinationPolicy {
  allowHttp: boolean;
  allowPrivate: boolean;
}

// Loopback, private, link-local, carrier-grade NAT, documentation, benchmarking, multicast and reserved
// ranges: a webhook must not become a way to reach the server's own network.
const internal = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 3],
] as const)
  internal.addSubnet(net, prefix, 'ipv4');
// IPv6 ranges that embed an IPv4 address are refused whole, since the address inside may be internal and
// a relay or translator may reach it: IPv4-compatible (::a.b.c.d, with :: and ::1), IPv4-translated, NAT64
// (well-known and local-use prefixes), Teredo and 6to4. IPv4-mapped (::ffff:a.b.c.d) is checked as IPv4.
for (const [net, prefix] of [
  ['::', 96],
  ['::ffff:0:0:0', 96],
  ['64:ff9b::', 96],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001::', 32],
  ['2002::', 16],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  internal.addSubnet(net, prefix, 'ipv6');

export function isInternalAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return internal.check(address, 'ipv4');
  // An IPv4 address written as IPv6 (::ffff:a00:1) is checked against the IPv4 ranges too.
  if (family === 6) return internal.check(address, 'ipv6');
  return true;
}

/** What is wrong with a destination URL, in words that never repeat it; null when it may be used. */
export function destinationIssue(url: string, policy: DestinationPolicy): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'must be an absolute http(s) URL';
  }
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && policy.allowHttp))
    return policy.allowHttp ? 'must be an http(s) URL' : 'must be an https URL';
  if (parsed.username || parsed.password) return 'must not carry a user name or password';
  if (parsed.hash) return 'must not have a fragment';
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  if (!policy.allowPrivate) {
    if (isIP(host) && isInternalAddress(host)) return 'must not point to a private or loopback address';
    if (/^(localhost|.*\.localhost|.*\.local|.*\.internal)$/i.test(host))
      return 'must not point to a private or loopback address';
  }
  return null;
}

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * A DNS lookup for the HTTP client that refuses internal addresses at connection time, so a name that
 * resolves (or re-resolves) to the private network is never connected to.
 */
export function guardedLookup(policy: DestinationPolicy): LookupFunction {
  return (hostname: string, options: LookupOptions, callback: LookupCallback) => {
    const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : (options.family ?? 0);
    dnsLookup(hostname, { all: true, family }, (err, addresses) => {
      if (err) return callback(err, []);
      const usable = policy.allowPrivate ? addresses : addresses.filter((a) => !isInternalAddress(a.address));
      if (usable.length === 0) {
        const refused = Object.assign(new Error('The destination resolves to an internal address'), {
          code: 'EADDRREFUSED',
        }) as NodeJS.ErrnoException;
        return callback(refused, []);
      }
      if (options.all) return callback(null, usable);
      return callback(null, usable[0]!.address, usable[0]!.family);
    });
  };
}
