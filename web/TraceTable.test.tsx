import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { sampleTrace } from "./fixtures.ts";
import { TraceTable } from "./TraceTable.tsx";

describe("TraceTable", () => {
  const html = renderToStaticMarkup(<TraceTable trace={sampleTrace} />);

  it("is a labelled table with one body row per step", () => {
    expect(html).toContain('aria-label="Trace"');
    expect(html).toContain("<caption>augment: EAUG on a page fault</caption>");
    const body = html.slice(html.indexOf("<tbody>"));
    expect(body.match(/<tr/g)).toHaveLength(sampleTrace.steps.length);
  });

  it("shows each step's op, outcome and number of EPCM entries changed", () => {
    expect(html).toContain("EENTER write 0xc000");
    expect(html).toContain("ERESUME #PF 0x8007");
    expect(html).toMatch(/<td class="num">1<\/td><\/tr>/);
    expect(html).toContain("value 0x1122334455667788");
  });

  it("marks steps whose expectations were not met", () => {
    expect(html).toContain('class="unmet"');
    expect(html).toContain("Expectation not met: errno: expected &quot;EINVAL&quot;, got &quot;EPERM&quot;");
  });
});
