import { describe, expect, it } from 'vitest';
import { layoutFor } from './configs/layout.js';
import { deleteArgs, insideSubnet, ourIptablesChanges, ruleIsOurs } from './host.js';
import { dirMarker, iptablesScope } from './teardown.js';

const m1 = layoutFor('/s/clusters/m1', 1);
const m10 = layoutFor('/s/clusters/m10', 10);
const scope1 = iptablesScope(m1, 'm1');
const scope10 = iptablesScope(m10, 'm10');

/** Rules as the CNI bridge plugin with ipMasq writes them, for a pod of one cluster (iptables -S form). */
const cniMasq = (network: string, podIp: string, chain: string, subnet: string) => [
  `-N ${chain}`,
  `-A POSTROUTING -s ${podIp}/32 -m comment --comment "name: \\"${network}\\" id: \\"abc123\\"" -j ${chain}`,
  `-A ${chain} -d ${subnet} -m comment --comment "name: \\"${network}\\" id: \\"abc123\\"" -j ACCEPT`,
  `-A ${chain} ! -d 224.0.0.0/4 -m comment --comment "name: \\"${network}\\" id: \\"abc123\\"" -j MASQUERADE`,
];

describe('iptables scoping', () => {
  it('knows a rule by our bridge, our pod addresses, our CNI network or our marker', () => {
    expect(ruleIsOurs('-A FORWARD -i scbr1 -j ACCEPT', scope1)).toBe(true);
    expect(ruleIsOurs('-A FORWARD -o scbr1 -j ACCEPT', scope1)).toBe(true);
    expect(ruleIsOurs('-A FORWARD -o scbr10 -j ACCEPT', scope1)).toBe(false);
    expect(ruleIsOurs('-A FORWARD -i scbr1 -j ACCEPT', scope10)).toBe(false);
    expect(ruleIsOurs('-A POSTROUTING -s 10.244.1.7/32 -j MASQUERADE', scope1)).toBe(true);
    expect(ruleIsOurs('-A POSTROUTING -s 10.244.10.7/32 -j MASQUERADE', scope1)).toBe(false);
    expect(ruleIsOurs('-A POSTROUTING -d 10.244.0.0/16 -j ACCEPT', scope1), 'wider than ours').toBe(false);
    expect(
      ruleIsOurs(
        '-A X -m comment --comment "name: \\"sidecar-conformance-m1\\" id: \\"1\\"" -j ACCEPT',
        scope1,
      ),
    ).toBe(true);
    expect(
      ruleIsOurs(
        '-A X -m comment --comment "name: \\"sidecar-conformance-m10\\" id: \\"1\\"" -j ACCEPT',
        scope1,
      ),
    ).toBe(false);
    expect(
      ruleIsOurs('-A INPUT -m comment --comment "sidecar-conformance:m1 kubelet" -j ACCEPT', scope1),
    ).toBe(true);
    expect(ruleIsOurs('-A INPUT -m comment --comment "sidecar-conformance:m10" -j ACCEPT', scope1)).toBe(
      false,
    );
    expect(ruleIsOurs('-A DOCKER -i docker0 -j RETURN', scope1)).toBe(false);
  });

  it('removes only this cluster’s rules and chains, whoever else added rules meanwhile', () => {
    const before = ['-P POSTROUTING ACCEPT', '-A POSTROUTING -o eth0 -j MASQUERADE'];
    const other = cniMasq('sidecar-conformance-m10', '10.244.10.5', 'CNI-bbb', '10.244.10.0/24');
    const ours = cniMasq('sidecar-conformance-m1', '10.244.1.5', 'CNI-aaa', '10.244.1.0/24');
    const unrelated = ['-N DOCKER', '-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE'];
    const now = [...before, ...other, ...ours, ...unrelated, '-A POSTROUTING -o scbr1 -j ACCEPT'];
    const changes = ourIptablesChanges(before, now, scope1);
    expect(changes.chains).toEqual(['CNI-aaa']);
    expect(changes.rules).toEqual([ours[1], '-A POSTROUTING -o scbr1 -j ACCEPT']);
    const theirs = ourIptablesChanges(before, now, scope10);
    expect(theirs.chains).toEqual(['CNI-bbb']);
    expect(theirs.rules).toEqual([other[1]]);
  });

  it('leaves a rule that was there before up, and a new chain someone else also jumps to', () => {
    const before = ['-A FORWARD -i scbr1 -j ACCEPT'];
    const now = [...before, '-N SHARED', '-A FORWARD -i scbr1 -j SHARED', '-A FORWARD -i eth0 -j SHARED'];
    expect(ourIptablesChanges(before, now, scope1)).toEqual({
      rules: ['-A FORWARD -i scbr1 -j SHARED'],
      chains: [],
    });
  });

  it('turns a rule back into iptables -D arguments, its comment unquoted', () => {
    expect(
      deleteArgs(
        '-A POSTROUTING -s 10.244.1.5/32 -m comment --comment "name: \\"n\\" id: \\"x y\\"" -j CNI-a',
      ),
    ).toEqual([
      '-D',
      'POSTROUTING',
      '-s',
      '10.244.1.5/32',
      '-m',
      'comment',
      '--comment',
      'name: "n" id: "x y"',
      '-j',
      'CNI-a',
    ]);
  });

  it('tests IPv4 containment', () => {
    expect(insideSubnet('10.244.1.0/24', '10.244.1.0/24')).toBe(true);
    expect(insideSubnet('10.244.1.9', '10.244.1.0/24')).toBe(true);
    expect(insideSubnet('10.244.2.9', '10.244.1.0/24')).toBe(false);
    expect(insideSubnet('10.244.0.0/16', '10.244.1.0/24')).toBe(false);
    expect(insideSubnet('fe80::1/64', '10.244.1.0/24')).toBe(false);
    expect(insideSubnet('1.2.3.4', '0.0.0.0/0')).toBe(true);
  });
});

describe('process marker', () => {
  it('ends with a slash so m1 never matches m10, nor the default cluster sidecar-conformance-2', () => {
    expect(dirMarker(m1)).toBe('/s/clusters/m1/');
    expect(`/x --config ${m10.containerd.configPath}`.includes(dirMarker(m1))).toBe(false);
    const def = layoutFor('/s/clusters/sidecar-conformance', 0);
    const two = layoutFor('/s/clusters/sidecar-conformance-2', 2);
    expect(`containerd --config ${two.containerd.configPath}`.includes(dirMarker(def))).toBe(false);
    expect(`containerd --config ${def.containerd.configPath}`.includes(dirMarker(def))).toBe(true);
  });
});
