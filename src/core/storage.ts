import { ConfigError } from "./errors.ts";

/**
 * Durable storage as the core sees it: a directory of named files that
 * runtimes/node and runtimes/deno implement with their file systems (and
 * tests with MemoryStorage). src/ never opens a file itself. Synchronous on
 * purpose: a journal must know its record is on disk before the order it
 * describes leaves, and every host offers synchronous writes and fsync.
 *
 * Names are relative paths with "/" separators ("sessions/abc/engine.journal");
 * implementations refuse absolute paths and "..".
 */
export interface Storage {
  /** Opens (creating it and its folders when missing) a file to append to. */
  openAppend(name: string): AppendFile;
  /** A whole file, or null when there is none. */
  read(name: string): Uint8Array | null;
  /** Replaces a file atomically: readers see the old bytes or the new, never a mix, even after a crash. */
  write(name: string, bytes: Uint8Array): void;
  /** Names of the entries directly in folder `dir` ("" for the top), sorted; none when it does not exist. */
  list(dir: string): string[];
  /** Deletes a file or a folder with everything in it; nothing when absent. */
  remove(name: string): void;
}

/** An append-only file: the journal's medium. */
export interface AppendFile {
  /** Every byte in the file now (what a restart reads back). */
  readAll(): Uint8Array;
  /** Adds bytes at the end; they may sit in the OS's cache until sync(). */
  append(bytes: Uint8Array): void;
  /** Returns once everything appended is on stable storage (fsync). */
  sync(): void;
  /** Cuts the file to `length` bytes and syncs (dropping a torn tail). */
  truncate(length: number): void;
  close(): void;
}

/** Refuses names that could leave the storage's folder. */
export function checkStorageName(name: string): string {
  const parts = name.split("/");
  if (name === "" || name.startsWith("/") || parts.some((p) => p === "" || p === "." || p === "..")) {
    throw new ConfigError(`storage name ${JSON.stringify(name)} must be a relative path without empty, "." or ".." parts`, { field: "name" });
  }
  return name;
}

/**
 * Storage in memory, for tests and hosts without a file system. It tells
 * synced bytes from merely appended ones, so a test can take `crashed()`:
 * a copy holding only what an fsync made durable, as after a power cut.
 */
export class MemoryStorage implements Storage {
  private readonly files = new Map<string, { written: Uint8Array; durable: number }>();
  /** Called after every append and sync (a test takes crash images there). */
  onChange?: () => void;

  openAppend(name: string): AppendFile {
    checkStorageName(name);
    if (!this.files.has(name)) this.files.set(name, { written: new Uint8Array(0), durable: 0 });
    const file = () => this.files.get(name)!;
    return {
      readAll: () => file().written.slice(),
      append: (bytes) => {
        const f = file();
        const next = new Uint8Array(f.written.length + bytes.length);
        next.set(f.written);
        next.set(bytes, f.written.length);
        f.written = next;
        this.onChange?.();
      },
      sync: () => {
        file().durable = file().written.length;
        this.onChange?.();
      },
      truncate: (length) => {
        const f = file();
        f.written = f.written.slice(0, length);
        f.durable = f.written.length;
      },
      close: () => {},
    };
  }

  read(name: string): Uint8Array | null {
    const f = this.files.get(checkStorageName(name));
    return f ? f.written.slice() : null;
  }

  write(name: string, bytes: Uint8Array): void {
    this.files.set(checkStorageName(name), { written: bytes.slice(), durable: bytes.length });
  }

  list(dir: string): string[] {
    const prefix = dir === "" ? "" : `${dir}/`;
    const names = new Set<string>();
    for (const name of this.files.keys()) if (name.startsWith(prefix)) names.add(name.slice(prefix.length).split("/")[0]);
    return [...names].sort();
  }

  remove(name: string): void {
    for (const key of [...this.files.keys()]) if (key === name || key.startsWith(`${name}/`)) this.files.delete(key);
  }

  /**
   * What survives a crash now: each file's synced bytes, plus, when `torn`
   * is given, that many of its unsynced bytes (a write cut short).
   */
  crashed(torn = 0): MemoryStorage {
    const copy = new MemoryStorage();
    for (const [name, f] of this.files) {
      const keep = Math.min(f.written.length, f.durable + torn);
      copy.files.set(name, { written: f.written.slice(0, keep), durable: keep });
    }
    return copy;
  }
}
