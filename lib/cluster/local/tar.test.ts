import { lstat, mkdir, mkdtemp, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeTar, type TarEntry } from './tar.js';

const entries: TarEntry[] = [
  { type: 'symlink', path: 'bin/sh', target: 'busybox' },
  { type: 'file', path: 'bin/busybox', mode: 0o755, content: Buffer.from('#!fake busybox\n') },
  { type: 'directory', path: 'tmp', mode: 0o1777 },
  { type: 'file', path: 'etc/passwd', mode: 0o644, content: Buffer.from('root:x:0:0:root:/root:/bin/sh\n') },
  { type: 'file', path: 'etc/empty', mode: 0o600, content: Buffer.alloc(0) },
  // Exactly one block, so no padding follows it.
  { type: 'file', path: 'data/block', mode: 0o644, content: Buffer.alloc(512, 0x61) },
  { type: 'symlink', path: 'data/abs', target: '/etc/passwd' },
];

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tar-test-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function systemListing(archive: Buffer): Promise<string[]> {
  const path = join(dir, 'out.tar');
  await writeFile(path, archive);
  const { stdout } = await execa('tar', ['-tvf', path], { env: { TZ: 'UTC', LC_ALL: 'C' } });
  return stdout.split('\n').map((line) => line.replace(/\s+/g, ' '));
}

describe('writeTar', () => {
  it('writes what GNU tar lists: sorted, parents first, owner 0/0, mtime 0', async () => {
    expect(await systemListing(writeTar(entries))).toEqual([
      'drwxr-xr-x 0/0 0 1970-01-01 00:00 bin/',
      '-rwxr-xr-x 0/0 15 1970-01-01 00:00 bin/busybox',
      'lrwxrwxrwx 0/0 0 1970-01-01 00:00 bin/sh -> busybox',
      'drwxr-xr-x 0/0 0 1970-01-01 00:00 data/',
      'lrwxrwxrwx 0/0 0 1970-01-01 00:00 data/abs -> /etc/passwd',
      '-rw-r--r-- 0/0 512 1970-01-01 00:00 data/block',
      'drwxr-xr-x 0/0 0 1970-01-01 00:00 etc/',
      '-rw------- 0/0 0 1970-01-01 00:00 etc/empty',
      '-rw-r--r-- 0/0 30 1970-01-01 00:00 etc/passwd',
      'drwxrwxrwt 0/0 0 1970-01-01 00:00 tmp/',
    ]);
  });

  it('extracts with system tar to the same contents, modes and symlinks', async () => {
    const archive = join(dir, 'out.tar');
    const root = join(dir, 'root');
    await writeFile(archive, writeTar(entries));
    await mkdir(root);
    await execa('tar', ['-xpf', archive, '-C', root]);

    for (const entry of entries) {
      const path = join(root, entry.path);
      const stat = await lstat(path);
      if (entry.type === 'file') {
        expect(stat.isFile()).toBe(true);
        expect(stat.mode & 0o7777).toBe(entry.mode);
        expect(await readFile(path)).toEqual(entry.content);
      } else if (entry.type === 'directory') {
        expect(stat.isDirectory()).toBe(true);
        expect(stat.mode & 0o7777).toBe(entry.mode);
      } else {
        expect(stat.isSymbolicLink()).toBe(true);
        expect(await readlink(path)).toBe(entry.target);
      }
    }
  });

  it('is a whole number of blocks ending in two zero blocks', () => {
    const archive = writeTar(entries);
    expect(archive.length % 512).toBe(0);
    expect(archive.subarray(-1024).every((byte) => byte === 0)).toBe(true);
  });

  it('gives the same bytes whatever the input order', () => {
    expect(writeTar([...entries].reverse()).equals(writeTar(entries))).toBe(true);
  });

  it('splits a long path into ustar prefix and name', async () => {
    const deep = `${'d'.repeat(90)}/${'e'.repeat(90)}/file`;
    const listing = await systemListing(
      writeTar([{ type: 'file', path: deep, mode: 0o644, content: Buffer.from('x') }]),
    );
    expect(listing.at(-1)).toBe(`-rw-r--r-- 0/0 1 1970-01-01 00:00 ${deep}`);
  });

  it('refuses duplicates, escapes and files used as directories', () => {
    const file = (path: string): TarEntry => ({ type: 'file', path, mode: 0o644, content: Buffer.from('') });
    expect(() => writeTar([file('a'), file('./a')])).toThrow('a is listed twice');
    expect(() => writeTar([file('../a')])).toThrow('unusable entry path');
    expect(() => writeTar([file('a'), file('a/b')])).toThrow('a is not a directory');
    expect(() => writeTar([file(`${'x'.repeat(101)}`)])).toThrow('too long');
  });
});
