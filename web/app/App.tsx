// The explorer's layout. Each panel is a view that reads the store; this file only arranges them
// and shows the app-level status (loading progress, errors, notices).
import { useEffect, useRef } from "react";
import { startFromLocation } from "../share/url.ts";
import { useExplorer } from "../store/explorer.ts";
import { usePresentMode } from "../store/present.ts";
import { CopyLinkButton } from "../views/CopyLinkButton.tsx";
import { CpuPanel } from "../views/CpuPanel.tsx";
import { EnclaveGrid } from "../views/EnclaveGrid.tsx";
import { EpcGrid } from "../views/EpcGrid.tsx";
import { EpcmTable } from "../views/EpcmTable.tsx";
import { EpcUsagePanel } from "../views/EpcUsagePanel.tsx";
import { ExportMenu } from "../views/ExportMenu.tsx";
import { useKeyboardShortcuts } from "../views/keyboard.ts";
import { ScenarioPanel } from "../views/ScenarioPanel.tsx";
import { ShortcutLegend } from "../views/ShortcutLegend.tsx";
import { Stepper } from "../views/Stepper.tsx";
import { ThemeToggle } from "../views/ThemeToggle.tsx";
import { Timeline } from "../views/Timeline.tsx";
import { useFoldHeight } from "./embed-fit.ts";
import { PhoneFold } from "./PhoneFold.tsx";
import { PresentToggle } from "./PresentToggle.tsx";
import { SidePanel } from "./SidePanel.tsx";
import { StatusBar } from "./StatusBar.tsx";
import { Welcome } from "./Welcome.tsx";

export function App() {
  const title = useExplorer((s) => s.info?.title);
  useKeyboardShortcuts();
  useEffect(() => {
    startFromLocation();
  }, []);
  // Presentation mode keeps the grids above the fold (a projector's 1366x768).
  const grids = useRef<HTMLDivElement>(null);
  const gridHeight = useFoldHeight(
    grids,
    usePresentMode((s) => s.on),
  );
  return (
    <div className="app">
      <header className="app-header">
        <h1>EPCM Explorer</h1>
        <p className="app-title" aria-live="polite">
          {title ?? ""}
        </p>
        <div className="app-actions">
          <CopyLinkButton />
          <ExportMenu />
          <PresentToggle />
          <ThemeToggle />
        </div>
      </header>
      <Welcome />
      <StatusBar />
      <main className="layout">
        <aside className="panel panel-left" aria-label="Scenarios">
          <PhoneFold label="Scenarios and editor">
            <ScenarioPanel />
          </PhoneFold>
        </aside>
        <section className="panel panel-center" aria-label="EPC and EPCM">
          <Stepper />
          <Timeline />
          <CpuPanel />
          <div className="grids" ref={grids}>
            <EnclaveGrid maxHeight={gridHeight} />
            <EpcGrid maxHeight={gridHeight} />
          </div>
          <EpcUsagePanel />
          <EpcmTable />
        </section>
        <aside className="panel panel-right" aria-label="What happened">
          <SidePanel />
        </aside>
      </main>
      <ShortcutLegend />
    </div>
  );
}
