import { describe, expect, it } from 'vitest';
import { destinationIssue, isInternalAddress } from './destination.js';

describe('webhook destinations', () => {
  it('refuses IPv6 addresses that embed an IPv4 address, whatever the IPv4 address is', () => {
    for (const address of [
      '::',
      '::1',
      '::127.0.0.1', // IPv4-compatible
      '::8.8.8.8',
      '::ffff:10.0.0.1', // IPv4-mapped, checked as IPv4
      '::ffff:0:a00:1', // IPv4-translated
      '64:ff9b::a9fe:a9fe', // NAT64, well-known prefix (169.254.169.254)
      '64:ff9b:1::a00:1', // NAT64, local-use prefix
      '2001:0:4136:e378:8000:63bf:3fff:fdd2', // Teredo
      '2001::1',
      '2002:7f00:1::1', // 6to4 of 127.0.0.1
      '2002:808:808::1', // 6to4 of a public address: refused too
    ])
      expect(isInternalAddress(address), address).toBe(true);
    for (const address of ['::ffff:8.8.8.8', '2001:4860:4860::8888', '2606:4700:4700::1111', '8.8.8.8'])
      expect(isInternalAddress(address), address).toBe(false);
    expect(isInternalAddress('not an address')).toBe(true);
  });

  it('refuses such addresses in URLs, in any spelling the URL parser accepts', () => {
    const strict = { allowHttp: false, allowPrivate: false };
    for (const url of [
      'https://[::127.0.0.1]/x',
      'https://[::7f00:1]/x',
      'https://[64:ff9b::10.0.0.1]/x',
      'https://[2002:a00:1::]/x',
      'https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/x',
    ])
      expect(destinationIssue(url, strict), url).toBe('must not point to a private or loopback address');
    expect(destinationIssue('https://[2606:4700:4700::1111]/x', strict)).toBeNull();
  });
});
