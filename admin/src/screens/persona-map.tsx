/**
 * The personas on a map (`projection` of GET /v1/personas: a weighted PCA of the persona centroids,
 * core/personas/persona-projection.ts): each persona a circle whose AREA is its share, placed so
 * that personas alike lie close; both axes on one scale, so distances read true. Each axis is named
 * by its strongest features ("more: …; less: …") and the share of the differences it shows. A circle
 * is labelled with the persona's id and share (names are long); the names, positions and shares are
 * in the table under the map.
 */
import { useI18n } from '../i18n.js';
import { Section } from '../components/common.js';

/** What the map reads of a persona (personas.tsx's PersonaView has it). */
interface MapPersona { id: string; name: string; share: number }

export interface Projection {
  points: Array<{ id: string; x: number; y: number }>;
  axes: Array<{ explained: number; loadings: Array<{ feature: string; label?: string; loading: number }> }>;
}

const W = 680; const H = 420; const R = 44; const PAD = 16;

export function PersonaMap(props: { personas: MapPersona[]; projection: Projection }) {
  const { t, lang } = useI18n();
  const fmt = (x: number, digits = 1) => x.toLocaleString(lang === 'de' ? 'de-DE' : 'en-GB', { maximumFractionDigits: digits });
  const at = new Map(props.projection.points.map((p) => [p.id, p]));
  const shown = props.personas.filter((p) => at.has(p.id));
  const max = Math.max(...shown.map((p) => p.share), 0.0001);
  const radius = (share: number) => Math.max(5, R * Math.sqrt(share / max));
  const xs = shown.map((p) => at.get(p.id)!.x); const ys = shown.map((p) => at.get(p.id)!.y);
  const span = (v: number[]) => Math.max(...v) - Math.min(...v);
  // Room for the largest circle on every side, and for its label under it.
  const scale = Math.min((W - 2 * (R + PAD)) / (span(xs) || 1), (H - 2 * (R + PAD) - 20) / (span(ys) || 1));
  const mid = (v: number[]) => (Math.max(...v) + Math.min(...v)) / 2;
  const px = (x: number) => W / 2 + (x - mid(xs)) * scale;
  const py = (y: number) => (H - 20) / 2 - (y - mid(ys)) * scale;
  const axisName = (j: number) => {
    const axis = props.projection.axes[j];
    if (!axis || axis.explained === 0) return t('pm.axisEmpty', { n: j + 1 });
    const words = (sign: 1 | -1) => axis.loadings.filter((l) => Math.sign(l.loading) === sign).map((l) => l.label ?? l.feature).join(', ');
    const more = words(1); const less = words(-1);
    return t('pm.axis', { n: j + 1, share: fmt(axis.explained * 100, 0), toward: [more && t('pm.more', { f: more }), less && t('pm.less', { f: less })].filter(Boolean).join('; ') });
  };
  const description = shown.map((p) => `${p.name} (${fmt(p.share * 100)} %)`).join('; ');
  return (
    <Section id="map-h" title={t('pm.title')}>
      <p class="hint" id="map-desc">{t('pm.hint')}</p>
      <ul class="axis-names"><li>→ {axisName(0)}</li><li>↑ {axisName(1)}</li></ul>
      <div class="persona-map">
        <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`${t('pm.label')}: ${description}`} aria-describedby="map-desc">
          <line x1={PAD} x2={W - PAD} y1={py(0)} y2={py(0)} class="map-axis" />
          <line y1={PAD} y2={H - PAD} x1={px(0)} x2={px(0)} class="map-axis" />
          {shown.map((p, i) => {
            const q = at.get(p.id)!;
            return (
              <g key={p.id}>
                <circle cx={px(q.x)} cy={py(q.y)} r={radius(p.share)} class={`persona-dot map c${i % 6}`} />
                <text x={px(q.x)} y={py(q.y) + radius(p.share) + 15} text-anchor="middle">{p.id} · {fmt(p.share * 100)} %</text>
              </g>
            );
          })}
        </svg>
      </div>
      <table class="data compact">
        <caption>{t('pm.caption')}</caption>
        <thead><tr><th scope="col">{t('personas.persona')}</th><th scope="col" class="num">{t('personas.share')}</th><th scope="col" class="num">{t('pm.axisCol', { n: 1 })}</th><th scope="col" class="num">{t('pm.axisCol', { n: 2 })}</th></tr></thead>
        <tbody>{shown.map((p) => (
          <tr key={p.id}><th scope="row">{p.name} <code>{p.id}</code></th><td class="num">{fmt(p.share * 100)} %</td><td class="num">{fmt(at.get(p.id)!.x, 2)}</td><td class="num">{fmt(at.get(p.id)!.y, 2)}</td></tr>
        ))}</tbody>
      </table>
    </Section>
  );
}
