// The storage port (src/core/storage.ts) on Deno's file system, under one
// root folder: synchronous writes and fsync (syncSync), atomic replace by
// rename. Needs --allow-read and --allow-write for the folder.
import { checkStorageName, type AppendFile, type Storage } from "../../src/core/storage.ts";

export class DenoStorage implements Storage {
  constructor(readonly root: string) {
    Deno.mkdirSync(root, { recursive: true });
  }

  private path(name: string): string {
    return `${this.root}/${checkStorageName(name)}`;
  }

  openAppend(name: string): AppendFile {
    const path = this.path(name);
    Deno.mkdirSync(parent(path), { recursive: true });
    const file = Deno.openSync(path, { read: true, append: true, create: true });
    return {
      readAll: () => Deno.readFileSync(path),
      append: (bytes) => {
        for (let at = 0; at < bytes.length;) at += file.writeSync(bytes.subarray(at));
      },
      sync: () => file.syncSync(),
      truncate: (length) => {
        file.truncateSync(length);
        file.syncSync();
      },
      close: () => file.close(),
    };
  }

  read(name: string): Uint8Array | null {
    try {
      return Deno.readFileSync(this.path(name));
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) return null;
      throw e;
    }
  }

  write(name: string, bytes: Uint8Array): void {
    const path = this.path(name);
    Deno.mkdirSync(parent(path), { recursive: true });
    const temp = `${path}.tmp`;
    const file = Deno.openSync(temp, { write: true, create: true, truncate: true });
    try {
      for (let at = 0; at < bytes.length;) at += file.writeSync(bytes.subarray(at));
      file.syncSync();
    } finally {
      file.close();
    }
    Deno.renameSync(temp, path);
  }

  list(dir: string): string[] {
    try {
      return [...Deno.readDirSync(dir === "" ? this.root : this.path(dir))].map((e) => e.name).filter((n) => !n.endsWith(".tmp")).sort();
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) return [];
      throw e;
    }
  }

  remove(name: string): void {
    try {
      Deno.removeSync(this.path(name), { recursive: true });
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
  }
}

function parent(path: string): string {
  return path.slice(0, Math.max(0, path.lastIndexOf("/"))) || ".";
}
