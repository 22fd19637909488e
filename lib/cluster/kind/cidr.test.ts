import { describe, expect, it } from 'vitest';
import { dockerRangeConflicts, overlaps, parseCidr, parseRoutes } from './cidr.js';
import { DOCKER_ADDRESS_POOL, DOCKER_BRIDGE_IP } from './docker-files.js';

// `ip -4 route show` on this VM while a local cluster in slot 1 ran.
const ROUTES = `default via 192.0.2.1 dev eth0
10.244.1.0/24 dev scbr1 proto kernel scope link src 10.244.1.1
172.29.0.0/24 dev docker0 proto kernel scope link src 172.29.0.1
192.0.2.0/24 dev eth0 proto kernel scope link src 192.0.2.2
`;

describe('CIDRs', () => {
  it('parses addresses with and without a prefix, to the network', () => {
    expect(parseCidr('172.29.0.1/24')).toMatchObject({
      start: parseCidr('172.29.0.0').start,
      end: parseCidr('172.29.1.0').start,
    });
    expect(parseCidr('10.0.0.7').end - parseCidr('10.0.0.7').start).toBe(1);
    expect(() => parseCidr('10.0.0.256/8')).toThrow(/not an IPv4 CIDR/);
    expect(() => parseCidr('fd00::/64')).toThrow(/not an IPv4 CIDR/);
  });

  it('knows overlap from adjacency', () => {
    expect(overlaps(parseCidr('10.244.0.0/16'), parseCidr('10.244.7.0/24'))).toBe(true);
    expect(overlaps(parseCidr('10.244.0.0/24'), parseCidr('10.244.1.0/24'))).toBe(false);
  });

  it('reads routes with their device and skips the default route', () => {
    expect(parseRoutes(ROUTES).map((r) => `${r.cidr.text} ${r.device}`)).toEqual([
      '10.244.1.0/24 scbr1',
      '172.29.0.0/24 docker0',
      '192.0.2.0/24 eth0',
    ]);
  });
});

describe('docker ranges beside the local provider', () => {
  it('our bridge and pool collide with nothing here (docker0 is docker’s own)', () => {
    expect(dockerRangeConflicts([DOCKER_BRIDGE_IP, DOCKER_ADDRESS_POOL.base], parseRoutes(ROUTES))).toEqual(
      [],
    );
  });

  it('names the local slot a range would take', () => {
    expect(dockerRangeConflicts(['10.244.5.1/24'], [])).toEqual([
      '10.244.5.1/24 overlaps local slot 5 pod subnet 10.244.5.0/24',
    ]);
    expect(dockerRangeConflicts(['10.100.0.0/16'], [])).toEqual([
      '10.100.0.0/16 overlaps local slot 4 service CIDR 10.100.0.0/16',
    ]);
  });

  it('names a host route a range would shadow', () => {
    expect(dockerRangeConflicts(['192.0.2.0/16'], parseRoutes(ROUTES))).toEqual([
      '192.0.2.0/16 overlaps the route on eth0 192.0.2.0/24',
    ]);
  });
});
