import type { SettingSpec } from "../core/settings.ts";

/** How distance is measured: squared Euclidean, 1 - cosine similarity, or 1 - dot product. */
export type Metric = "l2" | "cosine" | "ip";
export const METRICS: readonly Metric[] = ["l2", "cosine", "ip"];

/** A vector's key: a string, or a finite number (kept as a number through save and load). */
export type VectorId = string | number;

/** What is stored next to a vector: a JSON object (saved as JSON). */
export type Metadata = Record<string, unknown>;

export const DIMENSION_SETTING: SettingSpec = { name: "dimension", type: "integer", min: 1, max: 65536, required: true, description: "floats per vector" };
export const M_SETTING: SettingSpec = { name: "M", type: "integer", default: 16, min: 2, max: 128, description: "links per node on the upper levels (2M on level 0)" };
export const EF_CONSTRUCTION_SETTING: SettingSpec = { name: "efConstruction", type: "integer", default: 200, min: 1, max: 100000, description: "beam width while inserting" };
export const EF_SEARCH_SETTING: SettingSpec = { name: "efSearch", type: "integer", default: 100, min: 1, max: 100000, description: "beam width while searching (at least k)" };
export const SEED_SETTING: SettingSpec = { name: "seed", type: "integer", default: 42, min: 0, max: 2 ** 32 - 1, description: "seed of the level draws" };
export const K_SETTING: SettingSpec = { name: "k", type: "integer", default: 10, min: 1, max: 100000, description: "neighbours to return" };
