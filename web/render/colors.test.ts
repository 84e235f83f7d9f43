import { describe, expect, it } from "vitest";
import { enclaveCellColour, epcCellColour, paintEnclave, paintEpc, paintMask } from "./bitmap.ts";
import {
  contrast,
  enclaveColour,
  PALETTE_VARS,
  type PaletteVar,
  packRgb,
  pageTypeColour,
  paletteFrom,
  parseColor,
  textOn,
} from "./colors.ts";
import { pageTable, rowAt } from "./pages.ts";
import { augmentAfterFault, enclave, makeView, R, V } from "./test-views.ts";

/** A palette whose every variable is a distinct grey-ish colour: variable k is rgb(k, 2k, 3k). */
function testPalette() {
  return paletteFrom((name) => {
    const k = PALETTE_VARS.indexOf(name) + 1;
    return `rgb(${k}, ${2 * k}, ${3 * k})`;
  });
}

const colourOf = (name: PaletteVar) => {
  const k = PALETTE_VARS.indexOf(name) + 1;
  return packRgb({ r: k, g: 2 * k, b: 3 * k });
};

describe("colours", () => {
  it("parses the forms CSS variables come in", () => {
    expect(parseColor("#2f7fd6")).toEqual({ r: 0x2f, g: 0x7f, b: 0xd6 });
    expect(parseColor(" #fff ")).toEqual({ r: 255, g: 255, b: 255 });
    expect(parseColor("#11223344")).toEqual({ r: 0x11, g: 0x22, b: 0x33 });
    expect(parseColor("rgb(1, 2, 3)")).toEqual({ r: 1, g: 2, b: 3 });
    expect(parseColor("rgba(10 20 30 / 0.5)")).toEqual({ r: 10, g: 20, b: 30 });
    expect(parseColor("")).toBeNull();
  });

  it("packs colours as RGBA bytes in memory", () => {
    const bytes = new Uint8Array(new Uint32Array([packRgb({ r: 1, g: 2, b: 3 })]).buffer);
    expect([...bytes]).toEqual([1, 2, 3, 255]);
  });

  it("reads every variable of the palette, and survives unreadable ones", () => {
    const p = paletteFrom((name) => (name === "page-reg" ? "#2f7fd6" : ""));
    expect(p.css["page-reg"]).toBe("rgb(47, 127, 214)");
    expect(p.rgb.fg).toEqual({ r: 128, g: 128, b: 128 });
  });

  it("picks the text colour that contrasts most", () => {
    const p = paletteFrom((name) => (name === "fg" ? "#15191e" : name === "bg" ? "#ffffff" : "#808080"));
    expect(textOn(p, { r: 255, g: 255, b: 255 })).toBe(p.css.fg);
    expect(textOn(p, { r: 20, g: 20, b: 60 })).toBe(p.css.bg);
    expect(contrast({ r: 0, g: 0, b: 0 }, { r: 255, g: 255, b: 255 })).toBeCloseTo(21, 0);
  });

  it("maps page types and owners to theme variables", () => {
    expect([0, 1, 2, 3, 4].map(pageTypeColour)).toEqual([
      "page-secs",
      "page-tcs",
      "page-reg",
      "page-va",
      "page-trim",
    ]);
    const p = testPalette();
    expect(enclaveColour(p, 0)).toBe("enclave-0");
    expect(enclaveColour(p, 6)).toBe("enclave-1");
  });
});

describe("cell colours", () => {
  const p = testPalette();

  it("colours EPC pages by owner, SECS and VA by type, free pages plain", () => {
    expect(epcCellColour(p, 0, 0, -1)).toBe("page-free");
    expect(epcCellColour(p, V, 0, 1)).toBe("page-secs");
    expect(epcCellColour(p, V, 3, 0)).toBe("page-va");
    expect(epcCellColour(p, V | R, 2, 1)).toBe("enclave-1");
    expect(epcCellColour(p, V, 4, 2)).toBe("enclave-2");
  });

  it("colours enclave pages by type, evicted grey, holes plain", () => {
    const view = makeView({
      epcPages: 4,
      entries: [{ epc: 1, encl: 0, offset: 0x1000, pt: 4, flags: V }],
      enclaves: [
        enclave("e0", 0x4000, [
          { offset: 0, type: 2, epc: -1 },
          { offset: 0x1000, type: 2, epc: 1 },
        ]),
      ],
    });
    const t = pageTable(view, 0);
    expect(enclaveCellColour(rowAt(t, 0))).toBe("page-evicted");
    expect(enclaveCellColour(rowAt(t, 1))).toBe("page-trim");
    expect(enclaveCellColour(rowAt(t, 2))).toBe("page-hole");
  });

  it("paints one pixel per EPC page", () => {
    const view = augmentAfterFault();
    const out = new Uint32Array(130);
    paintEpc(out, view.epc, p);
    expect(out[0]).toBe(colourOf("page-va"));
    expect(out[1]).toBe(colourOf("page-secs"));
    expect(out[14]).toBe(colourOf("enclave-0"));
    expect(out[15]).toBe(colourOf("page-free"));
    expect(out[129]).toBe(colourOf("bg")); // past the EPC (a partial last row)
  });

  it("paints one pixel per enclave page", () => {
    const view = augmentAfterFault();
    const out = new Uint32Array(16);
    paintEnclave(out, 16, pageTable(view, 0), p);
    expect(out[0]).toBe(colourOf("page-tcs"));
    expect(out[2]).toBe(colourOf("page-reg"));
    expect(out[12]).toBe(colourOf("page-reg"));
    expect(out[13]).toBe(colourOf("page-hole"));
  });

  it("marks changed cells in a transparent mask", () => {
    const out = new Uint32Array(4).fill(7);
    paintMask(out, [1, 3, 9], 5);
    expect([...out]).toEqual([0, 5, 0, 5]);
  });
});
