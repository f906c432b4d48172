import type { NewsArticle } from "./article.ts";
import { FINANCE_LEXICON, type Lexicon } from "./lexicon.ts";

/** One word (or movement and what moved) that counted, with its signed weight. */
export interface SentimentHit {
  readonly words: string;
  readonly value: number;
}

export interface TextSentiment {
  /** In (-1, 1): the sum of the hits, s, squashed as s / (1 + |s|). */
  readonly score: number;
  readonly sum: number;
  readonly hits: readonly SentimentHit[];
}

/** Tokens a negation reaches forward. */
export const NEGATION_WINDOW = 3;
/** Tokens an intensifier or diminisher reaches, either side. */
const MODIFIER_WINDOW = 2;
/** Tokens (not counting filler) a movement looks on either side for what moved. */
const TARGET_WINDOW = 3;
const INTENSIFY = 1.5;
const DIMINISH = 0.5;
/** Before "but" a clause counts for less, after it for more (the point a headline makes comes after "but"). */
const BEFORE_BUT = 0.5;
const AFTER_BUT = 1.5;
/** What follows "despite" or "though" is conceded, not the point. */
const CONCEDED = 0.5;

const CONTRAST = new Set(["but", "however", "yet"]);
const CONCESSION = new Set(["despite", "though", "although"]);
/** Words that only end a clause (the two sides of "while" weigh the same). */
const BREAK = new Set(["while", "whereas"]);
/** Words skipped when measuring how far a movement is from what moved ("raises its full-year revenue forecast"). */
const FILLER = new Set(["the", "a", "an", "its", "their", "his", "her", "of", "for", "on", "in", "to", "by", "at", "per", "than", "and", "full", "year", "quarterly", "annual", "net", "this", "next", "first", "second", "third", "fourth"]);

export interface Token {
  word: string;
  /** Index of the clause: punctuation and contrast words start a new one. */
  readonly clause: number;
  weight: number;
}

/**
 * A financial text's sentiment from a word list (FINANCE_LEXICON unless
 * given): good and bad words count +1 and -1; a movement counts by what
 * moved (profit up or costs down +1, profit down or costs up -1, and with
 * nothing near up +1, down -1), taking the place of what moved; a negation
 * (not, no, never, without, -n't, "fails to") flips the hits of the next
 * NEGATION_WINDOW words, a reversal (ends, settles) only the bad ones;
 * intensifiers (sharply) multiply the hits within two words either side by
 * 1.5 and diminishers (slightly) by 0.5; the clause before "but" counts
 * half and the one after it 1.5 times, what "despite" concedes half.
 */
export function scoreText(text: string, lexicon: Lexicon = FINANCE_LEXICON): TextSentiment {
  const tokens = tokenize(text, lexicon);
  const n = tokens.length;
  const cue = tokens.map(({ word }, i) => lexicon.negations.has(word) || word.endsWith("n't") || (/^fail(s|ed|ing)?$/.test(word) && tokens[i + 1]?.word === "to"));
  // Per token: -1 where a negation reaches (flips any hit), -2 where a reversal does (flips bad hits only).
  const flip = new Int8Array(n);
  const scale = new Float64Array(n).fill(1);
  for (let i = 0; i < n; i++) {
    const { word } = tokens[i];
    // A negated reversal reverses nothing.
    const reversal = lexicon.reversals.has(word) && flip[i] !== -1;
    const factor = lexicon.intensifiers.has(word) ? INTENSIFY : lexicon.diminishers.has(word) ? DIMINISH : 1;
    if (cue[i] || reversal) {
      for (let j = i + 1; j <= i + NEGATION_WINDOW && j < n && tokens[j].clause === tokens[i].clause; j++) {
        if (cue[i]) flip[j] = -1;
        else flip[j] ||= -2;
        // "no end to losses": the negation is spent on the reversal.
        if (cue[i] && lexicon.reversals.has(tokens[j].word)) break;
      }
    } else if (factor !== 1) {
      // Degree words come before what they modify ("sharp drop") or after it ("falls sharply").
      for (let j = Math.max(0, i - MODIFIER_WINDOW); j <= i + MODIFIER_WINDOW && j < n; j++) {
        if (j !== i && tokens[j].clause === tokens[i].clause) scale[j] *= factor;
      }
    }
  }

  const used = new Uint8Array(n);
  const hits: SentimentHit[] = [];
  let sum = 0;
  const count = (words: string, value: number, at: number[]) => {
    // A pair is negated or intensified when either of its words is.
    const negated = at.some((i) => flip[i] === -1) || (value < 0 && at.some((i) => flip[i] === -2));
    const v = value * (negated ? -1 : 1) * Math.max(...at.map((i) => scale[i])) * tokens[at[0]].weight;
    hits.push({ words, value: v });
    sum += v;
  };

  // Movements first: each takes the nearest thing that moved, which then counts no more on its own.
  for (let i = 0; i < n; i++) {
    const { word } = tokens[i];
    const dir = cue[i] ? 0 : lexicon.up.has(word) ? 1 : lexicon.down.has(word) ? -1 : 0;
    if (dir === 0) continue;
    const target = nearestTarget(tokens, i, used, lexicon);
    used[i] = 1;
    if (target === -1) {
      count(word, dir, [i]);
    } else {
      used[target] = 1;
      const polarity = lexicon.badTargets.has(tokens[target].word) ? -1 : 1;
      const [a, b] = target < i ? [target, i] : [i, target];
      count(`${tokens[a].word} ${tokens[b].word}`, dir * polarity, [a, b]);
    }
  }
  for (let i = 0; i < n; i++) {
    if (used[i] || cue[i]) continue;
    const { word } = tokens[i];
    const value = lexicon.positive.has(word) ? 1 : lexicon.negative.has(word) ? -1 : 0;
    if (value !== 0) count(word, value, [i]);
  }
  return { score: sum / (1 + Math.abs(sum)), sum, hits };
}

/** Scores within this distance of 0 read as neutral (one diminished hit, 0.5 / 1.5 = 0.33, is already outside it). */
export const NEUTRAL_BAND = 0.2;

export type SentimentLabel = "positive" | "negative" | "neutral";

export function sentimentLabel(score: number): SentimentLabel {
  return score >= NEUTRAL_BAND ? "positive" : score <= -NEUTRAL_BAND ? "negative" : "neutral";
}

/** The summary's hits count half: the headline is what the article says first and most plainly. */
const SUMMARY_WEIGHT = 0.5;

/** An article's score in (-1, 1): its headline's hits and half its summary's, squashed as in scoreText. */
export function scoreArticle(article: Pick<NewsArticle, "headline" | "summary">, lexicon: Lexicon = FINANCE_LEXICON): number {
  const sum = scoreText(article.headline, lexicon).sum + (article.summary ? SUMMARY_WEIGHT * scoreText(article.summary, lexicon).sum : 0);
  return sum / (1 + Math.abs(sum));
}

/** The closest target of a movement within TARGET_WINDOW words of its clause (filler not counted), before on a tie; -1 if none. */
function nearestTarget(tokens: Token[], at: number, used: Uint8Array, lexicon: Lexicon): number {
  const isTarget = (i: number) => !used[i] && (lexicon.goodTargets.has(tokens[i].word) || lexicon.badTargets.has(tokens[i].word));
  let best = -1;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const step of [-1, 1]) {
    let distance = 0;
    for (let i = at + step; i >= 0 && i < tokens.length && tokens[i].clause === tokens[at].clause; i += step) {
      if (!FILLER.has(tokens[i].word) && !/^\d/.test(tokens[i].word)) distance++;
      if (distance > TARGET_WINDOW) break;
      if (isTarget(i)) {
        if (distance < bestDistance) {
          best = i;
          bestDistance = distance;
        }
        break;
      }
    }
  }
  return best;
}

/**
 * Words in lower case with their clause and weight. Hyphens split words
 * ("better-than-expected") unless the compound is in the lexicon
 * ("write-down"), and two words joined make one when the lexicon has them so
 * ("price target"). Punctuation and "but"/"despite" end a clause.
 */
export function tokenize(text: string, lexicon: Lexicon = FINANCE_LEXICON): Token[] {
  const known = (w: string) => lexicon.positive.has(w) || lexicon.negative.has(w) || lexicon.up.has(w) || lexicon.down.has(w) ||
    lexicon.goodTargets.has(w) || lexicon.badTargets.has(w);
  const raw = text.toLowerCase().replace(/[\u2018\u2019]/g, "'").match(/\p{N}{1,3}(?:,\p{N}{3})+(?:\.\p{N}+)?%?|[\p{L}\p{N}][\p{L}\p{N}'.%$-]*|[.,;:!?\u2013\u2014]|\s-\s/gu) ?? [];
  const out: Token[] = [];
  let clause = 0;
  let weight = 1;
  const sentence: Token[] = [];
  for (let r = 0; r < raw.length; r++) {
    const piece = raw[r].replace(/[.'-]+$/, "").replace(/'s$/, "");
    if (/^[.,;:!?\u2013\u2014]$|^\s-\s$/.test(raw[r])) {
      clause++;
      if (/^[.;!?]$/.test(raw[r])) {
        weight = 1;
        sentence.length = 0;
      } else if (weight === CONCEDED) weight = 1;
      continue;
    }
    const parts = known(piece) ? [piece] : piece.split("-").filter((p) => p !== "");
    for (const part of parts) {
      const prev = out[out.length - 1];
      if (prev && prev.clause === clause && known(`${prev.word}-${part}`)) {
        prev.word = `${prev.word}-${part}`;
        continue;
      }
      if (CONTRAST.has(part)) {
        for (const t of sentence) t.weight *= BEFORE_BUT;
        clause++;
        weight = AFTER_BUT;
        continue;
      }
      if (BREAK.has(part)) {
        clause++;
        continue;
      }
      if (CONCESSION.has(part)) {
        clause++;
        weight = CONCEDED;
        continue;
      }
      const token: Token = { word: part, clause, weight };
      out.push(token);
      sentence.push(token);
    }
  }
  return out;
}
