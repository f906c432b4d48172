import { instantiateKernels, type KernelExports } from "./module.ts";

type Ptr = number;

/** The raw ABI of build/json.wasm (assembly/json.ts). */
export interface JsonExports extends KernelExports {
  /** Writes src[0, n) as a JSON array at dst; returns the bytes written (at most 2 + 26 n; dst needs 64 more bytes of room). */
  writeNumbers(src: Ptr, n: number, dst: Ptr): number;
  /** Writes one number as JSON.stringify does; returns the bytes written (at most 25; dst needs 64 more bytes of room). */
  writeNumber(value: number, dst: Ptr): number;
}

/**
 * A JSON text as it is written: literal pieces of JSON text, and arrays of
 * numbers, each printed as a JSON array (null for NaN and the infinities, as
 * JSON.stringify prints them).
 */
export type JsonPiece = string | ArrayLike<number>;

/** Writes a JSON text from its pieces. */
export interface JsonWriter {
  write(pieces: readonly JsonPiece[]): string;
}

/** The most bytes one number and its comma take ("-0.0000012345678901234567,"). */
const MAX_NUMBER_BYTES = 26;
/** The kernel stores digits 16 bytes at a time, past a number's end: room it needs after the last one. */
const SLACK_BYTES = 64;

/**
 * Bigger answers go to the twin: a module's memory never shrinks, so one
 * huge answer would keep its buffer for the life of the process.
 */
export const MAX_KERNEL_ANSWER_BYTES = 32 * 2 ** 20;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * JSON answers written by build/json.wasm: the shortest round-trip digits of
 * every double (Ryu), byte for byte what JSON.stringify writes. The text is
 * built as bytes in the module's memory and read back as one flat string
 * (fast for ASCII). Not a fresh Uint8Array: allocating a new 50 KB
 * ArrayBuffer per answer cost more than writing the numbers (about 150 µs
 * against 90 µs for 3,000 doubles, on Node 20). Buffers are reserved once
 * and grown only for a larger answer. Not reentrant: one instance serves
 * one thread.
 */
export class WasmJson implements JsonWriter {
  private input = 0;
  private inputValues = 0;
  private output = 0;
  private outputBytes = 0;

  constructor(readonly k: JsonExports, private readonly twin: JsonWriter) {}

  static async load(source: BufferSource | WebAssembly.Module, twin: JsonWriter): Promise<WasmJson> {
    return new WasmJson(await instantiateKernels<JsonExports>(source, "json"), twin);
  }

  write(pieces: readonly JsonPiece[]): string {
    let values = 0;
    let bound = SLACK_BYTES;
    for (const p of pieces) {
      if (typeof p === "string") {
        // Each UTF-16 unit takes at most 3 UTF-8 bytes.
        bound += 3 * p.length;
      } else {
        values = Math.max(values, p.length);
        bound += 2 + MAX_NUMBER_BYTES * p.length;
      }
    }
    if (bound > MAX_KERNEL_ANSWER_BYTES) return this.twin.write(pieces);
    this.reserve(values, bound);
    const memory = this.k.memory.buffer;
    const out = new Uint8Array(memory, this.output, this.outputBytes);
    let at = 0;
    for (const p of pieces) {
      if (typeof p === "string") {
        at += encoder.encodeInto(p, out.subarray(at)).written;
      } else {
        new Float64Array(memory, this.input, p.length).set(p);
        at += this.k.writeNumbers(this.input, p.length, this.output + at);
      }
    }
    // A string of its own: the buffer is reused by the next answer.
    return decoder.decode(out.subarray(0, at));
  }

  /** Makes room for an input of `values` doubles and an output of `bytes`, reserved together so growth happens once. */
  private reserve(values: number, bytes: number): void {
    if (values <= this.inputValues && bytes <= this.outputBytes) return;
    const inputValues = Math.max(values, this.inputValues, 4096);
    const outputBytes = Math.max(bytes, this.outputBytes, SLACK_BYTES + 2 + MAX_NUMBER_BYTES * 4096);
    this.k.resetArena();
    this.input = this.k.reserve(inputValues * 8) >>> 0;
    this.output = this.k.reserve(outputBytes) >>> 0;
    this.inputValues = inputValues;
    this.outputBytes = outputBytes;
  }
}
