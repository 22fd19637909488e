import { MAX_SLOT, slotValues } from '../local/configs/layout.js';

/** IPv4 CIDR arithmetic, enough to keep docker's networks off the local provider's. */
export interface Cidr {
  text: string;
  start: number;
  /** Exclusive. */
  end: number;
}

export function parseCidr(text: string): Cidr {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:\/(\d{1,2}))?$/.exec(text.trim());
  const octets = match?.slice(1, 5).map(Number) ?? [];
  const bits = match?.[5] === undefined ? 32 : Number(match[5]);
  if (!match || octets.some((o) => o > 255) || bits > 32) throw new RangeError(`not an IPv4 CIDR: ${text}`);
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  const size = 2 ** (32 - bits);
  const start = Math.floor(address / size) * size;
  return { text: text.trim(), start, end: start + size };
}

export const overlaps = (a: Cidr, b: Cidr): boolean => a.start < b.end && b.start < a.end;

/** Every range the local provider's clusters may use, one per slot: pod subnets and service CIDRs. */
export function localProviderRanges(): { owner: string; cidr: Cidr }[] {
  const ranges: { owner: string; cidr: Cidr }[] = [];
  for (let slot = 0; slot <= MAX_SLOT; slot++) {
    const values = slotValues(slot);
    ranges.push({ owner: `local slot ${slot} pod subnet`, cidr: parseCidr(values.podSubnet) });
    ranges.push({ owner: `local slot ${slot} service CIDR`, cidr: parseCidr(values.serviceCidr) });
  }
  return ranges;
}

/** Routes of `ip -4 -o route show` as CIDRs with their device (`default` is left out). */
export function parseRoutes(output: string): { device: string; cidr: Cidr }[] {
  const routes: { device: string; cidr: Cidr }[] = [];
  for (const line of output.split('\n')) {
    const [destination, ...rest] = line.trim().split(/\s+/);
    if (!destination || destination === 'default') continue;
    const device = rest[rest.indexOf('dev') + 1];
    try {
      if (device && rest.includes('dev')) routes.push({ device, cidr: parseCidr(destination) });
    } catch {
      // Not an IPv4 destination (broadcast, unreachable …): nothing to collide with.
    }
  }
  return routes;
}

/**
 * The first thing each docker range collides with, as "172.17.0.0/16 overlaps local slot 3 pod
 * subnet 10.244.3.0/24" sentences: the local provider's ranges, then routes on devices that are not
 * docker's own (docker0, br-<id>).
 */
export function dockerRangeConflicts(
  dockerRanges: string[],
  routes: { device: string; cidr: Cidr }[],
): string[] {
  const others = [
    ...localProviderRanges(),
    ...routes
      .filter((r) => r.device !== 'docker0' && !r.device.startsWith('br-'))
      .map((r) => ({ owner: `the route on ${r.device}`, cidr: r.cidr })),
  ];
  const conflicts: string[] = [];
  for (const text of dockerRanges) {
    const cidr = parseCidr(text);
    const hit = others.find((o) => overlaps(cidr, o.cidr));
    if (hit) conflicts.push(`${cidr.text} overlaps ${hit.owner} ${hit.cidr.text}`);
  }
  return conflicts;
}
