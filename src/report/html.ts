// The packet as one self-contained page for the people who ratified the change and those who audit it:
// no terminal, no network. The same model as the Markdown (packet.ts), another rendering of it.
import { footprintTable, pairs, recordsTable, span, verdictText } from './cells';
import { STYLE, deltaBars, html, type Markup } from './htmlKit';
import { TEMPORAL_SOURCE, type Delta, type Packet, type PhaseEvidence } from './packet';
import type { FootprintProof, Metrics, RolloutState } from '../shared';

type Tone = 'good' | 'undone' | 'bad' | 'none';

const STATES: Record<RolloutState, { tone: Tone; says: string }> = {
  COMPLETED: { tone: 'good', says: "Completed: every step ran and matched the packet's numbers." },
  COMPENSATED: { tone: 'undone', says: 'Compensated: the rollout was stopped, and what it wrote was undone.' },
  FAILED: { tone: 'bad', says: 'Failed: the rollout stopped.' },
  EXPIRED: { tone: 'none', says: 'Expired: no accepted gate-open claim before the gate timeout; nothing was written.' },
  WAITING_FOR_GATE: {
    tone: 'none',
    says: 'Waiting at the gate: nothing is written until people ratify the APR and open it.',
  },
  RUNNING: { tone: 'none', says: 'Running: this page shows the rollout as it stands.' },
  COMPENSATING: { tone: 'undone', says: 'Compensating: what the rollout wrote is being undone.' },
};

/** What each number is, in the packet's words, for readers who do not know the column names. */
const MEANING: Record<string, string> = {
  own: 'ownership rows (governance_object_ownership)',
  gap: 'objects with no owner (v_object_owner_gap)',
  conflict: 'objects with conflicting owners',
  gov_emit: 'governance events in event_outbox',
  gov_types_active: 'governance event types switched on',
  direct: 'objects owned directly',
  inherited: 'objects owned by inheritance',
  coverage_pct: 'ownership coverage, %',
  candidate_state: 'candidate_state rows for the ruleset version',
  candidate_object: 'candidate_object rows for the ruleset version',
  candidate_scan_run: 'candidate_scan_run rows appended',
  scan_cursor: "the scan cursor's snapshot ref",
};

const badge = (text: string, tone: Tone): Markup => html`<span class="badge ${tone}">${text}</span>`;

function verdictOf(ok: boolean | null): Markup {
  if (ok === null) return html`<span class="na">— not measured</span>`;
  return ok ? html`<span class="ok">✔ as expected</span>` : html`<span class="ko">✖ differs</span>`;
}

function numberCell(name: string): Markup {
  const legend = MEANING[name] ? html`<br><span class="legend">${MEANING[name]}</span>` : '';
  return html`<th scope="row"><code>${name}</code>${legend}</th>`;
}

function deltaRow(d: Delta): Markup {
  return html`<tr>${numberCell(d.name)}<td class="num">${span(d.expectedBefore, d.expectedAfter)}</td>
<td class="num">${span(d.before, d.after)}</td><td>${deltaBars(d)}</td><td>${verdictOf(d.ok)}</td></tr>`;
}

function footprintSection(title: string, proof: FootprintProof | null): Markup {
  if (!proof) return html``;
  const t = footprintTable(proof);
  const unprovable = t.unprovable.join(', ');
  return html`<h4>${title}</h4><p class="legend">${t.how}; insert / update / delete</p>
<table class="footprint"><thead><tr><th>table</th><th>declared</th><th>measured</th></tr></thead>
<tbody>${t.rows.map(
    ([
      relation,
      declared,
      measured,
    ]) => html`<tr><th scope="row"><code>${relation}</code></th><td class="num">${declared}</td>
<td class="num">${measured}</td></tr>`,
  )}</tbody></table>
${t.unprovable.length ? html`<p>Not provable (the worker's role cannot read them): ${unprovable}</p>` : ''}`;
}

function phaseSection(p: PhaseEvidence): Markup {
  const recorded = Object.keys(p.detail).length > 0 ? html` Recorded: <code>${pairs(p.detail)}</code>.` : '';
  const verified = verdictText(p.verification);
  const tone: Tone =
    p.status === 'done' ? 'good' : p.status === 'compensated' ? 'undone' : p.status === 'failed' ? 'bad' : 'none';
  return html`<section id="phase-${p.step}"><h3>${p.title} ${badge(p.status, tone)}</h3>
${p.error ? html`<p class="alert">${p.error}</p>` : ''}
<table class="deltas"><thead>
<tr><th>number</th><th>the packet expects</th><th>this run</th><th>change</th><th></th></tr></thead>
<tbody>${p.deltas.map(deltaRow)}</tbody></table>
<p>Verification: ${verified}.${recorded}</p>
${footprintSection('What its transaction wrote: declared and measured, every table', p.footprint)}
${footprintSection('What its compensation wrote', p.compensationFootprint)}</section>`;
}

const CARDS: [keyof Metrics, string, string][] = [
  ['coverage_pct', ' %', 'ownership coverage'],
  ['own', '', 'ownership rows'],
  ['gap', '', 'objects with no owner'],
  ['conflict', '', 'conflicting owners'],
  ['gov_emit', '', 'governance events emitted'],
];

function cards(packet: Packet): Markup {
  const now = packet.metrics;
  const was = packet.baseline;
  return html`<div class="cards">${CARDS.map(
    ([key, unit, what]) => html`<div class="card" id="card-${key}">
<div class="value">${now ? `${now[key]}${unit}` : '—'}</div>
<div class="what">${what}${was ? ` (before: ${was[key]}${unit})` : ''}</div></div>`,
  )}</div>`;
}

function gateSection(packet: Packet): Markup {
  const g = packet.precondition;
  const { columns, rows } = recordsTable(g.approvals);
  const decision = g.accepted
    ? html`${badge('accepted', 'good')} Opened by <strong>${g.openedBy}</strong> at ${g.acceptedAt},
with ${g.ospaAtAcceptance ?? '?'} approval row(s) found.`
    : html`${badge('not accepted', 'none')} No claim held against the approvals: nothing was written.`;
  const approvals = html`<table id="approvals"><thead><tr>${columns.map((c) => html`<th>${c}</th>`)}</tr></thead>
<tbody>${rows.map((r) => html`<tr>${r.map((c) => html`<td>${c}</td>`)}</tr>`)}</tbody></table>`;
  const claims = html`<table id="claims">
<thead><tr><th>at</th><th>outcome</th><th>by</th><th>approval rows seen</th><th>why</th></tr></thead>
<tbody>${g.attempts.map(
    (a) => html`<tr><td>${a.at}</td><td>${a.outcome}</td><td>${a.by}</td>
<td class="num">${a.ospa ?? '—'}</td><td>${a.reason}</td></tr>`,
  )}</tbody></table>`;
  return html`<section id="gate"><h2>The gate: people's decision</h2>
<p>${g.rule}.</p>
<p>${decision}</p>
<h3>Approval rows for ${packet.rollout.apr}, as the gate read them</h3>
${g.approvals.length === 0 ? html`<p>None.</p>` : approvals}
<h3>Gate-open claims</h3>
${g.attempts.length === 0 ? html`<p>No gate-open claim was made.</p>` : claims}</section>`;
}

function numbersSection(packet: Packet): Markup {
  return html`<section id="numbers"><h2>The numbers, against the packet</h2>
<p class="legend">Expected numbers from
${packet.expectedFrom === 'input' ? "the rollout's input (the packet's acceptance numbers)" : "the packet's defaults"}.
Bars:<i style="background:#c5ccd6"></i>before<i style="background:#2e7d32"></i>after, as expected
<i style="background:#c62828"></i>after, differs; the dashed line is where the packet expects it to end.</p>
${packet.phases.length === 0 ? html`<p>No step ran: nothing was written.</p>` : packet.phases.map(phaseSection)}
<h3>Phase 3 — emit activation: never automated</h3>
<p>${packet.phase3.note}. At the end: governance event types active = ${packet.phase3.gov_types_active ?? '?'},
governance events emitted = ${packet.phase3.gov_emit ?? '?'}.</p></section>`;
}

function compensationSection(packet: Packet): Markup {
  const r = packet.rollback;
  if (!r.performed)
    return html`<section id="compensation"><h2>Compensation</h2><p>None: nothing needed undoing.</p></section>`;
  const restored =
    r.baselineRestored === null
      ? 'Baseline: not measured.'
      : r.baselineRestored
        ? 'Baseline restored: the ownership rows, gap, conflicts and governance events are as they were ' +
          'before the first write.'
        : `Baseline NOT restored: ${r.problems.join('; ')}`;
  return html`<section id="compensation"><h2>Compensation</h2>
<p>Undone in reverse order, exactly the rows this rollout wrote:</p>
<table><thead><tr><th>step</th><th>status</th><th>what was undone</th></tr></thead>
<tbody>${r.steps.map(
    (s) => html`<tr><td>${s.step}</td><td>${s.status}</td><td>${s.detail ? pairs(s.detail) : '—'}</td></tr>`,
  )}
</tbody></table>
<p class="${r.baselineRestored === false ? 'alert' : ''}">${restored}</p></section>`;
}

const METRIC_ROWS = ['own', 'gap', 'conflict', 'gov_emit', 'direct', 'inherited', 'coverage_pct'] as const;

function rehearsalSection(packet: Packet): Markup {
  const rh = packet.rehearsal;
  if (!rh) return html``;
  const theirs = (rh.metrics ?? {}) as Partial<Record<string, unknown>>;
  const ours = packet.metrics;
  const digest = packet.evidence && 'digest' in packet.evidence ? packet.evidence.digest : 'not stored yet';
  return html`<section id="rehearsal"><h2>Rehearsal beside production</h2>
<p>This run required a completed rehearsal on the clone, with the same SQL, contract and expected numbers.</p>
<table class="side-by-side"><thead><tr><th></th><th>rehearsal (clone)</th><th>this run</th><th></th></tr></thead><tbody>
<tr><th scope="row">target</th><td>${rh.target}</td><td>${packet.rollout.target}</td><td></td></tr>
<tr><th scope="row">ended</th><td>${rh.endedAt}</td><td>${packet.rollout.updatedAt}</td><td></td></tr>
${METRIC_ROWS.map((k) => {
  const same = ours !== null && theirs[k] === ours[k];
  const recorded = theirs[k];
  return html`<tr>${numberCell(k)}<td class="num">${typeof recorded === 'number' ? recorded : '—'}</td>
<td class="num">${ours ? ours[k] : '—'}</td>
<td>${same ? html`<span class="ok">✔ same</span>` : html`<span class="ko">✖ differs</span>`}</td></tr>`;
})}
<tr><th scope="row">evidence digest</th><td><span class="digest">${rh.digest}</span></td>
<td><span class="digest">${digest}</span></td><td></td></tr>
</tbody></table></section>`;
}

function evidenceSection(packet: Packet): Markup {
  const e = packet.evidence;
  const id = packet.temporal.workflowId;
  const sql = packet.phases.filter((p) => p.sqlSha256);
  const chained = e && 'digest' in e ? e.previousDigest : null;
  const previous = chained ? html`<span class="digest">${chained}</span>` : 'none (this is the first)';
  const sealed =
    e && 'digest' in e
      ? html`<p>Sealed when the rollout ended and stored in the target database's own ledger (<code>${e.where}</code>).
Digest (SHA-256):</p>
<p><span class="digest" id="digest">${e.digest}</span></p>
<p>Previous packet on this target: ${previous}.</p>
<p>To check that a copy of the evidence is the one recorded, an operator runs:</p>
<pre>rollout report ${id} --format evidence &gt; evidence.json
rollout report verify evidence.json</pre>
<p>It must print <code>intact: digest ${e.digest}</code> and, with access to the database, that it is equal to the
stored copy.
Any edit to the file is named field by field.</p>`
      : html`<p>${e ? e.error : 'The evidence is sealed and stored when the rollout ends; this page is interim.'}</p>`;
  return html`<section id="evidence"><h2>The evidence and how to verify it</h2>${sealed}
${
  sql.length === 0
    ? ''
    : html`<h3>The SQL that ran, by digest</h3><table><thead><tr><th>step</th><th>SHA-256</th></tr></thead>
<tbody>${sql.map((p) => html`<tr><td>${p.title}</td><td><span class="digest">${p.sqlSha256}</span></td></tr>`)}
</tbody></table>`
}</section>`;
}

function factsList(packet: Packet): Markup {
  const t = packet.temporal;
  const link = /^https?:\/\//.test(t.uiUrl) ? html`<a href="${t.uiUrl}">${t.uiUrl}</a>` : html`${t.uiUrl}`;
  return html`<dl>
<dt>APR</dt><dd>${packet.rollout.apr}</dd>
<dt>Target database</dt><dd>${packet.rollout.target}</dd>
<dt>Started / ended</dt>
<dd>${packet.rollout.startedAt} / ${packet.final ? packet.rollout.updatedAt : 'still running'}</dd>
<dt>Rollout id</dt><dd><code>${packet.rollout.rolloutId}</code> (marks every row it wrote)</dd>
<dt>Temporal workflow / run</dt><dd><code>${t.workflowId}</code> / <code>${t.runId}</code></dd>
<dt>Worker build</dt><dd>${t.buildId ?? 'unversioned worker'}</dd>
<dt>Temporal UI</dt><dd>${link}</dd>
</dl>`;
}

/** The packet as a self-contained HTML page: inline styles and charts, nothing fetched, everything escaped. */
export function renderHtml(packet: Packet): string {
  const r = packet.rollout;
  const state = STATES[r.state];
  const page = html`<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Rollout evidence: ${r.target} (${r.state})</title>
<style>${STYLE}</style></head>
<body>
<header><h1>Rollout evidence: ${r.target}</h1>
<p class="verdict">${badge(r.state, state.tone)} ${state.says}${r.reason ? html` <span>${r.reason}</span>` : ''}</p>
${packet.final ? '' : html`<p><strong>Interim:</strong> as of ${r.updatedAt}.</p>`}
${packet.source === TEMPORAL_SOURCE ? '' : html`<p id="source">From ${packet.source}.</p>`}
${cards(packet)}
${factsList(packet)}</header>
${gateSection(packet)}
${numbersSection(packet)}
${compensationSection(packet)}
${rehearsalSection(packet)}
${evidenceSection(packet)}
</body></html>
`;
  return page.text;
}
