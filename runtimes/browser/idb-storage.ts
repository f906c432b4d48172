// The storage port (src/core/storage.ts) in a browser tab, on IndexedDB.
// IndexedDB answers asynchronously and the port is synchronous, so open()
// reads every file of the database into memory once: read and list answer
// from there, write and remove change it at once and queue the same change
// to the database, and flush() resolves when the queue is committed. A
// saved vector index survives a reload once flush() has resolved. Not for
// the execution journal: an append cannot be made durable before it
// returns, so openAppend refuses.
import { ConfigError } from "../../src/core/errors.ts";
import { checkStorageName, type AppendFile, type Storage } from "../../src/core/storage.ts";

const STORE = "files";

export class IdbStorage implements Storage {
  private pending: Promise<void> = Promise.resolve();
  private failure: unknown = null;

  private constructor(private readonly db: IDBDatabase, private readonly files: Map<string, Uint8Array>) {}

  /** Opens (creating it when missing) the database `name` and reads its files. */
  static async open(name = "neural-trader", idb: IDBFactory = indexedDB): Promise<IdbStorage> {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = idb.open(name, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(STORE);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const files = new Map<string, Uint8Array>();
    await new Promise<void>((resolve, reject) => {
      const request = db.transaction(STORE, "readonly").objectStore(STORE).openCursor();
      request.onsuccess = () => {
        const cursor = request.result;
        if (cursor === null) return resolve();
        files.set(cursor.key as string, cursor.value as Uint8Array);
        cursor.continue();
      };
      request.onerror = () => reject(request.error);
    });
    return new IdbStorage(db, files);
  }

  openAppend(name: string): AppendFile {
    throw new ConfigError(`cannot append to ${JSON.stringify(name)}: IndexedDB cannot make an append durable before it returns, so the journal needs a file system`, { source: name });
  }

  read(name: string): Uint8Array | null {
    return this.files.get(checkStorageName(name))?.slice() ?? null;
  }

  write(name: string, bytes: Uint8Array): void {
    const copy = bytes.slice();
    this.files.set(checkStorageName(name), copy);
    this.queue((store) => store.put(copy, name));
  }

  list(dir: string): string[] {
    const prefix = dir === "" ? "" : `${dir}/`;
    const names = new Set<string>();
    for (const name of this.files.keys()) if (name.startsWith(prefix)) names.add(name.slice(prefix.length).split("/")[0]);
    return [...names].sort();
  }

  remove(name: string): void {
    const gone = [...this.files.keys()].filter((key) => key === name || key.startsWith(`${name}/`));
    for (const key of gone) this.files.delete(key);
    if (gone.length > 0) this.queue((store) => gone.forEach((key) => store.delete(key)));
  }

  /** Resolves once every write and remove so far is committed; rejects with the first that failed. */
  async flush(): Promise<void> {
    await this.pending;
    if (this.failure !== null) throw this.failure;
  }

  close(): void {
    this.db.close();
  }

  /** One transaction per change, committed in order. */
  private queue(change: (store: IDBObjectStore) => void): void {
    this.pending = this.pending.then(() => new Promise<void>((resolve) => {
      const tx = this.db.transaction(STORE, "readwrite");
      change(tx.objectStore(STORE));
      tx.oncomplete = () => resolve();
      tx.onerror = tx.onabort = () => {
        this.failure ??= tx.error;
        resolve();
      };
    }));
  }
}
