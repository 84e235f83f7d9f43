// The SVG export looks like the view: the step's title and outcome as a caption, the enclave's
// pages in the screen's columns with the app's offsets (empty ones too), what the step changed
// outlined, readable flag badges, the EPC cropped to the pages in use, and a legend that explains.
import { describe, expect, it } from "vitest";
import type { TraceStep } from "../engine/client.ts";
import { paletteFrom } from "../render/colors.ts";
import { augmentAfterFault, enclave, makeView, R, V, W } from "../render/test-views.ts";
import { screenColumns, viewToSvg } from "./svg.ts";

const palette = paletteFrom((name) =>
  name === "bg" ? "#ffffff" : name === "page-reg" ? "#2f7fd6" : name === "page-free" ? "#eef1f4" : "#555555",
);

function group(svg: string, cls: string): string {
  return new RegExp(`<g class="${cls}"[^>]*>([\\s\\S]*?)</g>`).exec(svg)?.[1] ?? "";
}

function cells(svg: string, kind: "epc" | "enclave"): string[] {
  return group(svg, `cells-${kind}`).match(/<rect [^>]*data-cell[^>]*>/g) ?? [];
}

/** Step 12 of the augment flow as the trace reports it: the write faults on the PENDING page. */
const step: TraceStep = {
  index: 12,
  enclave: "e0",
  op: { op: "EENTER", call: "write", addr: "0xc000" },
  note: "The write touches 0xc000, which no page backs: the fault handler EAUGs one.",
  ret: 0,
  run: { function: "ERESUME", exception_vector: 14, exception_error_code: "0x8007" } as TraceStep["run"],
  events: [],
  epcm: [],
};

describe("viewToSvg", () => {
  const view = augmentAfterFault();
  const { svg, width, height } = viewToSvg({
    view,
    enclave: 0,
    palette,
    title: 'a <b>"bold"</b> & title',
    position: "Step 12 of 16",
    step,
    columns: 4,
  });

  it("draws every page of ELRANGE, the empty offsets too, in the screen's column count", () => {
    const rects = cells(svg, "enclave");
    expect(rects).toHaveLength(16);
    // Column 4 of 4 starts a new row: cell 4 sits under cell 0.
    const x = (r: string) => /x="([\d.]+)"/.exec(r)?.[1];
    expect(x(rects[4])).toBe(x(rects[0]));
    expect(x(rects[3])).not.toBe(x(rects[0]));
    expect(group(svg, "cells-enclave").match(/>no page</g)).toHaveLength(3); // 0xd000-0xf000
    expect(width).toBe(800);
    expect(height).toBeGreaterThan(300);
  });

  it("takes the column count the enclave grid picks for its box width", () => {
    expect(screenColumns(16, 480)).toBe(4);
    const wide = viewToSvg({ view, enclave: 0, palette, title: "t", position: "p", columns: 8 }).svg;
    const rects = cells(wide, "enclave");
    const x = (r: string) => /x="([\d.]+)"/.exec(r)?.[1];
    expect(x(rects[8])).toBe(x(rects[0]));
    expect(x(rects[4])).not.toBe(x(rects[0]));
  });

  it("labels rows and columns with offsets into ELRANGE, as the app does", () => {
    const axis = group(svg, "axis");
    for (const label of ["0x0", "0x4000", "0x8000", "0xc000", "+0x1000", "+0x3000"])
      expect(axis).toContain(`>${label}</text>`);
    expect(svg).toContain("ELRANGE 0x10000 bytes (16 pages)");
  });

  it("outlines the pages this step changed, in the enclave and in the EPC", () => {
    const enclave = group(svg, "changed-enclave").match(/<rect [^>]*>/g) ?? [];
    expect(enclave).toHaveLength(1);
    expect(enclave[0]).toContain('data-cell="12"'); // 0xc000
    expect(enclave[0]).toContain('fill="none"');
    expect(group(svg, "changed-epc").match(/<rect [^>]*>/g)).toHaveLength(1);
  });

  it("badges the PENDING page with the word, not a letter", () => {
    expect(group(svg, "cells-enclave")).toMatch(/<rect class="badge"[^>]*>\s*<text[^>]*>PENDING<\/text>/);
  });

  it("captions the step's op, note and outcome as the trace reports them", () => {
    const c = group(svg, "caption");
    expect(c).toContain("Step 12 of 16: EENTER write 0xc000");
    expect(c).toContain("The write touches 0xc000");
    expect(c).toContain("Got back: ERESUME #PF 0x8007");
  });

  it("crops the EPC to the pages in use", () => {
    expect(cells(svg, "epc")).toHaveLength(15);
    expect(svg).toContain("EPC pages in use: 15 of 128 (113 free, not drawn)");
    expect(group(svg, "cells-epc")).toContain(">#14<");
  });

  it("explains each mark in the legend, with the grids' wording", () => {
    const legend = group(svg, "legend");
    for (const words of ["changed by this step", "no page", "evicted", "TCS", "REG", "TRIM"])
      expect(legend).toContain(words);
    expect(legend).toContain("the page was added by EAUG");
    expect(legend).not.toMatch(/PR = PR|P = PENDING/);
  });

  it("crops a large ELRANGE to the rows that hold pages, keeping their offsets", () => {
    // 1 GiB of ELRANGE (262,144 pages) with two pages near its top.
    const entries = [0x3fff0000, 0x3fff8000].map((offset, k) => ({
      epc: k,
      encl: 0,
      offset,
      pt: 2,
      flags: V | R | W,
    }));
    const big = makeView({
      epcPages: 64,
      entries,
      enclaves: [
        enclave(
          "big",
          0x40000000,
          entries.map((e) => ({ offset: e.offset, type: 2, epc: e.epc })),
        ),
      ],
      changed: [1],
    });
    const out = viewToSvg({ view: big, enclave: 0, palette, title: "t", position: "p", columns: 256 }).svg;
    const rects = cells(out, "enclave");
    expect(rects).toHaveLength(256); // one row of 256 pages, not 1,024 rows
    expect(rects[0]).toContain(`data-cell="${0x3ff00}"`);
    expect(group(out, "axis")).toContain(">0x3ff00000</text>");
    expect(group(out, "changed-enclave")).toContain(`data-cell="${0x3fff8}"`);
    expect(out).toContain("EPC pages in use: 2 of 64");
    // A small ELRANGE keeps every row, as the screen does, trailing empty ones too.
    const one = makeView({
      epcPages: 8,
      entries: [entries[0]].map((e) => ({ ...e, offset: 0 })),
      enclaves: [enclave("small", 0x10000, [{ offset: 0, type: 2, epc: 0 }])],
    });
    const small = viewToSvg({ view: one, enclave: 0, palette, title: "t", position: "p", columns: 4 }).svg;
    expect(cells(small, "enclave")).toHaveLength(16);
  });

  it("escapes scenario text", () => {
    expect(svg).not.toContain("<b>");
    expect(svg).toContain("a &#60;b&#62;&#34;bold&#34;&#60;/b&#62; &#38; title");
  });

  it("colours free holes and the background from the palette", () => {
    expect(svg).toContain('<rect width="100%" height="100%" fill="rgb(255, 255, 255)"/>');
  });
});
