/**
 * A minimal POSIX ustar writer for image layers and OCI archives. Output is deterministic: entries
 * sorted by path, mtime 0, owner 0:0, no user or group names, so the same input always gives the
 * same bytes and therefore the same digest.
 */

export type TarEntry =
  | { type: 'file'; path: string; mode: number; content: Buffer }
  | { type: 'directory'; path: string; mode: number }
  | { type: 'symlink'; path: string; target: string };

const BLOCK = 512;
const DIRECTORY_MODE = 0o755;

/** The archive of `entries`; missing parent directories are added with mode 0755. */
export function writeTar(entries: readonly TarEntry[]): Buffer {
  const byPath = new Map<string, TarEntry>();
  for (const entry of entries) {
    const path = cleanPath(entry.path);
    if (byPath.has(path)) throw new Error(`tar: ${path} is listed twice`);
    byPath.set(path, { ...entry, path });
  }
  for (const path of [...byPath.keys()]) {
    for (let parent = parentOf(path); parent !== ''; parent = parentOf(parent)) {
      const existing = byPath.get(parent);
      if (existing && existing.type !== 'directory') throw new Error(`tar: ${parent} is not a directory`);
      if (!existing) byPath.set(parent, { type: 'directory', path: parent, mode: DIRECTORY_MODE });
    }
  }
  // A parent's path is a prefix of its children's, so byte order puts every directory first.
  const sorted = [...byPath.values()].sort((a, b) =>
    Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)),
  );

  const blocks: Buffer[] = [];
  for (const entry of sorted) {
    blocks.push(header(entry));
    if (entry.type === 'file' && entry.content.length > 0) {
      blocks.push(entry.content, Buffer.alloc(padding(entry.content.length)));
    }
  }
  blocks.push(Buffer.alloc(2 * BLOCK));
  return Buffer.concat(blocks);
}

/** `./a//b/` → `a/b`; rejects absolute-looking escapes and `..`. */
function cleanPath(path: string): string {
  const parts = path.split('/').filter((part) => part !== '' && part !== '.');
  if (parts.length === 0 || parts.includes('..'))
    throw new Error(`tar: unusable entry path ${JSON.stringify(path)}`);
  return parts.join('/');
}

function parentOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

function padding(size: number): number {
  return (BLOCK - (size % BLOCK)) % BLOCK;
}

function header(entry: TarEntry): Buffer {
  const block = Buffer.alloc(BLOCK);
  const name = entry.type === 'directory' ? `${entry.path}/` : entry.path;
  const [prefix, rest] = splitName(name);
  field(block, 0, 100, rest);
  const mode = entry.type === 'symlink' ? 0o777 : entry.mode;
  octal(block, 100, 8, mode & 0o7777);
  octal(block, 108, 8, 0); // uid
  octal(block, 116, 8, 0); // gid
  octal(block, 124, 12, entry.type === 'file' ? entry.content.length : 0);
  octal(block, 136, 12, 0); // mtime
  block.fill(0x20, 148, 156); // checksum is computed with its own field as spaces
  block.write(entry.type === 'file' ? '0' : entry.type === 'directory' ? '5' : '2', 156, 'ascii');
  if (entry.type === 'symlink') field(block, 157, 100, entry.target);
  block.write('ustar\u000000', 257, 'ascii');
  octal(block, 329, 8, 0); // devmajor
  octal(block, 337, 8, 0); // devminor
  field(block, 345, 155, prefix);
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148, 'ascii');
  return block;
}

/** ustar keeps long names as prefix (155 bytes) + "/" + name (100 bytes). */
function splitName(name: string): [string, string] {
  if (Buffer.byteLength(name) <= 100) return ['', name];
  for (let slash = name.indexOf('/'); slash >= 0; slash = name.indexOf('/', slash + 1)) {
    const prefix = name.slice(0, slash);
    const rest = name.slice(slash + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(rest) <= 100 && rest !== '')
      return [prefix, rest];
  }
  throw new Error(`tar: path too long for ustar: ${name}`);
}

function field(block: Buffer, offset: number, length: number, value: string): void {
  const bytes = Buffer.from(value, 'utf8');
  if (bytes.length > length) throw new Error(`tar: ${JSON.stringify(value)} does not fit in ${length} bytes`);
  bytes.copy(block, offset);
}

/** Zero-padded octal digits followed by a NUL, filling the field. */
function octal(block: Buffer, offset: number, length: number, value: number): void {
  const digits = value.toString(8);
  if (!Number.isSafeInteger(value) || value < 0 || digits.length > length - 1) {
    throw new Error(`tar: ${value} does not fit in a ${length}-byte field`);
  }
  block.write(`${digits.padStart(length - 1, '0')}\u0000`, offset, 'ascii');
}
