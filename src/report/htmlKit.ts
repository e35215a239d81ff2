// The few pieces the HTML report is built from. Every value is escaped unless it is markup made here:
// the page carries operator text (gate claims) and database rows, so escaping is the default, not a
// step a new section could forget.

/** Markup built by `html` (trusted); anything else interpolated into `html` is text and escaped. */
export class Markup {
  constructor(readonly text: string) {}
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

type Piece = Markup | string | number | boolean | null | undefined | readonly Piece[];

function render(piece: Piece): string {
  if (piece instanceof Markup) return piece.text;
  if (typeof piece === 'string') return escapeHtml(piece);
  if (typeof piece === 'number' || piece === true) return escapeHtml(String(piece));
  if (piece === null || piece === undefined || piece === false) return '';
  return piece.map(render).join('');
}

/** A template whose interpolations are escaped text, or Markup (and arrays of either) kept as it is. */
export function html(strings: TemplateStringsArray, ...values: Piece[]): Markup {
  return new Markup(strings.reduce((out, s, i) => out + s + (i < values.length ? render(values[i]) : ''), ''));
}

export type { Piece };

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/**
 * One number's change as two bars, before (grey) and after (green when it is what the packet expects,
 * red when not), with a tick where the packet expects it to end. Inline SVG: the page loads nothing.
 * Null when the values are not numbers (a cursor's ref, "1 appended").
 */
export function deltaBars(d: {
  before: unknown;
  after: unknown;
  expectedAfter: unknown;
  ok: boolean | null;
}): Markup | null {
  const before = num(d.before);
  const after = num(d.after);
  const expected = num(d.expectedAfter);
  if (after === null && before === null) return null;
  const width = 150;
  const max = Math.max(1, before ?? 0, after ?? 0, expected ?? 0);
  const x = (v: number) => Math.max(1, Math.round((v / max) * width));
  const colour = d.ok === null ? '#8a94a6' : d.ok ? '#2e7d32' : '#c62828';
  const label =
    `before ${before ?? 'not measured'}, after ${after ?? 'not measured'}, ` + `expected ${expected ?? 'not set'}`;
  return html`<svg class="bars" width="${width + 4}" height="24" viewBox="0 0 ${width + 4} 24" role="img"
aria-label="${label}">
<title>${label}</title>
${before === null ? '' : html`<rect x="0" y="2" width="${x(before)}" height="8" fill="#c5ccd6"/>`}
${after === null ? '' : html`<rect x="0" y="13" width="${x(after)}" height="8" fill="${colour}"/>`}
${
  expected === null
    ? ''
    : html`<line x1="${x(expected)}" x2="${x(expected)}" y1="0" y2="24"
 stroke="#1b1f24" stroke-width="2" stroke-dasharray="3 2"/>`
}
</svg>`;
}

/** The page's only styles, inline: a Content-Security-Policy keeps it from fetching anything at all. */
export const STYLE = `
:root { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, "Liberation Sans", "DejaVu Sans",
  sans-serif; color: #1b1f24; }
body { max-width: 72rem; margin: 2rem auto; padding: 0 1.5rem; line-height: 1.45; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; }
h2 { font-size: 1.25rem; margin: 2rem 0 .5rem; border-bottom: 1px solid #d8dde4; }
h3 { font-size: 1.05rem; margin: 1.25rem 0 .4rem; }
.verdict { font-size: 1.1rem; margin: .75rem 0 1rem; }
.badge { display: inline-block; padding: .1rem .55rem; border-radius: .8rem; font-weight: 600; font-size: .85rem;
  color: #fff; }
.badge.good { background: #2e7d32; } .badge.undone { background: #b26a00; }
.badge.bad { background: #c62828; } .badge.none { background: #5f6b7a; }
.cards { display: flex; flex-wrap: wrap; gap: .75rem; margin: 1rem 0; }
.card { border: 1px solid #d8dde4; border-radius: .5rem; padding: .6rem .9rem; min-width: 9rem; }
.card .value { font-size: 1.6rem; font-weight: 700; } .card .what { font-size: .8rem; color: #5f6b7a; }
table { border-collapse: collapse; margin: .4rem 0 1rem; font-size: .92rem; }
th, td { border: 1px solid #d8dde4; padding: .3rem .55rem; text-align: left; vertical-align: middle; }
thead th { background: #f3f5f8; } tbody th { font-weight: 600; background: #fafbfc; }
td.num { font-variant-numeric: tabular-nums; white-space: nowrap; }
.alert { color: #c62828; } .ok, .ko, .na { white-space: nowrap; }
.ok { color: #2e7d32; font-weight: 600; } .ko { color: #c62828; font-weight: 600; } .na { color: #5f6b7a; }
code, .digest { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: .88rem; }
.digest { word-break: break-all; background: #f3f5f8; padding: .15rem .35rem; border-radius: .25rem; }
pre { background: #f3f5f8; padding: .6rem .8rem; border-radius: .35rem; overflow-x: auto; }
.legend { font-size: .82rem; color: #5f6b7a; }
.legend i { display: inline-block; width: .8rem; height: .5rem; margin: 0 .2rem 0 .6rem; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: .5rem 0; }
dt { color: #5f6b7a; } dd { margin: 0; }
@media print { body { margin: 0; max-width: none; } a { color: inherit; } }
`;
