#!/usr/bin/env bash
# Runs a command with Node 24 first on PATH: `scripts/node24.sh npx vitest run --project unit`.
# With no command it prints the Node 24 binary's path.
#
# Node 24 comes from the npm registry, not a download site: the `node-linux-<arch>` package (the one
# the registry's `node` package installs for Linux) holds the official binary. It is fetched once
# with `npm pack` (which checks the registry's integrity hash) and kept in the project's cache,
# keyed by version and platform: $XDG_CACHE_HOME/sidecar-conformance/bin/node-v<V>-linux-<arch>.
# NODE24_VERSION overrides the version.
set -euo pipefail

version="${NODE24_VERSION:-24.22.3}"
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) platform=linux-x64 ;;
  Linux-aarch64 | Linux-arm64) platform=linux-arm64 ;;
  *)
    echo "scripts/node24.sh: no Node 24 package on the npm registry for $(uname -s) $(uname -m); install Node 24 yourself and run the command with it" >&2
    exit 1
    ;;
esac

cache="${XDG_CACHE_HOME:-}"
[[ "$cache" == /* ]] || cache="$HOME/.cache"
dir="$cache/sidecar-conformance/bin/node-v$version-$platform"

if [[ ! -x "$dir/bin/node" ]]; then
  mkdir -p "$(dirname "$dir")"
  tmp="$(mktemp -d "$dir.tmp.XXXXXX")"
  trap 'rm -rf "$tmp"' EXIT
  echo "scripts/node24.sh: fetching node-$platform@$version from the npm registry into $dir" >&2
  tarball="$(cd "$tmp" && npm pack --silent "node-$platform@$version")"
  tar -xzf "$tmp/$tarball" -C "$tmp"
  "$tmp/package/bin/node" --version >/dev/null
  rm -rf "$dir"
  mv "$tmp/package" "$dir"
  rm -rf "$tmp"
  trap - EXIT
fi

if [[ $# -eq 0 ]]; then
  echo "$dir/bin/node"
  exit 0
fi
export PATH="$dir/bin:$PATH"
exec "$@"
