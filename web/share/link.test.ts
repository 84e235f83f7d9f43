import { deflateSync, strToU8 } from "fflate";
import { describe, expect, it } from "vitest";
import { findFlow } from "../../engine/index.ts";
import {
  canonicalFlowId,
  decodeScenario,
  encodeScenario,
  formatLink,
  fromBase64Url,
  inflateBounded,
  isEmbedLink,
  LINK_VERSION,
  MAX_PAYLOAD_CHARS,
  MAX_SCENARIO_BYTES,
  parseLink,
  toBase64Url,
  withoutEmbed,
} from "./link.ts";

const scenario = findFlow("augment")?.scenario as Record<string, unknown>;

function payloadOf(bytes: Uint8Array, version = LINK_VERSION): string {
  return `${version}.${toBase64Url(bytes)}`;
}

function message(value: string): string {
  const r = decodeScenario(value);
  if (r.ok) throw new Error(`expected a failure for ${value.slice(0, 40)}`);
  return r.message;
}

describe("base64url", () => {
  it("round-trips every byte value and uses no padding or +/", () => {
    const bytes = Uint8Array.from({ length: 256 * 3 + 1 }, (_, i) => (i * 7) % 256);
    const text = toBase64Url(bytes);
    expect(text).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(fromBase64Url(text)).toEqual(bytes);
  });

  it("rejects text that is not base64url", () => {
    expect(fromBase64Url("ab+c")).toBeNull();
    expect(fromBase64Url("abc=")).toBeNull();
    expect(fromBase64Url("a")).toBeNull(); // a length of 4k+1 cannot be base64
    expect(fromBase64Url("ab cd")).toBeNull();
  });
});

describe("encodeScenario / decodeScenario", () => {
  it("round-trips a built-in flow's scenario", () => {
    const e = encodeScenario(scenario);
    expect(e.ok).toBe(true);
    if (!e.ok) return;
    expect(e.value.startsWith(`${LINK_VERSION}.`)).toBe(true);
    expect(e.value.length).toBeLessThan(JSON.stringify(scenario).length); // compressed
    expect(decodeScenario(e.value)).toEqual({ ok: true, scenario });
  });

  it("round-trips non-ASCII text", () => {
    const s = { ...scenario, title: "Seite → “EAUG” 🧪", description: "日本語" };
    const e = encodeScenario(s);
    expect(e.ok && decodeScenario(e.value)).toEqual({ ok: true, scenario: s });
  });

  it("refuses to encode a scenario larger than the cap", () => {
    const big = { ...scenario, description: "x".repeat(MAX_SCENARIO_BYTES) };
    const e = encodeScenario(big);
    expect(e.ok).toBe(false);
    if (!e.ok) expect(e.message).toMatch(/too large for a link.*Export scenario/);
  });

  it("names a newer link format", () => {
    expect(message("2.abcd")).toBe(
      "This link was made by a newer version of EPCM Explorer (link format 2); this version reads format 1.",
    );
  });

  it("rejects a format it never wrote, a missing version and an empty payload", () => {
    expect(message("0.abcd")).toMatch(/link format 0, which EPCM Explorer never wrote/);
    expect(message("abcd")).toMatch(/should start with a link format number/);
    expect(message("x.abcd")).toMatch(/should start with a link format number/);
    expect(message("")).toMatch(/should start with a link format number/);
    expect(message("1.")).toMatch(/empty/);
    expect(message("1")).toMatch(/empty/);
  });

  it("rejects bad base64", () => {
    expect(message("1.ab+/")).toMatch(/not valid base64url/);
    expect(message("1.a")).toMatch(/not valid base64url/);
    expect(message("1.%%%")).toMatch(/not valid base64url/);
  });

  it("rejects data that does not inflate", () => {
    expect(message("1.garbage")).toMatch(/compressed data cannot be unpacked/);
    const truncated = encodeScenario(scenario);
    if (!truncated.ok) throw new Error("encode failed");
    expect(message(truncated.value.slice(0, 40))).toMatch(/cannot be unpacked|not valid base64url/);
  });

  it("rejects an inflated payload that is not UTF-8 or not JSON", () => {
    expect(message(payloadOf(deflateSync(Uint8Array.from([0xff, 0xfe, 0x80]))))).toMatch(
      /does not unpack to text/,
    );
    expect(message(payloadOf(deflateSync(strToU8("{not json"))))).toMatch(/does not unpack to valid JSON/);
  });

  it("stops a decompression bomb at the cap without unpacking all of it", () => {
    const bomb = deflateSync(new Uint8Array(12 * 1024 * 1024), { level: 1 });
    const started = performance.now();
    expect(message(payloadOf(bomb))).toMatch(/unpacks to more than 5 MB/);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(() => inflateBounded(bomb, 1000)).toThrow();
  });

  it("caps the payload length before decoding it", () => {
    expect(message(`1.${"A".repeat(MAX_PAYLOAD_CHARS + 4)}`)).toMatch(/too long/);
  });

  it("inflates exactly at the cap", () => {
    const data = new Uint8Array(5000).fill(65);
    expect(inflateBounded(deflateSync(data), 5000)).toEqual(data);
    expect(() => inflateBounded(deflateSync(data), 4999)).toThrow();
  });
});

describe("parseLink", () => {
  it("spells a flow named the selftest's way (underscores) as its link id", () => {
    expect(canonicalFlowId("epcm_permissions")).toBe("epcm-permissions");
    expect(canonicalFlowId(" Remove_Added_Page_No_EACCEPT ")).toBe("remove-added-page-no-eaccept");
  });

  it("reads a built-in flow, its step, event and enclave", () => {
    expect(parseLink("?flow=augment&step=5&event=2&enclave=e1", "")).toEqual({
      source: { kind: "flow", id: "augment" },
      step: 5,
      event: 1,
      enclave: "e1",
      tour: null,
      problems: [],
    });
    expect(parseLink("", "")).toEqual({
      source: null,
      step: 0,
      event: null,
      enclave: null,
      tour: null,
      problems: [],
    });
  });

  it("reads a tour and its 1-based stop, alone or with a position", () => {
    expect(parseLink("?tour=permissions&stop=3", "")).toMatchObject({
      source: null,
      step: 0,
      tour: { id: "permissions", stop: 2 },
      problems: [],
    });
    expect(parseLink("?tour=remove", "").tour).toEqual({ id: "remove", stop: 0 });
    const both = parseLink("?flow=tcs-create&step=9&tour=remove&stop=2", "");
    expect(both.source).toEqual({ kind: "flow", id: "tcs-create" });
    expect(both.step).toBe(9);
    expect(both.tour).toEqual({ id: "remove", stop: 1 });
    const badStop = parseLink("?tour=remove&stop=0", "");
    expect(badStop.tour).toEqual({ id: "remove", stop: 0 });
    expect(badStop.problems[0]).toMatch(/tour stop “0” is not a stop number.*starting at stop 1/);
    const badTour = parseLink("?tour=%3Cb%3E", "");
    expect(badTour.tour).toBeNull();
    expect(badTour.problems[0]).toMatch(/names the tour “<b>”, which is not a tour name/);
  });

  it("reads a custom scenario from the hash, with its position in the hash or the query", () => {
    const e = encodeScenario(scenario);
    if (!e.ok) throw new Error("encode failed");
    const inHash = parseLink("", `#s=${e.value}&step=3&event=1`);
    expect(inHash.source).toEqual({ kind: "custom", scenario });
    expect(inHash.step).toBe(3);
    expect(inHash.event).toBe(0);
    expect(parseLink("?step=4", `#s=${e.value}`).step).toBe(4);
    // The hash wins over a flow in the query.
    expect(parseLink("?flow=augment", `#s=${e.value}`).source?.kind).toBe("custom");
  });

  it("reports each unusable part", () => {
    const bad = parseLink("?flow=<script>&step=-1&event=0&enclave=a%20b", "");
    expect(bad.source).toBeNull();
    expect(bad.step).toBe(0);
    expect(bad.event).toBeNull();
    expect(bad.enclave).toBeNull();
    expect(bad.problems).toHaveLength(4);
    expect(bad.problems.join(" ")).toMatch(
      /not a flow name.*not a step number.*not an event number.*not an enclave name/,
    );
    const garbled = parseLink("", "#s=1.garbage");
    expect(garbled.source).toBeNull();
    expect(garbled.problems[0]).toMatch(/damaged/);
    expect(parseLink("", "#s=2.abc").problems[0]).toMatch(/newer version/);
  });
});

describe("formatLink", () => {
  it("writes an open tour and its 1-based stop after the position, and drops a stale one", () => {
    const r = formatLink(
      {
        source: { kind: "flow", id: "tcs-create" },
        step: 9,
        event: null,
        enclave: null,
        tour: { id: "remove", stop: 1 },
      },
      "?tour=old&stop=7&theme=dark",
    );
    expect(r.ok && r.search).toBe("?theme=dark&flow=tcs-create&step=9&tour=remove&stop=2");
    const closed = formatLink(
      { source: { kind: "flow", id: "tcs-create" }, step: 9, event: null, enclave: null },
      "?flow=tcs-create&tour=remove&stop=2",
    );
    expect(closed.ok && closed.search).toBe("?flow=tcs-create&step=9");
    const back = parseLink("?theme=dark&flow=tcs-create&step=9&tour=remove&stop=2", "");
    expect(back.tour).toEqual({ id: "remove", stop: 1 });
  });

  it("writes a built-in flow in the query, keeping unrelated parameters", () => {
    const r = formatLink(
      { source: { kind: "flow", id: "augment" }, step: 5, event: null, enclave: null },
      "?lang=en&flow=old&step=9",
    );
    expect(r).toEqual({ ok: true, search: "?lang=en&flow=augment&step=5", hash: "" });
    const start = formatLink({
      source: { kind: "flow", id: "augment" },
      step: 0,
      event: null,
      enclave: null,
    });
    expect(start).toEqual({ ok: true, search: "?flow=augment", hash: "" });
  });

  it("writes the event 1-based and the enclave by name", () => {
    const r = formatLink({ source: { kind: "flow", id: "two-enclaves" }, step: 7, event: 0, enclave: "e1" });
    expect(r.ok && r.search).toBe("?flow=two-enclaves&step=7&event=1&enclave=e1");
  });

  it("writes a custom scenario in the hash, and reads back what it wrote", () => {
    const r = formatLink(
      { source: { kind: "custom", scenario }, step: 6, event: 2, enclave: null },
      "?flow=augment",
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.search).toBe("");
    expect(r.hash).toMatch(/^#s=1\.[A-Za-z0-9_-]+&step=6&event=3$/);
    const back = parseLink(r.search, r.hash);
    expect(back).toEqual({
      source: { kind: "custom", scenario },
      step: 6,
      event: 2,
      enclave: null,
      tour: null,
      problems: [],
    });
  });

  it("says why a scenario cannot be linked", () => {
    const r = formatLink({
      source: { kind: "custom", scenario: { description: "x".repeat(MAX_SCENARIO_BYTES + 1) } },
      step: 0,
      event: null,
      enclave: null,
    });
    expect(r.ok).toBe(false);
  });
});

describe("embed links", () => {
  it("recognizes embed=1 only", () => {
    expect(isEmbedLink("?flow=augment&embed=1")).toBe(true);
    expect(isEmbedLink("embed=1")).toBe(true);
    expect(isEmbedLink("?flow=augment&embed=0")).toBe(false);
    expect(isEmbedLink("?flow=augment")).toBe(false);
  });

  it("drops embed=1 and keeps everything else, the hash included", () => {
    expect(withoutEmbed("https://h/p/?flow=tcs-create&embed=1&step=5")).toBe(
      "https://h/p/?flow=tcs-create&step=5",
    );
    expect(withoutEmbed("https://h/p/?embed=1#s=1.abc&step=2")).toBe("https://h/p/#s=1.abc&step=2");
  });
});

describe("kernel and mutation choice", () => {
  // Links written before the pickers existed: they carry no choice and parse as they always did.
  const OLD_LINKS: Array<[string, string]> = [
    ["?flow=augment&step=12", ""],
    ["?flow=two-enclaves&step=7&event=1&enclave=e1", ""],
    ["?tour=remove&stop=2", ""],
    ["?flow=augment&step=12&page=0x8000&pte=1&theme=dark", ""],
    ["", "#s=1.abc&step=2"],
  ];

  it("old links have no machine field and no new problems", () => {
    for (const [search, hash] of OLD_LINKS) {
      const t = parseLink(search, hash);
      expect(t).not.toHaveProperty("machine");
      expect(t.problems.filter((p) => /kernel|mutation/.test(p))).toEqual([]);
    }
  });

  it("reads kernel and mutate from the query, a typed + included", () => {
    const t = parseLink("?flow=augment&step=3&kernel=v6.6+edmm-races&mutate=no-ipi,no-etrack", "");
    expect(t.machine).toEqual({ kernel: "v6.6+edmm-races", mutate: ["no-ipi", "no-etrack"] });
    expect(t.step).toBe(3);
    expect(parseLink("?flow=augment&mutate=", "").machine).toEqual({ mutate: [] });
  });

  it("writes the choice after the position and reads it back, for flows and custom scenarios", () => {
    const machine = { kernel: "v6.6+edmm-races", mutate: ["no-ipi"] };
    const r = formatLink({
      source: { kind: "flow", id: "augment" },
      step: 4,
      event: null,
      enclave: null,
      machine,
    });
    expect(r.ok && r.search).toBe("?flow=augment&step=4&kernel=v6.6%2Bedmm-races&mutate=no-ipi");
    if (r.ok) expect(parseLink(r.search, r.hash).machine).toEqual(machine);
    const c = formatLink({
      source: { kind: "custom", scenario },
      step: 0,
      event: null,
      enclave: null,
      machine,
    });
    expect(c.ok && c.hash).toMatch(/&kernel=v6.6%2Bedmm-races&mutate=no-ipi$/);
    if (c.ok) expect(parseLink(c.search, c.hash).machine).toEqual(machine);
    const none = formatLink(
      { source: { kind: "flow", id: "augment" }, step: 0, event: null, enclave: null },
      "?flow=x&kernel=v6.1&mutate=no-ipi",
    );
    expect(none.ok && none.search).toBe("?flow=augment");
  });

  it("names a value that is not a name and keeps the rest of the link", () => {
    const t = parseLink("?flow=augment&step=5&kernel=%3Cb%3E&mutate=no-ipi,%20,x%20y", "");
    expect(t.source).toEqual({ kind: "flow", id: "augment" });
    expect(t.step).toBe(5);
    expect(t).not.toHaveProperty("machine");
    expect(t.problems[0]).toMatch(/kernel “<b>” is not a kernel version name/);
    expect(t.problems[1]).toMatch(/mutation list .* has “”, “x y”, which are not mutation names/);
  });
});
