// Embed mode (`?embed=1`, with a flow or a share link): only the stepper, the grids and the
// narration (or the open tour stop's text), fitted to the iframe (embed.css: no scrolling at
// 800x500), and a link that opens the same view in the full explorer (same flow or scenario,
// step and event). The EPC grid folds to a one-line strip while the step changes nothing only
// it shows (EmbedEpc.tsx); the grids' canvases are sized to the frame's height (embed-fit.ts).
import { lazy, Suspense, useEffect, useRef } from "react";
import { withoutEmbed } from "../share/link.ts";
import { shareUrl, startFromLocation } from "../share/url.ts";
import { useExplorer } from "../store/explorer.ts";
import { useTour } from "../store/tour.ts";
import { EnclaveGrid } from "../views/EnclaveGrid.tsx";
import { EpcGrid } from "../views/EpcGrid.tsx";
import { useKeyboardShortcuts } from "../views/keyboard.ts";
import { Narration } from "../views/Narration.tsx";
import { Stepper } from "../views/Stepper.tsx";
import { initTheme } from "../views/ThemeToggle.tsx";
import { EmbedEpcStrip, useEpcShown } from "./EmbedEpc.tsx";
import { useFitHeight } from "./embed-fit.ts";
import { StatusBar } from "./StatusBar.tsx";
import "./embed.css";

// The tour's text and panel load only for an embed that opens a tour.
const TourPanel = lazy(() => import("../views/tour/TourPanel.tsx").then((m) => ({ default: m.TourPanel })));

function OpenInExplorer() {
  // Re-rendered whenever the position or what is loaded changes, so the link always matches.
  const href = useExplorer((s) => {
    void s.step;
    void s.event;
    void s.enclave;
    void s.info;
    const link = shareUrl();
    return link.ok ? withoutEmbed(link.url) : null;
  });
  if (!href) return null;
  return (
    <a className="embed-open" href={href} target="_blank" rel="noopener">
      Open in EPCM Explorer
    </a>
  );
}

/**
 * `&theme=light|dark` fixes the theme of this embed (the canvases follow <html data-theme>)
 * without touching the visitor's remembered choice, which applies otherwise (initTheme).
 */
function applyEmbedTheme(): void {
  initTheme();
  const theme = new URLSearchParams(window.location.search).get("theme");
  if (theme === "light" || theme === "dark") document.documentElement.dataset.theme = theme;
}

export function EmbedApp() {
  const title = useExplorer((s) => s.info?.title);
  const touring = useTour((s) => s.tourId !== null);
  const [epcShown, setEpcShown] = useEpcShown();
  const slot = useRef<HTMLDivElement>(null);
  const fit = useFitHeight(slot);
  const maxHeight = fit ?? 240;
  useKeyboardShortcuts();
  useEffect(() => {
    applyEmbedTheme();
    startFromLocation();
  }, []);
  return (
    <div className="app app-embed">
      <header className="embed-header">
        <p className="app-title" aria-live="polite">
          {title ?? ""}
        </p>
        <OpenInExplorer />
      </header>
      <StatusBar />
      <main className="embed-main" aria-label="EPC and EPCM">
        <Stepper />
        <div className={`embed-body${touring ? " embed-touring" : ""}`}>
          <div className="embed-grids-column">
            <div ref={slot} className={`embed-grids${epcShown ? " embed-grids-two" : ""}`}>
              <EnclaveGrid maxHeight={maxHeight} />
              {epcShown && <EpcGrid maxHeight={maxHeight} />}
            </div>
            <EmbedEpcStrip open={epcShown} onToggle={setEpcShown} />
          </div>
          <div className="embed-side">
            {touring ? (
              <Suspense fallback={<p className="embed-loading">Loading the tour…</p>}>
                <TourPanel />
              </Suspense>
            ) : (
              <Narration explore={false} />
            )}
          </div>
        </div>
      </main>
    </div>
  );
}
