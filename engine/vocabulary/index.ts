// The shared vocabulary of engine, worker and web (see ../CONTEXT.md): dependency-free.

export * from "./epcm.ts";
export * from "./hex.ts";
export * from "./view.ts";
