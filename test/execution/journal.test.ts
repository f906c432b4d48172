import { describe, expect, it } from "vitest";
import { MemoryStorage } from "../../src/core/storage.ts";
import { crc32, frame, Journal, readJournal } from "../../src/execution/journal.ts";

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe("the journal", () => {
  it("frames records with their length and CRC-32 and reads them back", () => {
    expect(crc32(new TextEncoder().encode("123456789"))).toBe(0xcbf43926);
    const f = frame("héllo");
    const view = new DataView(f.buffer);
    expect(view.getUint32(0, true)).toBe(6);
    expect(view.getUint32(4, true)).toBe(crc32(f.subarray(8)));
    expect(text(f.subarray(8))).toBe("héllo");
    const all = new Uint8Array([...frame("a"), ...frame("bb"), ...frame("")]);
    expect(readJournal(all)).toMatchObject({ records: ["a", "bb", ""], validBytes: all.length, torn: null, offsets: [0, 9, 19] });
  });

  it("group commit: nothing reaches the disk before commit, then all of it with one fsync", () => {
    const storage = new MemoryStorage();
    let syncs = 0;
    storage.onChange = () => syncs++;
    const { journal } = Journal.open(storage.openAppend("j"), "commit");
    journal.append("one");
    journal.append("two");
    expect(storage.crashed().read("j")!.length).toBe(0);
    journal.commit();
    expect(readJournal(storage.crashed().read("j")!).records).toEqual(["one", "two"]);
    expect(syncs).toBe(2); // one append, one sync
  });

  it("record mode: each append is durable when it returns", () => {
    const storage = new MemoryStorage();
    const { journal } = Journal.open(storage.openAppend("j"), "record");
    journal.append("one");
    expect(readJournal(storage.crashed().read("j")!).records).toEqual(["one"]);
  });

  it("detects a torn last record, reports it, cuts it off and appends after the last good one", () => {
    for (const cut of [1, 7, 8, 12]) {
      const storage = new MemoryStorage();
      const file = storage.openAppend("j");
      const good = new Uint8Array([...frame("first"), ...frame("second")]);
      const last = frame("third record");
      file.append(new Uint8Array([...good, ...last.subarray(0, cut)]));
      file.sync();
      const { journal, records, torn } = Journal.open(storage.openAppend("j"));
      expect(records).toEqual(["first", "second"]);
      expect(torn).toMatchObject({ offset: good.length, bytes: cut });
      journal.append("fourth");
      journal.commit();
      expect(readJournal(storage.read("j")!).records).toEqual(["first", "second", "fourth"]);
    }
  });

  it("treats a last record with a bad checksum as torn, but refuses damage before the end", () => {
    const a = frame("first");
    const b = frame("second");
    const flipped = b.slice();
    flipped[10] ^= 1;
    expect(readJournal(new Uint8Array([...a, ...flipped])).torn?.reason).toMatch(/checksum/);
    expect(() => readJournal(new Uint8Array([...flipped, ...a]))).toThrow(/journal damaged at byte 0: a record whose checksum does not match, with more records after it/);
  });
});
