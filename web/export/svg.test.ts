// The SVG export: one rect per EPC page and per page of ELRANGE, coloured by the same rules as
// the canvases, flag letters on flagged pages, and scenario text escaped (it is not markup).
import { describe, expect, it } from "vitest";
import { paletteFrom } from "../render/colors.ts";
import { augmentAfterFault } from "../render/test-views.ts";
import { viewToSvg } from "./svg.ts";

const palette = paletteFrom((name) =>
  name === "bg" ? "#ffffff" : name === "page-reg" ? "#2f7fd6" : name === "page-free" ? "#eef1f4" : "#555555",
);

function cells(svg: string, kind: "epc" | "enclave"): string[] {
  const group = new RegExp(`<g class="cells-${kind}"[^>]*>([\\s\\S]*?)</g>`).exec(svg)?.[1] ?? "";
  return group.match(/<rect [^>]*>/g) ?? [];
}

describe("viewToSvg", () => {
  const view = augmentAfterFault();
  const { svg, width, height } = viewToSvg({
    view,
    enclave: 0,
    palette,
    title: 'a <b>"bold"</b> & title',
    position: "Step 12 of 16",
  });

  it("draws one rect per EPC page and per page of ELRANGE", () => {
    expect(cells(svg, "epc")).toHaveLength(view.epc.flags.length);
    expect(cells(svg, "enclave")).toHaveLength(view.enclaves[0].size / 4096);
    expect(width).toBe(960);
    expect(height).toBeGreaterThan(200);
  });

  it("colours free pages and the background from the palette", () => {
    const free = view.epc.flags.indexOf(0);
    const rect = cells(svg, "epc").find((r) => r.includes(`data-cell="${free}"`)) ?? "";
    expect(rect).toContain('fill="rgb(238, 241, 244)"');
    expect(svg).toContain('<rect width="100%" height="100%" fill="rgb(255, 255, 255)"/>');
  });

  it("marks the PENDING page with its flag letter", () => {
    expect(svg).toMatch(/>P<\/text>/);
  });

  it("escapes scenario text", () => {
    expect(svg).not.toContain("<b>");
    expect(svg).toContain("a &#60;b&#62;&#34;bold&#34;&#60;/b&#62; &#38; title");
  });
});
