// The small chart of deliveries and failures over time, drawn on the server as inline SVG: no
// script, no library, nothing fetched; its numbers are also in a table for screen readers.
import type { InboxTimelineBucket } from '../inbox/types.js';
import { html, type SafeHtml } from './html.js';

const width = 720;
const height = 120;
const pad = 20;

export function timelineChart(buckets: readonly InboxTimelineBucket[], label: string): SafeHtml {
  const top = Math.max(1, ...buckets.map((bucket) => bucket.received));
  const slot = (width - pad * 2) / Math.max(1, buckets.length);
  const bar = Math.max(1, slot * 0.7);
  const scale = (value: number) => (value / top) * (height - pad * 2);
  const bars = buckets.map((bucket, index) => {
    const x = pad + index * slot + (slot - bar) / 2;
    const received = scale(bucket.received);
    const failed = scale(bucket.failed);
    return html`<g><title>${bucket.start}: ${bucket.received} received, ${bucket.failed} failed</title><rect x="${x.toFixed(1)}" y="${(height - pad - received).toFixed(1)}" width="${bar.toFixed(1)}" height="${received.toFixed(1)}" fill="#818cf8"></rect><rect x="${x.toFixed(1)}" y="${(height - pad - failed).toFixed(1)}" width="${bar.toFixed(1)}" height="${failed.toFixed(1)}" fill="#dc2626"></rect></g>`;
  });
  const received = buckets.reduce((sum, bucket) => sum + bucket.received, 0);
  const failed = buckets.reduce((sum, bucket) => sum + bucket.failed, 0);
  const first = buckets[0]?.start.slice(11, 16) ?? '';
  const last = buckets.at(-1)?.start.slice(11, 16) ?? '';
  return html`<figure class="card chart" aria-labelledby="chart-title">
<figcaption id="chart-title"><strong>${label}</strong> <span class="muted">${received} received, ${failed} failed</span></figcaption>
<svg viewBox="0 0 ${width} ${height}" role="img" aria-label="${label}: ${received} received, ${failed} failed">
<line x1="${pad}" y1="${height - pad}" x2="${width - pad}" y2="${height - pad}" stroke="#c1c9d2"></line>
${bars}
<text x="${pad}" y="${height - 4}" font-size="10" fill="#5b6478">${first} UTC</text>
<text x="${width - pad}" y="${height - 4}" font-size="10" fill="#5b6478" text-anchor="end">${last} UTC</text>
<text x="${pad}" y="12" font-size="10" fill="#5b6478">max ${top} / bucket</text>
</svg>
<div class="legend"><span><i style="background:#818cf8"></i>received</span><span><i style="background:#dc2626"></i>failed, dead or discarded</span></div>
</figure>`;
}
