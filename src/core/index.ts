export * from "./errors.ts";
export * from "./money.ts";
export * from "./data.ts";
export * from "./orders.ts";
export * from "./events.ts";
export * from "./position.ts";
export * from "./signal.ts";
