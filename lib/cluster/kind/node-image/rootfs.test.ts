import { describe, expect, it } from 'vitest';
import { ROOTFS_PACKAGES, aptMirror, rootfsKey, rootfsTarPath } from './rootfs.js';

describe("the base rootfs's mirror", () => {
  it("comes from the host's deb822 sources, skipping the security archive", () => {
    const sources = `Types: deb
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security

Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
`;
    expect(aptMirror(sources)).toBe('http://deb.debian.org/debian');
  });

  it('or from a one-line source, options included', () => {
    expect(aptMirror('deb [arch=amd64] http://mirror.example/debian bookworm main\n')).toBe(
      'http://mirror.example/debian',
    );
    expect(aptMirror('# nothing\n')).toBeUndefined();
  });
});

describe('the rootfs cache key', () => {
  it('changes with the mirror and the packages, not their order', () => {
    const key = rootfsKey('http://a/debian');
    expect(rootfsKey('http://a/debian', [...ROOTFS_PACKAGES].reverse())).toBe(key);
    expect(rootfsKey('http://b/debian')).not.toBe(key);
    expect(rootfsKey('http://a/debian', [...ROOTFS_PACKAGES, 'curl'])).not.toBe(key);
    expect(rootfsTarPath('/c', 'http://a/debian')).toBe(`/c/kind/rootfs/bookworm-${key}.tar`);
  });
});
