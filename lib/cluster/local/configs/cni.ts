export interface CniConflistOptions {
  /** CNI network name; also names host-local's lease directory under ipamDataDir. */
  name: string;
  /** Bridge device to create or reuse; ours alone, so `down` can delete it by name. */
  bridge: string;
  /** Pod addresses, e.g. 10.244.0.0/24. */
  subnet: string;
  /** The bridge's own address in the subnet (LocalClusterLayout.nodeIp); pods route through it. */
  gateway: string;
  /** host-local's lease files; the default /var/lib/cni/networks is shared host-wide. */
  ipamDataDir: string;
}

/**
 * The pod network: a bridge with host-local addresses, then loopback (it passes the bridge's result
 * through and brings `lo` up even for a runtime that does not add its own loopback network).
 * No ipMasq and no portmap: pods here never reach beyond the node, so no iptables rule is made.
 * CNI spec 1.0.0 is supported by Debian's plugins 1.1.1 (`CNI_COMMAND=VERSION` lists it) and by
 * the libcni of containerd 1.6.20 (v1.1.1) and 2.4.2 (v1.3.1).
 */
export function cniConflist(opts: CniConflistOptions): string {
  const conflist = {
    cniVersion: '1.0.0',
    name: opts.name,
    plugins: [
      {
        type: 'bridge',
        bridge: opts.bridge,
        isGateway: true,
        ipMasq: false,
        ipam: {
          type: 'host-local',
          ranges: [[{ subnet: opts.subnet, gateway: opts.gateway }]],
          dataDir: opts.ipamDataDir,
        },
      },
      { type: 'loopback' },
    ],
  };
  return `${JSON.stringify(conflist, null, 2)}\n`;
}
