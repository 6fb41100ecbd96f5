/**
 * Chart.js with only the parts the app's charts use (line and bar charts with a legend,
 * tooltips and filled bands), registered once. Imported dynamically by the screens that draw charts, so that
 * esbuild puts it in a chunk of its own, loaded with the first chart.
 */
import { BarController, BarElement, CategoryScale, Chart, Filler, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip } from 'chart.js';

Chart.register(LineController, LineElement, PointElement, BarController, BarElement, LinearScale, CategoryScale, Legend, Tooltip, Filler);

export { Chart };
