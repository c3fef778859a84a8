import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';

export interface ChartSeries {
  label: string;
  values: number[];
  color: string;
}

/** A uPlot line chart over bucket start times (ms); rebuilt when the series change shape. */
export function TimeChart({
  title,
  times,
  series,
  unit,
}: {
  title: string;
  times: number[];
  series: ChartSeries[];
  unit: string;
}) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | undefined>(undefined);
  const shape = series.map((s) => s.label).join('|');
  useEffect(() => {
    const el = host.current;
    if (el === null) return;
    plot.current = new uPlot(
      {
        title,
        width: Math.max(320, el.clientWidth),
        height: 180,
        series: [
          {},
          ...series.map((s) => ({
            label: s.label,
            stroke: s.color,
            width: 2,
            value: (_u: uPlot, v: number | null) => (v === null ? '–' : `${v.toFixed(2)} ${unit}`),
          })),
        ],
        axes: [{}, { size: 60 }],
        scales: { x: { time: true } },
      },
      [times.map((t) => t / 1000), ...series.map((s) => s.values)],
      el,
    );
    return () => plot.current?.destroy();
    // Rebuilt only when the series change shape; new data goes through setData below.
  }, [shape, title, unit]);
  useEffect(() => {
    plot.current?.setData([times.map((t) => t / 1000), ...series.map((s) => s.values)]);
  }, [times, series]);
  return <div class="chart" ref={host} data-chart={title} />;
}
