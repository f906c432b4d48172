// The storage port (src/core/storage.ts) on Node's file system, under one
// root folder: synchronous writes and fsync, atomic replace by rename, and
// the folder itself fsync'd when a file appears in it, so a new journal's
// name survives a crash too.
import { closeSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";
import { checkStorageName, type AppendFile, type Storage } from "../../src/core/storage.ts";

export class NodeStorage implements Storage {
  constructor(readonly root: string) {
    mkdirSync(root, { recursive: true });
  }

  private path(name: string): string {
    return join(this.root, checkStorageName(name));
  }

  openAppend(name: string): AppendFile {
    const path = this.path(name);
    mkdirSync(dirname(path), { recursive: true });
    const fd = openSync(path, "a+");
    syncFolder(dirname(path));
    return {
      readAll: () => new Uint8Array(readFileSync(path)),
      append: (bytes) => {
        for (let at = 0; at < bytes.length;) at += writeSync(fd, bytes, at, bytes.length - at);
      },
      sync: () => fsyncSync(fd),
      truncate: (length) => {
        ftruncateSync(fd, length);
        fsyncSync(fd);
      },
      close: () => closeSync(fd),
    };
  }

  read(name: string): Uint8Array | null {
    try {
      return new Uint8Array(readFileSync(this.path(name)));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw e;
    }
  }

  write(name: string, bytes: Uint8Array): void {
    const path = this.path(name);
    mkdirSync(dirname(path), { recursive: true });
    const temp = `${path}.tmp`;
    const fd = openSync(temp, "w");
    try {
      for (let at = 0; at < bytes.length;) at += writeSync(fd, bytes, at, bytes.length - at);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
    syncFolder(dirname(path));
  }

  list(dir: string): string[] {
    try {
      return readdirSync(dir === "" ? this.root : this.path(dir)).filter((n) => !n.endsWith(".tmp")).sort();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw e;
    }
  }

  remove(name: string): void {
    rmSync(this.path(name), { recursive: true, force: true });
  }
}

/** fsync on a folder makes the names in it durable (Linux); where folders cannot be opened (Windows) it is skipped. */
function syncFolder(path: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(path, "r");
    fsyncSync(fd);
  } catch {
    // Not supported here: the file's own fsync is what we have.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
