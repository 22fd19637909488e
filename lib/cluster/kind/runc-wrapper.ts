/**
 * The runc wrapper dockerd runs in place of runc on this kind of host. kind starts every node with
 * `docker run --privileged` and runs every node command with `docker exec --privileged`; Debian
 * bookworm's dockerd 20.10 then asks runc for every capability it knows, CAP_SYS_RESOURCE included,
 * which this VM's root does not hold, so runc fails with "unable to apply caps". The wrapper drops
 * that one capability from the OCI spec (`create --bundle <dir>`: <dir>/config.json) and from the
 * exec process file (`exec --process <file>`) and hands every argument on to the real runc: what
 * newer dockerd releases do themselves by capping "all" at the daemon's own capabilities.
 */

/** The first lines of every wrapper we write; `--undo` removes a wrapper only when it starts so. */
export const WRAPPER_MARK = '# Written by `sidecar-conformance setup --kind`';

export const DEFAULT_WRAPPER_PATH = '/usr/local/sbin/sidecar-conformance-runc';

/** The name dockerd knows the wrapper by (daemon.json `runtimes`, `default-runtime`). */
export const WRAPPER_RUNTIME = 'sidecar-conformance-runc';

export const DROPPED_CAPABILITY = 'CAP_SYS_RESOURCE';

/**
 * The jq program that removes the capability from every capability set of a process object:
 * `.process` in a bundle's config.json, the top level in an exec process file.
 */
export function jqDropCapability(where: '.process' | '.'): string {
  const sets = where === '.' ? '.capabilities' : `${where}.capabilities`;
  return `if ${sets} then ${sets} |= with_entries(if (.value | type) == "array" then .value |= map(select(. != "${DROPPED_CAPABILITY}")) else . end) else . end`;
}

export function runcWrapperScript(options: { realRunc: string; jq: string }): string {
  return `#!/bin/sh
${WRAPPER_MARK}; removed by \`setup --kind --undo\`.
# dockerd's default runtime: drops ${DROPPED_CAPABILITY} (which this host's root lacks) from the
# capabilities runc is asked for, then runs ${options.realRunc} with the same arguments.
set -eu
strip() { # <file> <jq filter>
  "${options.jq}" "$2" "$1" > "$1.sc-tmp" || { echo "sidecar-conformance-runc: jq could not rewrite $1" >&2; rm -f "$1.sc-tmp"; exit 1; }
  mv "$1.sc-tmp" "$1"
}
bundle_filter='${jqDropCapability('.process')}'
process_filter='${jqDropCapability('.')}'
previous=
for arg in "$@"; do
  case "$previous" in
    --bundle|-b) strip "$arg/config.json" "$bundle_filter" ;;
    --process|-p) strip "$arg" "$process_filter" ;;
  esac
  case "$arg" in
    --bundle=*) strip "\${arg#--bundle=}/config.json" "$bundle_filter" ;;
    --process=*) strip "\${arg#--process=}" "$process_filter" ;;
  esac
  previous=$arg
done
exec "${options.realRunc}" "$@"
`;
}
