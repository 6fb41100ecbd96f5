/**
 * bench:forms — the cost of progressive profiling:
 *   1. the pure next-question choice over a 40-field form with learned counters (choices/s);
 *   2. render and submit through the real app on a real SQLite store, one visitor after another
 *      (each render reads the profile and the counters, counts the view and commits `Form Viewed`;
 *      each submit commits the identify and `Form Submitted` and renders the next questions).
 * Prints a table, then one JSON line. Usage: npm run bench:forms -- [--visitors 300] [--choices 20000]
 */
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { parseFormInput, type FormDefinition } from '../src/core/forms/form-definition.js';
import { chooseQuestions } from '../src/core/forms/next-questions.js';
import type { FieldCounters } from '../src/core/forms/drop-off.js';
import { WRITE_KEY, ADMIN_KEY, basicAuth, startTessera } from '../test/support/tessera-under-test.js';
import { LatencyRecorder, type LatencySummary } from './latency.js';

const { values } = parseArgs({ options: { visitors: { type: 'string', default: '300' }, choices: { type: 'string', default: '20000' } } });
const VISITORS = Number(values.visitors);
const CHOICES = Number(values.choices);
const ROLES = ['company', 'role', 'budget', 'authority', 'need', 'timeline', 'other'] as const;

function definition() {
  return {
    name: 'Bench', alwaysShow: ['email'], maxNewQuestions: 3,
    fields: [
      { key: 'email', type: 'email', label: { en: 'Email' }, required: true, purpose: 'necessary', role: 'email', weight: 5 },
      ...Array.from({ length: 39 }, (_, i) => ({ key: `q${i}`, type: 'text', label: { en: `Question ${i}` }, purpose: 'necessary', role: ROLES[i % ROLES.length], weight: 1 + (i % 5) })),
    ],
  };
}

function benchChoice(): { perSecond: number; microseconds: number } {
  const parsed = parseFormInput(definition());
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  const form: FormDefinition = { ...parsed.form, id: 'bench', workspaceId: 'ws', createdAt: 0, updatedAt: 0 };
  const counters = new Map<string, FieldCounters>(form.fields.map((f, i) => [f.key, { views: 1000, starts: 800, submits: 500 + i * 5, abandons: 100, exits: 250 }]));
  const traits = Object.fromEntries(form.fields.slice(0, 15).map((f) => [f.key, 'known']));
  let sink = 0;
  const started = performance.now();
  for (let i = 0; i < CHOICES; i++) {
    sink += chooseQuestions({ form, visitor: { traits, consent: {}, declined: {}, stage: i % 2 ? 'mql' : undefined }, recognised: false, counters, now: Date.now() }).fields.length;
  }
  const ms = performance.now() - started;
  if (sink === 0) throw new Error('nothing chosen');
  return { perSecond: Math.round(CHOICES / (ms / 1000)), microseconds: Math.round((ms * 1000) / CHOICES * 10) / 10 };
}

async function benchHttp(): Promise<{ render: LatencySummary; submit: LatencySummary; visitorsPerSecond: number }> {
  const t = await startTessera();
  try {
    const created = await t.inject({ method: 'POST', url: '/v1/forms', headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' }, payload: JSON.stringify({ id: 'bench', ...definition() }) });
    if (created.statusCode !== 201) throw new Error(created.body);
    const render = new LatencyRecorder();
    const submit = new LatencyRecorder();
    const started = performance.now();
    for (let i = 0; i < VISITORS; i++) {
      const anonymousId = `bench-${i}`;
      let at = performance.now();
      const view = await t.inject({ method: 'GET', url: `/v1/forms/bench/render?anonymousId=${anonymousId}`, headers: { authorization: basicAuth(WRITE_KEY) } });
      render.record(performance.now() - at);
      if (view.statusCode !== 200) throw new Error(view.body);
      const { viewId, fields } = JSON.parse(view.body) as { viewId: string; fields: Array<{ key: string }> };
      const answers = Object.fromEntries(fields.map((f) => [f.key, f.key === 'email' ? `v${i}@bench.test` : `answer ${i}`]));
      at = performance.now();
      const done = await t.collect('/v1/forms/bench/submit', { anonymousId, viewId, answers });
      submit.record(performance.now() - at);
      if (done.statusCode !== 200) throw new Error(done.body);
    }
    return { render: render.summary(), submit: submit.summary(), visitorsPerSecond: Math.round(VISITORS / ((performance.now() - started) / 1000)) };
  } finally {
    await t.close();
  }
}

const fmt = (s: LatencySummary) => `p50 ${s.p50.toFixed(2)} ms  p90 ${s.p90.toFixed(2)} ms  p99 ${s.p99.toFixed(2)} ms  max ${s.max.toFixed(2)} ms`;

const choice = benchChoice();
const http = await benchHttp();
process.stdout.write(`next-question choice, 40 fields: ${choice.perSecond} choices/s (${choice.microseconds} µs each)\n`);
process.stdout.write(`render (SQLite, in-process HTTP): ${fmt(http.render)}\n`);
process.stdout.write(`submit + next render:             ${fmt(http.submit)}\n`);
process.stdout.write(`sequential visitors (render + submit): ${http.visitorsPerSecond}/s over ${VISITORS}\n`);
process.stdout.write(`${JSON.stringify({ bench: 'forms', choice, render: http.render, submit: http.submit, visitorsPerSecond: http.visitorsPerSecond, visitors: VISITORS })}\n`);
