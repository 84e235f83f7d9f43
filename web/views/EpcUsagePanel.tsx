// The EPC usage chart, loaded on first render as its own chunk (it brings d3-shape), so the
// page's first script stays small. While it loads, its heading holds the place.
import { lazy, Suspense } from "react";

const EpcUsageChart = lazy(() => import("./EpcUsageChart.tsx").then((m) => ({ default: m.EpcUsageChart })));

export function EpcUsagePanel() {
  return (
    <Suspense
      fallback={
        <section className="usage" aria-label="EPC usage (loading)">
          <h2 className="usage-title">EPC usage</h2>
        </section>
      }
    >
      <EpcUsageChart />
    </Suspense>
  );
}
