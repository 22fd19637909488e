/**
 * The node container's entrypoint (our own, written for this host): kind runs the image with
 * `--privileged --cgroupns=private --tmpfs /run --tmpfs /tmp --volume /var`, and this script
 * readies what systemd and the kubelet expect before exec-ing /sbin/init.
 *
 * - `/sys` read-only, so systemd knows it runs in a container and leaves devices alone.
 * - `/` shared, so the kubelet's volume mounts propagate into pods.
 * - cgroup v1 (this host): in a private cgroup namespace each hierarchy's root is the node's own
 *   cgroup; `/kubelet` and `/kubelet.slice` (kind's cgroupRoot, as the cgroupfs and systemd
 *   drivers spell it) are made in every hierarchy and bind-mounted onto themselves, so the
 *   kubelet's cgroup root is a mount point in each, as it is on a real v1 machine.
 * - a fresh machine-id and product_uuid per node (the kubelet reports the latter as system UUID).
 * - DNS that fails at once: docker points the node at its embedded resolver 127.0.0.11, which
 *   answers only through iptables rules that our dockerd (`"iptables": false`) does not make, so
 *   every lookup waited 20 s for its timeout (the kubelet pulls one image at a time, so one pull of
 *   a registry name held up every other Pod's). Offline nothing resolves anyway; 127.0.0.1 refuses
 *   at once, in the node and in the Pods that inherit its resolv.conf.
 *
 * It deliberately does not print kind's "detected cgroup v1" marker: kind stops waiting for the
 * node at that marker or at systemd's "Reached target … Multi-User System", and the latter is
 * the one that means containerd is up.
 */
export const ENTRYPOINT = `#!/bin/bash
# sidecar-conformance kind node entrypoint: prepares mounts and cgroups, then runs systemd.
set -o errexit -o nounset -o pipefail

say() { echo "sidecar-conformance-node: $*" >&2; }

say "remounting /sys read-only and / shared"
mount -o remount,ro /sys
mount --make-rshared /

if [[ -f /sys/fs/cgroup/cgroup.controllers ]]; then
  say "cgroup v2 host: nothing to prepare"
else
  own=$(awk -F: '$2 ~ /(^|,)cpu(,|$)/ { print $3 }' /proc/self/cgroup)
  if [[ "$own" != "/" ]]; then
    say "cgroup v1 without a private cgroup namespace (own cgroup $own); the kubelet will not find its cgroups"
    exit 1
  fi
  say "cgroup v1 host with a private cgroup namespace: preparing /kubelet and /kubelet.slice"
  mount --make-rprivate /sys/fs/cgroup
  for hierarchy in $(findmnt -lun -o target -t cgroup); do
    for root in kubelet kubelet.slice; do
      mkdir -p "$hierarchy/$root"
      if [[ "$hierarchy" == */cpuset ]]; then
        cat "$hierarchy/cpuset.cpus" > "$hierarchy/$root/cpuset.cpus"
        cat "$hierarchy/cpuset.mems" > "$hierarchy/$root/cpuset.mems"
      fi
      mount --bind "$hierarchy/$root" "$hierarchy/$root"
    done
  done
fi

say "new machine-id and product_uuid"
rm -f /etc/machine-id
systemd-machine-id-setup >/dev/null
[[ -f /kind/product_uuid ]] || cat /proc/sys/kernel/random/uuid > /kind/product_uuid
for uuid in /sys/class/dmi/id/product_uuid /sys/devices/virtual/dmi/id/product_uuid; do
  if [[ -f "$uuid" ]]; then mount -o ro,bind /kind/product_uuid "$uuid"; fi
done

if grep -qx 'nameserver 127.0.0.11' /etc/resolv.conf; then
  say "docker's embedded DNS needs iptables rules this dockerd does not make: resolv.conf points at 127.0.0.1"
  sed 's/^nameserver 127\\.0\\.0\\.11$/nameserver 127.0.0.1/' /etc/resolv.conf > /tmp/resolv.conf
  cat /tmp/resolv.conf > /etc/resolv.conf
fi

say "starting $*"
exec "$@"
`;
