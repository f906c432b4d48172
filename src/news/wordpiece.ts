import { ConfigError } from "../core/errors.ts";

/** The ids a BERT-style model reads for one text: [CLS] pieces [SEP], at most maxLength. */
export interface Encoding {
  readonly ids: number[];
  /** The pieces, for showing what the model read. */
  readonly pieces: string[];
}

/** Longer words are one [UNK], as BERT's tokenizer has it. */
const MAX_WORD_CHARS = 100;

/**
 * BERT's tokenizer (uncased by default), from a vocabulary given as the text
 * of its vocab.txt (one piece a line, the line number its id): text split on
 * whitespace and punctuation, lower-cased and stripped of accents, each word
 * cut greedily into the longest pieces the vocabulary has ("unaffable" →
 * un ##aff ##able), [UNK] for a word it cannot cut.
 */
export class WordPieceTokenizer {
  private readonly vocab = new Map<string, number>();
  private readonly special: { cls: number; sep: number; unk: number };

  constructor(vocabText: string, private readonly options: { readonly lowercase?: boolean; readonly maxLength?: number; readonly source?: string } = {}) {
    vocabText.split(/\r?\n/).forEach((line, i) => {
      const piece = line.trim();
      if (piece !== "" && !this.vocab.has(piece)) this.vocab.set(piece, i);
    });
    const need = (piece: string) => {
      const id = this.vocab.get(piece);
      if (id === undefined) throw new ConfigError(`the vocabulary has no ${piece}: it is not a BERT WordPiece vocabulary (vocab.txt)`, { field: "vocab", source: options.source });
      return id;
    };
    this.special = { cls: need("[CLS]"), sep: need("[SEP]"), unk: need("[UNK]") };
    if ((options.maxLength ?? 128) < 2) throw new ConfigError("maxLength must leave room for [CLS] and [SEP]", { field: "maxLength" });
  }

  encode(text: string): Encoding {
    const max = (this.options.maxLength ?? 128) - 2;
    const pieces: string[] = [];
    for (const word of basicTokens(text, this.options.lowercase ?? true)) {
      pieces.push(...this.wordPieces(word));
      if (pieces.length >= max) break;
    }
    const kept = pieces.slice(0, max);
    return { ids: [this.special.cls, ...kept.map((p) => this.vocab.get(p) ?? this.special.unk), this.special.sep], pieces: ["[CLS]", ...kept, "[SEP]"] };
  }

  private wordPieces(word: string): string[] {
    const chars = [...word];
    if (chars.length > MAX_WORD_CHARS) return ["[UNK]"];
    const out: string[] = [];
    for (let start = 0; start < chars.length;) {
      let end = chars.length;
      let piece: string | undefined;
      for (; end > start; end--) {
        const candidate = (start > 0 ? "##" : "") + chars.slice(start, end).join("");
        if (this.vocab.has(candidate)) {
          piece = candidate;
          break;
        }
      }
      if (piece === undefined) return ["[UNK]"];
      out.push(piece);
      start = end;
    }
    return out;
  }
}

/** Words and punctuation marks, each mark its own token; control characters dropped. */
function basicTokens(text: string, lowercase: boolean): string[] {
  let t = text.replace(/[\p{Cc}\p{Cf}]/gu, (c) => (/\s/.test(c) ? " " : ""));
  if (lowercase) t = t.toLowerCase().normalize("NFD").replace(/\p{Mn}/gu, "");
  return t.split(/\s+/).flatMap((w) => w.match(/[\p{P}\p{S}]|[^\p{P}\p{S}]+/gu) ?? []);
}
