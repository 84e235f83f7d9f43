// "Export": the run for a mailing list (the plain-text step log and EPCM table, or a kernel
// selftest TEST_F reproducing it), and the current view for slides and docs (SVG, PNG), in the
// current theme. Text goes to the clipboard; without one it is shown selected, to copy by hand.
import { useId, useRef, useState } from "react";
import { palette } from "../render/colors.ts";
import { shareUrl } from "../share/url.ts";
import { selftestExport, textLog } from "../store/engine-queries.ts";
import { useExplorer } from "../store/explorer.ts";
import { downloadBlob } from "./download.ts";
import { useCopyFeedback } from "./use-copy-feedback.ts";
import "./scenario.css";

/** A file name part from the flow id or the scenario's title. */
function baseName(): string {
  const s = useExplorer.getState();
  const from = s.source?.kind === "flow" ? s.source.id : (s.info?.title ?? "scenario");
  const slug = from
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "")
    .slice(0, 48);
  const where = s.event === null ? `step-${s.step}` : `step-${s.step}-event-${s.event + 1}`;
  return `epcm-${slug || "scenario"}-${where}`;
}

/** The enclave grid's width on screen (its column count follows from it), or undefined. */
function enclaveBoxWidth(): number | undefined {
  const box = document.querySelector('canvas[aria-label="Enclave pages"]')?.parentElement;
  const w = box ? Math.floor(box.getBoundingClientRect().width) : 0;
  return w > 0 ? w : undefined;
}

/** The current view as SVG markup (null before anything is loaded); the drawing code loads on first use. */
async function currentSvg(): Promise<{ svg: string; width: number; height: number } | null> {
  const s = useExplorer.getState();
  if (!s.view || !s.info) return null;
  const { viewToSvg, screenColumns } = await import("../export/svg.ts");
  const total = s.info.steps.length;
  const position =
    s.event === null
      ? `Step ${s.step} of ${total}`
      : `Step ${s.step} of ${total}, event ${s.event + 1} of ${s.info.steps[s.step - 1]?.events.length ?? 0}`;
  const pages = Math.ceil((s.view.enclaves[s.enclave]?.size ?? 0) / 4096);
  const width = enclaveBoxWidth();
  return viewToSvg({
    view: s.view,
    enclave: s.enclave,
    palette: palette(),
    title: s.info.title,
    position,
    step: s.step >= 1 ? s.info.steps[s.step - 1] : undefined,
    columns: width === undefined ? undefined : screenColumns(pages, width),
  });
}

/** Rasterizes SVG markup at twice its size (sharp on high-density screens). */
async function svgToPng(svg: string, width: number, height: number): Promise<Blob> {
  const url = URL.createObjectURL(new Blob([svg], { type: "image/svg+xml" }));
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    const canvas = document.createElement("canvas");
    canvas.width = width * 2;
    canvas.height = height * 2;
    const ctx = canvas.getContext("2d");
    if (!ctx) throw new Error("this browser gave no 2D canvas");
    ctx.scale(2, 2);
    ctx.drawImage(img, 0, 0, width, height);
    return await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob((b) => (b ? resolve(b) : reject(new Error("the PNG could not be encoded"))), "image/png"),
    );
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** An `<iframe>` for `url` opened in embed mode (`embed=1`, see link.ts). */
export function embedSnippet(url: string, title: string): string {
  const u = new URL(url);
  u.searchParams.set("embed", "1");
  const attr = (t: string) => t.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
  return `<iframe src="${attr(u.toString())}" title="${attr(title || "EPCM Explorer")}" width="800" height="500" style="border:0"></iframe>`;
}

export function ExportMenu() {
  const ready = useExplorer((s) => s.info !== null && s.view !== null && s.loading === null);
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const menuId = useId();
  const fieldId = useId();
  const buttonRef = useRef<HTMLButtonElement>(null);
  const { shown, setShown, fieldRef, close, onKeyDown, copy } = useCopyFeedback<HTMLTextAreaElement>(
    buttonRef,
    () => setOpen(false),
  );

  async function act(run: () => Promise<void>): Promise<void> {
    setOpen(false);
    setBusy(true);
    setShown(null);
    try {
      await run();
    } catch (e) {
      setShown({ kind: "error", message: `Export failed: ${(e as Error).message}` });
    } finally {
      setBusy(false);
    }
  }

  const copyText = () => act(async () => copy("Text log", await textLog(), "Text log copied"));

  const copySelftest = () =>
    act(async () => {
      const r = await selftestExport();
      if (!r.ok) setShown({ kind: "error", message: `This run ${r.error}.` });
      else await copy("Kernel selftest", r.code, "Kernel selftest copied");
    });

  const copyEmbed = () =>
    act(async () => {
      const link = shareUrl();
      if (!link.ok) return setShown({ kind: "error", message: link.message });
      await copy(
        "Embed code",
        embedSnippet(link.url, useExplorer.getState().info?.title ?? ""),
        "Embed code copied",
      );
    });

  const saveSvg = () =>
    act(async () => {
      const drawn = await currentSvg();
      if (!drawn) return;
      downloadBlob(new Blob([drawn.svg], { type: "image/svg+xml" }), `${baseName()}.svg`);
      setShown({ kind: "done", message: "SVG saved" });
    });

  const savePng = () =>
    act(async () => {
      const drawn = await currentSvg();
      if (!drawn) return;
      downloadBlob(await svgToPng(drawn.svg, drawn.width, drawn.height), `${baseName()}.png`);
      setShown({ kind: "done", message: "PNG saved" });
    });

  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: Escape closes the menu from any of its items
    <div className="copy-link export-menu" onKeyDown={onKeyDown}>
      <button
        type="button"
        ref={buttonRef}
        aria-expanded={open}
        aria-controls={menuId}
        disabled={!ready || busy}
        onClick={() => setOpen(!open)}
      >
        Export
      </button>
      <span className="copy-link-status" role="status">
        {busy && "Exporting…"}
        {shown?.kind === "done" && shown.message}
      </span>
      {open && (
        <div className="copy-link-popover export-items" id={menuId}>
          <button type="button" onClick={() => void copyText()}>
            Copy as text
          </button>
          <span className="scn-hint">The step log and EPCM table, for an email reply.</span>
          <button type="button" onClick={() => void copySelftest()}>
            Copy as kernel selftest
          </button>
          <span className="scn-hint">A TEST_F for tools/testing/selftests/sgx/main.c.</span>
          <button type="button" onClick={() => void copyEmbed()}>
            Copy embed code
          </button>
          <span className="scn-hint">An iframe showing this step (and tour stop) for a slide or a page.</span>
          <button type="button" onClick={() => void saveSvg()}>
            Save view as SVG
          </button>
          <button type="button" onClick={() => void savePng()}>
            Save view as PNG
          </button>
        </div>
      )}
      {shown?.kind === "error" && (
        <div className="copy-link-popover" role="alert">
          {shown.message}{" "}
          <button type="button" className="scn-link" onClick={close}>
            Close
          </button>
        </div>
      )}
      {shown?.kind === "manual" && (
        <div className="copy-link-popover">
          <label htmlFor={fieldId}>
            The clipboard is not available here: copy the {shown.what.toLowerCase()} (Ctrl+C)
          </label>
          <textarea id={fieldId} ref={fieldRef} readOnly rows={10} value={shown.text} />
          <button type="button" className="scn-link" onClick={close}>
            Close
          </button>
        </div>
      )}
    </div>
  );
}
