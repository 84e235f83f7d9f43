// Glossary entries and tour stops carry the basis of what they say (docs/scenario-format.md,
// Provenance of events), and the statements an audit against the SDM and ioctl.c/main.c found
// wrong read as the sources say.
import { describe, expect, it } from "vitest";
import { hasValidBasis } from "../../engine/arch/events.ts";
import { GLOSSARY, glossaryEntry } from "./glossary.ts";
import { TOURS } from "./tours.ts";

describe("provenance of glossary entries and tour stops", () => {
  it("every glossary entry has a valid basis", () => {
    for (const g of GLOSSARY) expect(hasValidBasis(g), g.term).toBe(true);
  });

  it("every tour stop has a valid basis", () => {
    for (const t of TOURS)
      for (const s of t.stops) expect(hasValidBasis(s), `${t.id}: ${s.title}`).toBe(true);
  });

  it("the stop on the EPCM's refused write is hardware-observed, naming the selftest", () => {
    const stop = TOURS.find((t) => t.id === "permissions")?.stops.find(
      (s) => s.title === "A write the EPCM refuses",
    );
    expect(stop?.basis).toBe("hardware");
    expect(stop?.basis_ref).toMatch(/epcm_permissions.*0x8007/);
  });
});

describe("the glossary says what the sources say", () => {
  const long = (term: string) => glossaryEntry(term)?.long ?? "";

  it("SECINFO: EACCEPT compares address, PENDING, MODIFIED, R/W/X and type, not PR (SDM: EACCEPT)", () => {
    expect(long("SECINFO")).not.toMatch(/any difference/);
    expect(long("SECINFO")).toMatch(/address, PENDING, MODIFIED, R\/W\/X and type/);
    expect(long("SECINFO")).toMatch(/PR is not compared/);
  });

  it("PENDING: EACCEPTCOPY clears it too (SDM: EACCEPTCOPY)", () => {
    expect(long("PENDING")).toMatch(/EACCEPTCOPY/);
  });

  it("PR: the EPCM changes at once, a cached translation only after ETRACK and the IPIs", () => {
    expect(long("PR")).not.toMatch(/^The restriction applies at once/);
    expect(long("PR")).toMatch(/cached may still allow the old access until ETRACK and the IPIs/);
    expect(long("PR")).toMatch(/sgx_enclave_etrack\(\) after EMODPR/);
  });

  it("EWB: sgx_encl_ewb() tries EWB first, ETRACK only on SGX_NOT_TRACKED, then IPIs and a third try", () => {
    expect(long("EWB")).not.toMatch(/tracks \(ETRACK\) and writes/);
    expect(long("EWB")).toMatch(/tries EWB; only when EWB returns SGX_NOT_TRACKED does it run ETRACK/);
    expect(long("EWB")).toMatch(/IPIs .* third time/);
    const stop = TOURS.find((t) => t.id === "reclaim")?.stops.find((s) => s.expect === "reclaim");
    expect(stop?.text).not.toMatch(/runs EBLOCK, \[\[ETRACK\]\] and \[\[EWB\]\]/);
    expect(stop?.text).toMatch(/only when EWB answers SGX_NOT_TRACKED/);
  });
});
