import { useEffect, useRef } from 'react';
import * as echarts from 'echarts/core';
import { BarChart, PieChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TitleComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([
  BarChart,
  PieChart,
  GridComponent,
  LegendComponent,
  TitleComponent,
  TooltipComponent,
  CanvasRenderer,
]);

/** The option object ECharts takes. */
export type ChartOption = echarts.EChartsCoreOption;

/** What a click on a bar or slice reports. */
export interface ChartClick {
  name: string;
  dataIndex: number;
  seriesName?: string;
}

/**
 * One Apache ECharts chart that follows its container's size (wall screen or laptop) and reports
 * clicks, which the dashboard uses to drill into the area below.
 */
export function Chart(props: {
  option: ChartOption;
  onClick?: (c: ChartClick) => void;
  testId?: string;
  height?: number;
}) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const onClick = useRef(props.onClick);
  onClick.current = props.onClick;

  useEffect(() => {
    if (!el.current) return;
    const c = echarts.init(el.current, 'dark', { renderer: 'canvas' });
    chart.current = c;
    c.on('click', (p) => {
      const e = p as unknown as ChartClick;
      onClick.current?.({ name: e.name, dataIndex: e.dataIndex, seriesName: e.seriesName });
    });
    const ro = new ResizeObserver(() => c.resize());
    ro.observe(el.current);
    return () => {
      ro.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption({ backgroundColor: 'transparent', ...props.option }, true);
  }, [props.option]);

  return (
    <div ref={el} className="chart" data-testid={props.testId} style={{ height: props.height ?? 360 }} />
  );
}
