import { BarChart, CustomChart, HeatmapChart, LineChart, ScatterChart } from 'echarts/charts';
import { AriaComponent, GridComponent, LegendComponent, MarkLineComponent, TooltipComponent, VisualMapComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';

/**
 * ECharts with only what the console draws. The aria component must be registered by hand in a
 * tree-shaken build, or `aria.enabled` silently does nothing. SVG rather than canvas: crisp at any
 * zoom, text a browser can find, and it renders under jsdom in the component tests.
 */
// heatmap, custom, scatter, visualMap and markLine: the Monitoring page's heatmap and failover timeline
echarts.use([LineChart, BarChart, HeatmapChart, CustomChart, ScatterChart, GridComponent, TooltipComponent, LegendComponent, VisualMapComponent, MarkLineComponent, AriaComponent, SVGRenderer]);

export { echarts };
