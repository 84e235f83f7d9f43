// epcm-trace/2 (docs/scenario-format.md, Compact traces): range records with `count` in every EPCM
// list and in final.pages; written out, they are exactly the version 1 trace.

import { describe, expect, it } from "vitest";
import { augmentViaEacceptLong } from "../flows/augment-via-eaccept-long.ts";
import { flows } from "../flows/index.ts";
import { parseScenario } from "./parse.ts";
import { Simulation } from "./run.ts";
import { compactEntries, expandEntries, writeTraceJson } from "./trace-json.ts";

type Json = Record<string, unknown>;
type List = Json[];

function traceOf(raw: unknown, version: 1 | 2, materialize = false): Json {
  const r = parseScenario(raw);
  if (!r.ok) throw new Error(r.errors.join("; "));
  const sim = new Simulation(r.scenario, { materialize });
  while (!sim.done) sim.step();
  let text = "";
  writeTraceJson(
    sim,
    (s) => {
      text += s;
    },
    version,
  );
  return JSON.parse(text);
}

/** Every EPCM list and final.pages of a trace, with `f` applied. */
function mapLists(t: Json, f: (l: List) => List): Json {
  const steps = (t.steps as Json[]).map((s) => ({
    ...s,
    epcm: f(s.epcm as List),
    events: (s.events as Json[]).map((e) => (e.epcm ? { ...e, epcm: f(e.epcm as List) } : e)),
  }));
  const final = t.final as { epcm: List; pages: List };
  return { ...t, steps, final: { ...final, epcm: f(final.epcm), pages: f(final.pages) } };
}

const expand = (l: List) => [...expandEntries(l)];

/** No two neighbouring records of a compact list could have been one range. */
function maximal(l: List): void {
  for (const r of l.flatMap((r) => (r.records as List | undefined) ?? [r]))
    if (r.count !== undefined) expect(r.count).toBeGreaterThanOrEqual(2);
  const merged = [...compactEntries(expand(l))];
  expect(merged).toEqual(l);
}

describe("epcm-trace/2", () => {
  it.each(flows.map((f) => [f.id, f.scenario] as const))(
    "%s: expands to exactly the version 1 trace",
    (_, raw) => {
      const v1 = traceOf(raw, 1);
      const v2 = traceOf(raw, 2);
      expect(v1.format).toBe("epcm-trace/1");
      expect(v2.format).toBe("epcm-trace/2");
      expect(mapLists({ ...v2, format: "epcm-trace/1" }, expand)).toEqual(v1);
      mapLists(v2, (l) => {
        maximal(l);
        return l;
      });
    },
  );

  // The kernel takes a VA page for every 512 enclave pages (encl.c: sgx_encl_grow()), so the EAUGed
  // pages come in runs of 512 EPC pages between VA pages: one repeat record of [VA page, 512 pages].
  it("writes a 4,096-page EACCEPT-driven augment as one repeat record of a VA page and 512 pages", () => {
    const n = 4096;
    const v2 = traceOf(augmentViaEacceptLong(n), 2);
    const steps = v2.steps as Json[];
    const big = steps.find((s) => (s.op as Json).pages === n) as Json;
    const epcm = big.epcm as List;
    expect(epcm.length).toBeLessThanOrEqual(4);
    const group = epcm.find((e) => e.repeat !== undefined) as Json;
    expect(group).toMatchObject({ repeat: 7, step: { epc: 513, offset: "0x200000" } });
    const [va, reg] = group.records as List;
    expect(va).toMatchObject({ type: "VA", offset: null });
    expect(reg).toMatchObject({
      enclave: "e0",
      valid: true,
      type: "REG",
      perms: "RW-",
      pending: false,
      count: 512,
    });
    const final = v2.final as { epcm: List; pages: List };
    expect(final.epcm.length).toBeLessThanOrEqual(10);
    expect(final.pages.length).toBeLessThanOrEqual(8);
    expect(final.pages.some((p) => p.repeat === 7)).toBe(true);
    expect(JSON.stringify(v2).length).toBeLessThan(40_000);
  });

  it("folds periodic records into repeat records, a null staying null, and expands them back", () => {
    // Evicted pages in final.pages: no epc, the VA slot advancing by one per page.
    const page = (offset: number, slot: number) => ({
      enclave: "e0",
      offset: `0x${offset.toString(16)}`,
      type: "REG",
      resident: false,
      epc: null,
      vm_max_prot: "RW-",
      va_page: 0,
      va_slot: slot,
    });
    const list = [page(0x1000, 9), page(0x2000, 10), page(0x3000, 11), page(0x4000, 12), page(0x6000, 13)];
    const out = [...compactEntries(list)];
    expect(out).toEqual([
      { repeat: 4, step: { offset: "0x1000", va_slot: 1 }, records: [page(0x1000, 9)] },
      page(0x6000, 13),
    ]);
    expect([...expandEntries(out as List)]).toEqual(list);
    // Two copies are left as they are.
    expect([...compactEntries(list.slice(0, 2))]).toEqual(list.slice(0, 2));
  });

  it("folds only entries whose epc and offset advance by 1 and 0x1000 with every other field equal", () => {
    const e = (epc: number, offset: string | null, perms = "RW-") => ({
      epc,
      enclave: offset === null ? null : "e0",
      offset,
      valid: true,
      type: "REG",
      perms,
      pending: false,
      modified: false,
      pr: false,
      blocked: false,
    });
    const list = [
      e(3, "0x1000"),
      e(4, "0x2000"),
      e(5, "0x3000"),
      e(6, "0x5000"),
      e(7, "0x6000", "R--"),
      e(9, null),
      e(10, null),
    ];
    const out = [...compactEntries(list)];
    expect(out).toEqual([
      { ...e(3, "0x1000"), count: 3 },
      e(6, "0x5000"),
      e(7, "0x6000", "R--"),
      { ...e(9, null), count: 2 },
    ]);
    expect([...expandEntries(out)]).toEqual(list);
    // Range records in the input merge as the entries they stand for.
    const merged = [
      ...compactEntries([{ ...e(3, "0x1000"), count: 2 }, e(5, "0x3000"), { ...e(6, "0x4000"), count: 3 }]),
    ];
    expect(merged).toEqual([{ ...e(3, "0x1000"), count: 6 }]);
  });
});
