/**
 * The compile cache's store: every entry of a cache directory in one file (`modules.pack`), opened once when
 * a process starts (its index read, each entry read when its module loads) and replaced whole (written
 * beside, then renamed) when a process adds or completes entries. One file rather than one per module:
 * creating a thousand small files costs ~0.7 ms each on a virtual disk, which made a first run a second
 * slower; one 16 MB file is written in milliseconds.
 *
 * Layout: "FCC2", the index's byte length (uint32 LE), the index (JSON: [file name, offset, length,
 * refreshes][], offsets from the end of the index), then the entries' bytes.
 */
import { closeSync, fstatSync, openSync, readSync, renameSync, writeFileSync } from 'node:fs';

const MAGIC = Buffer.from('FCC2');

/** One module's entry: its bytes and how many later processes have completed it (see compile-cache.ts). */
export interface PackEntry {
  readonly bytes: Buffer;
  readonly refreshes: number;
}

/** The entries of a pack, read from the file one at a time, when asked for. */
export interface Pack {
  readonly names: ReadonlySet<string>;
  /** The entry's bytes in a buffer reused by the next call (copy to keep), or undefined. */
  read(name: string): Buffer | undefined;
  refreshes(name: string): number;
  close(): void;
}

let scratch = Buffer.allocUnsafe(1 << 20);

/** Opens the pack at `file`; a missing, cut or unreadable pack has no entries. */
export function openPack(file: string): Pack {
  const empty: Pack = { names: new Set(), read: () => undefined, refreshes: () => 0, close: () => {} };
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return empty;
  }
  const readAt = (length: number, position: number): Buffer | undefined => {
    if (length > scratch.length) scratch = Buffer.allocUnsafe(length);
    return readSync(fd, scratch, 0, length, position) === length ? scratch.subarray(0, length) : undefined;
  };
  try {
    const size = fstatSync(fd).size;
    const head = readAt(8, 0);
    if (!head?.subarray(0, 4).equals(MAGIC)) throw new Error('not a pack');
    const indexBytes = head.readUInt32LE(4);
    const dataStart = 8 + indexBytes;
    const index = JSON.parse(readAt(indexBytes, 8)?.toString('utf8') ?? '') as [
      string,
      number,
      number,
      number,
    ][];
    const at = new Map<string, readonly [number, number, number]>();
    for (const [name, offset, length, refreshes] of index) {
      if (dataStart + offset + length > size) throw new Error('cut short'); // trust none of it
      at.set(name, [dataStart + offset, length, refreshes]);
    }
    let open = true;
    return {
      names: new Set(at.keys()),
      read: (name) => {
        const where = open ? at.get(name) : undefined;
        return where ? readAt(where[1], where[0]) : undefined;
      },
      refreshes: (name) => at.get(name)?.[2] ?? 0,
      close: () => {
        if (open) closeSync(fd);
        open = false;
      },
    };
  } catch {
    closeSync(fd);
    return empty;
  }
}

/** Every entry of the pack at `file`, copied. */
export function readPack(file: string): Map<string, PackEntry> {
  const pack = openPack(file);
  try {
    return new Map(
      [...pack.names].map((name) => [
        name,
        { bytes: Buffer.from(pack.read(name) as Buffer), refreshes: pack.refreshes(name) },
      ]),
    );
  } finally {
    pack.close();
  }
}

/** Writes `entries` as the pack at `file`, atomically (a reader sees the old pack or the new one). */
export function writePack(file: string, entries: ReadonlyMap<string, PackEntry>): void {
  const index: [string, number, number, number][] = [];
  let offset = 0;
  for (const [name, { bytes, refreshes }] of entries) {
    index.push([name, offset, bytes.length, refreshes]);
    offset += bytes.length;
  }
  const indexBuffer = Buffer.from(JSON.stringify(index), 'utf8');
  const size = Buffer.alloc(4);
  size.writeUInt32LE(indexBuffer.length, 0);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, Buffer.concat([MAGIC, size, indexBuffer, ...[...entries.values()].map((e) => e.bytes)]));
  renameSync(tmp, file);
}
