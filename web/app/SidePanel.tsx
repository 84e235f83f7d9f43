// The right-hand panel: tabs for what the current step did, the guided tour, predict mode,
// reviewer mode and the API history. A WAI-ARIA tablist (arrow keys move between tabs).
// The tabs other than "What happened" are loaded when first opened (their own chunks, out of
// the page's initial JavaScript); "Loading…" stands in meanwhile.
import { type KeyboardEvent, lazy, Suspense } from "react";
import { PANEL_TABS, type PanelTab, usePanels } from "../store/panels.ts";
import { EventsLog } from "../views/EventsLog.tsx";
import { Inspector } from "../views/Inspector.tsx";
import { Narration } from "../views/Narration.tsx";

const TourPanel = lazy(() => import("../views/tour/TourPanel.tsx").then((m) => ({ default: m.TourPanel })));
const PredictPanel = lazy(() =>
  import("../views/predict/PredictPanel.tsx").then((m) => ({ default: m.PredictPanel })),
);
const ReviewPanel = lazy(() =>
  import("../views/review/ReviewPanel.tsx").then((m) => ({ default: m.ReviewPanel })),
);
const ApiHistory = lazy(() =>
  import("../views/history/ApiHistory.tsx").then((m) => ({ default: m.ApiHistory })),
);

function TabContent({ tab }: { tab: PanelTab }) {
  if (tab === "explain") return <ExplainTab />;
  return (
    <Suspense fallback={<p className="side-loading">Loading…</p>}>
      <LazyTab tab={tab} />
    </Suspense>
  );
}

function ExplainTab() {
  return (
    <>
      <Narration />
      <EventsLog />
      <Inspector />
    </>
  );
}

function LazyTab({ tab }: { tab: Exclude<PanelTab, "explain"> }) {
  switch (tab) {
    case "tour":
      return <TourPanel />;
    case "predict":
      return <PredictPanel />;
    case "review":
      return <ReviewPanel />;
    case "history":
      return <ApiHistory />;
  }
}

export function SidePanel() {
  const tab = usePanels((s) => s.tab);
  const setTab = usePanels((s) => s.setTab);
  const onKeyDown = (e: KeyboardEvent) => {
    const i = PANEL_TABS.findIndex((t) => t.id === tab);
    let next = -1;
    if (e.key === "ArrowRight") next = (i + 1) % PANEL_TABS.length;
    else if (e.key === "ArrowLeft") next = (i - 1 + PANEL_TABS.length) % PANEL_TABS.length;
    else if (e.key === "Home") next = 0;
    else if (e.key === "End") next = PANEL_TABS.length - 1;
    if (next < 0) return;
    e.preventDefault();
    e.stopPropagation();
    const id = PANEL_TABS[next].id;
    setTab(id);
    document.getElementById(`side-tab-${id}`)?.focus();
  };
  return (
    <>
      <div className="side-tabs" role="tablist" aria-label="Side panel" onKeyDown={onKeyDown}>
        {PANEL_TABS.map((t) => (
          <button
            key={t.id}
            id={`side-tab-${t.id}`}
            type="button"
            role="tab"
            aria-selected={tab === t.id}
            aria-controls="side-tabpanel"
            tabIndex={tab === t.id ? 0 : -1}
            onClick={() => setTab(t.id)}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div id="side-tabpanel" className="side-tabpanel" role="tabpanel" aria-labelledby={`side-tab-${tab}`}>
        <TabContent tab={tab} />
      </div>
    </>
  );
}
