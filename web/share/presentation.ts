// Presentation state in a link (optional, read after the flow is open; a link without these
// parameters opens as before):
//   &page=<enclave offset, hex>   the selected enclave page (in the shown enclave)
//   &epc=<n>                      or the selected EPC page (decimal index)
//   &pte=1                        "Show VMA/PTE" on
//   &theme=light|dark             the theme the link was made in
//   &present=1                    presentation mode (larger type, fewer panels)
// "Copy link" writes them; the address bar keeps what it was opened with.

export interface Presentation {
  page: number | null;
  epc: number | null;
  pte: boolean;
  theme: "light" | "dark" | null;
  /** Presentation mode; absent in links made before it existed. */
  present?: boolean;
}

export const PRESENTATION_PARAMS = ["page", "epc", "pte", "theme", "present"];

/** The presentation part of a query, with what could not be read. Never throws. */
export function parsePresentation(search: string): { presentation: Presentation; problems: string[] } {
  const q = new URLSearchParams(search.startsWith("?") ? search.slice(1) : search);
  const problems: string[] = [];
  const presentation: Presentation = {
    page: null,
    epc: null,
    pte: q.get("pte") === "1",
    theme: null,
    present: q.get("present") === "1",
  };
  const page = q.get("page");
  if (page !== null) {
    if (/^0x[0-9a-fA-F]{1,12}$/.test(page)) presentation.page = Number.parseInt(page.slice(2), 16);
    else problems.push(`This link's page “${page.slice(0, 40)}” is not a page offset (like 0xc000).`);
  }
  const epc = q.get("epc");
  if (epc !== null) {
    if (/^[0-9]{1,9}$/.test(epc)) presentation.epc = Number(epc);
    else problems.push(`This link's EPC page “${epc.slice(0, 40)}” is not a page number.`);
  }
  const theme = q.get("theme");
  if (theme === "light" || theme === "dark") presentation.theme = theme;
  else if (theme !== null) problems.push(`This link's theme “${theme.slice(0, 40)}” is not light or dark.`);
  return { presentation, problems };
}

/** `url` with the presentation parameters set to `p` (absent ones removed). */
export function withPresentation(url: string, p: Presentation): string {
  const u = new URL(url);
  for (const name of PRESENTATION_PARAMS) u.searchParams.delete(name);
  if (p.page !== null) u.searchParams.set("page", `0x${p.page.toString(16)}`);
  if (p.epc !== null) u.searchParams.set("epc", String(p.epc));
  if (p.pte) u.searchParams.set("pte", "1");
  if (p.theme) u.searchParams.set("theme", p.theme);
  if (p.present) u.searchParams.set("present", "1");
  return u.toString();
}
