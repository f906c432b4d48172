import { ExecutionError } from "../core/errors.ts";
import { crc32 } from "../core/crc32.ts";
import type { AppendFile } from "../core/storage.ts";

export { crc32 };

/**
 * An append-only journal of text records in one file. Each record is
 * framed as
 *
 *     u32 payload length | u32 CRC-32 of the payload | payload (UTF-8)
 *
 * (little-endian), so a reader finds where each record ends and whether it
 * arrived whole. A crash can cut only the last record short: on open it is
 * detected (too few bytes, or a checksum that does not match), reported,
 * and cut off the file. A bad record anywhere else is damage, not a crash,
 * and the journal refuses to open rather than guess.
 *
 * Durability: in "commit" mode (group commit) records are buffered and
 * commit() writes them in one go and fsyncs once; in "record" mode every
 * append is written and fsync'd before it returns. Either way nothing is
 * acted on before the records describing it are on disk: the engine
 * commits before its commands leave.
 */
export class Journal {
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private bytes: number;

  private constructor(
    private readonly file: AppendFile,
    private readonly mode: "record" | "commit",
    size: number,
  ) {
    this.bytes = size;
  }

  /**
   * Opens a journal file: reads every whole record back, cuts off a torn
   * last record (returned in `torn` so the caller can report it) and gets
   * ready to append after the last good one.
   */
  static open(file: AppendFile, mode: "record" | "commit" = "commit"): { journal: Journal; records: string[]; offsets: number[]; torn: TornRecord | null } {
    const { records, offsets, validBytes, torn } = readJournal(file.readAll());
    if (torn) file.truncate(validBytes);
    return { journal: new Journal(file, mode, validBytes), records, offsets, torn };
  }

  /** Adds a record: written and synced now in "record" mode, at the next commit in "commit" mode. */
  append(text: string): void {
    const framed = frame(text);
    if (this.mode === "record") {
      this.file.append(framed);
      this.file.sync();
      this.bytes += framed.length;
      return;
    }
    this.pending.push(framed);
    this.pendingBytes += framed.length;
  }

  /** Writes the buffered records in one append and fsyncs: returns once they are durable. */
  commit(): void {
    if (this.pending.length === 0) return;
    const all = this.pending.length === 1 ? this.pending[0] : concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    this.file.append(all);
    this.file.sync();
    this.bytes += all.length;
  }

  /** Drops the records from byte `offset` on (a recovery that re-does them), keeping the file a clean prefix. */
  cutAt(offset: number): void {
    this.pending = [];
    this.pendingBytes = 0;
    this.file.truncate(offset);
    this.bytes = offset;
  }

  /** Bytes of whole records on file (buffered ones not counted). */
  get size(): number {
    return this.bytes;
  }

  /** Commits what is buffered, then closes the file. */
  close(): void {
    this.commit();
    this.file.close();
  }
}

/** A last record cut short by a crash, found when the journal was opened. */
export interface TornRecord {
  /** Byte offset where it started (the file was cut back to it). */
  readonly offset: number;
  /** Bytes of it that were there. */
  readonly bytes: number;
  readonly reason: string;
}

/** The largest record accepted: a longer length field is damage, not a record. */
const MAX_RECORD = 64 * 1024 * 1024;
const HEADER = 8;
const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

/** One record in its frame. */
export function frame(text: string): Uint8Array {
  const payload = encoder.encode(text);
  const out = new Uint8Array(HEADER + payload.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, payload.length, true);
  view.setUint32(4, crc32(payload), true);
  out.set(payload, HEADER);
  return out;
}

/**
 * Every whole record of a journal's bytes, where the good bytes end, and the
 * torn last record if there is one. Throws ExecutionError when a record
 * that is not the last is damaged.
 */
export function readJournal(bytes: Uint8Array): { records: string[]; validBytes: number; torn: TornRecord | null; offsets: number[] } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const records: string[] = [];
  const offsets: number[] = [];
  let at = 0;
  while (at < bytes.length) {
    const rest = bytes.length - at;
    const torn = (reason: string): { records: string[]; validBytes: number; torn: TornRecord; offsets: number[] } =>
      ({ records, validBytes: at, torn: { offset: at, bytes: rest, reason }, offsets });
    if (rest < HEADER) return torn(`${rest} bytes where a record header needs ${HEADER}`);
    const length = view.getUint32(at, true);
    if (length > MAX_RECORD) {
      if (rest <= HEADER + MAX_RECORD) return torn(`a length of ${length} bytes, more than any record`);
      throw new ExecutionError(`journal damaged at byte ${at}: a record length of ${length} bytes`, { field: "journal" });
    }
    if (HEADER + length > rest) return torn(`${rest - HEADER} of its ${length} bytes`);
    const payload = bytes.subarray(at + HEADER, at + HEADER + length);
    const last = at + HEADER + length === bytes.length;
    if (crc32(payload) !== view.getUint32(at + 4, true)) {
      if (last) return torn("a checksum that does not match its bytes");
      throw new ExecutionError(`journal damaged at byte ${at}: a record whose checksum does not match, with more records after it`, { field: "journal" });
    }
    let text: string;
    try {
      text = decoder.decode(payload);
    } catch {
      if (last) return torn("bytes that are not UTF-8");
      throw new ExecutionError(`journal damaged at byte ${at}: a record that is not UTF-8`, { field: "journal" });
    }
    offsets.push(at);
    records.push(text);
    at += HEADER + length;
  }
  return { records, validBytes: at, torn: null, offsets };
}

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
