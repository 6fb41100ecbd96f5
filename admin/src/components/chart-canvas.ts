/**
 * A Chart.js chart on a canvas of the screen, drawn when Chart.js has loaded (its own chunk, charts.ts) and
 * destroyed when the inputs change or the screen goes; a screen that is gone before Chart.js arrives draws nothing.
 */
import type { RefObject } from 'preact';
import { useEffect } from 'preact/hooks';
import type { ChartConfiguration } from 'chart.js';

const loadChartJs = () => import('../charts.js');

/** `config` null: nothing to draw. `inputs`: what the chart is drawn from (as useEffect's). */
export function useChart(canvas: RefObject<HTMLCanvasElement>, config: () => ChartConfiguration | null, inputs: unknown[]): void {
  useEffect(() => {
    const wanted = config();
    if (wanted === null) return undefined;
    let chart: { destroy(): void } | null = null;
    let live = true;
    void loadChartJs().then(({ Chart }) => {
      if (!live || !canvas.current) return;
      chart = new Chart(canvas.current, wanted);
    });
    return () => { live = false; chart?.destroy(); };
  }, inputs);
}
