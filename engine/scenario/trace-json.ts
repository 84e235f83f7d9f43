// Writing a trace as JSON in pieces, so a run that changed millions of EPCM entries (2^21 EAUGs)
// prints without building one giant string: one step per line, entries written in batches.

import type { Simulation } from "./run.ts";

const BATCH = 4096;

function writeArray<T>(items: Iterable<T>, write: (s: string) => void): void {
  write("[");
  let batch: string[] = [];
  let first = true;
  for (const item of items) {
    batch.push(JSON.stringify(item));
    if (batch.length === BATCH) {
      write((first ? "" : ",") + batch.join(","));
      first = false;
      batch = [];
    }
  }
  if (batch.length) write((first ? "" : ",") + batch.join(","));
  write("]");
}

/** Stream the finished simulation's trace. Step `epcm` lists come from the compact diffs. */
export function writeTraceJson(sim: Simulation, write: (s: string) => void): void {
  const t = sim.trace();
  write(`{"format":${JSON.stringify(t.format)},"title":${JSON.stringify(t.title)},`);
  write(`"machine":${JSON.stringify(t.machine)},"enclaves":${JSON.stringify(t.enclaves)},\n"steps":[\n`);
  t.steps.forEach((step, i) => {
    const { epcm: _, ...rest } = step;
    const head = JSON.stringify({ ...rest, epcm: [] });
    write(head.slice(0, -3)); // everything before "[]}"
    writeArray(sim.diffEntries(sim.diffs[i]), write);
    write(i < t.steps.length - 1 ? "},\n" : "}\n");
  });
  write('],\n"final":{"epcm":');
  writeArray(t.final.epcm, write);
  write(',"pages":');
  writeArray(t.final.pages, write);
  if (t.final.threads) write(`,"threads":${JSON.stringify(t.final.threads)}`);
  write("}}\n");
}
