// Event batches through the gateway to the ingestion service, NDJSON and CSV in turn, BATCH events
// each (default 200). An answer of 202 means every accepted record is in Kafka (acks=all), so a
// batch counts only when all of it was accepted and none rejected. A share of batches is sent again
// whole, as an at-least-once client does when it never saw the answer: accepted again (the ids make
// it harmless: the sink stores each event once). 429 and 503 (Kafka behind or away) are retried, the
// same batch, after Retry-After.
//   events_accepted   events acknowledged in 202 answers (resends included)
//   events_sent       distinct events of this run (ids load-<run>-<vu>-<iteration>-<n>)
// Env: GATEWAY_URL, API_KEY, PROFILE, VUS, DURATION, BATCH, THINK (default 0.2), RESEND_SHARE (0.1).
import http from 'k6/http';
import { check } from 'k6';
import { Counter } from 'k6/metrics';

import { GATEWAY, callerOf, issueTokens, scopedCallers } from './lib/auth.js';
import { backOff, judge, retryable, think, thresholds } from './lib/checks.js';
import { runId, uniqueId } from './lib/ids.js';
import { TREND_STATS, scenario } from './lib/profiles.js';
import { summary } from './lib/summary.js';

const BATCH = Number(__ENV.BATCH || 200);
const RESEND_SHARE = Number(__ENV.RESEND_SHARE || 0.1);
const MAX_ATTEMPTS = 6;
const accepted = new Counter('events_accepted');
const sent = new Counter('events_sent');
const retries = new Counter('ingest_retries');

export const options = {
  scenarios: { batches: scenario({ smokeVus: 2, vus: 6 }) },
  summaryTrendStats: TREND_STATS,
  thresholds: thresholds('batches', 1500, 4000, { events_accepted: ['count>0'] }),
};

export function setup() {
  return { run: runId(), auth: issueTokens() };
}

function ndjson(prefix) {
  const lines = [];
  for (let i = 0; i < BATCH; i++) {
    lines.push(JSON.stringify({ id: `${prefix}-${i}`, type: `load.t${i % 5}`, source: `k6-${__VU}`,
      ts: new Date().toISOString(), payload: { n: i, vu: __VU, note: 'quotes " and, commas' } }));
  }
  return lines.join('\n') + '\n';
}

function csv(prefix) {
  // RFC 4180: a quoted field may hold commas, quotes (doubled) and line breaks; extra columns go to the payload.
  const rows = ['id,type,source,ts,colour,comment'];
  for (let i = 0; i < BATCH; i++) {
    rows.push(`${prefix}-${i},load.t${i % 5},k6-${__VU},${new Date().toISOString()},${['red', 'green', 'blue'][i % 3]},"a ""quoted"", comma"`);
  }
  return rows.join('\r\n') + '\r\n';
}

function upload(caller, body, type, tags) {
  let response;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    response = http.post(`${GATEWAY}/api/events`, body, {
      headers: { ...caller.headers(), 'Content-Type': type }, tags: { ...tags, name: 'POST /api/events' }, timeout: '60s',
    });
    if (!retryable(response) || attempt === MAX_ATTEMPTS) {
      break;
    }
    judge(response, 'upload a batch (retried)', [], tags);
    retries.add(1, tags);
    backOff(response, attempt);
  }
  return response;
}

export default function (data) {
  const caller = callerOf(scopedCallers(data.auth, 'events', ['pro']));
  const format = __ITER % 2 === 0 ? 'ndjson' : 'csv';
  const tags = { caller: caller.name, format };
  const prefix = `load-${uniqueId(data.run)}`;
  const body = format === 'ndjson' ? ndjson(prefix) : csv(prefix);
  const type = format === 'ndjson' ? 'application/x-ndjson' : 'text/csv';

  const sends = Math.random() < RESEND_SHARE ? 2 : 1;
  for (let n = 0; n < sends; n++) {
    const response = upload(caller, body, type, tags);
    if (judge(response, `upload a ${format} batch${n ? ' again' : ''}`, [202], tags)) {
      const result = response.json();
      const whole = check(result, {
        'every record accepted': (r) => r.accepted === BATCH,
        'no record rejected': (r) => r.rejected === 0,
      }, tags);
      if (whole) {
        accepted.add(result.accepted, tags);
        if (n === 0) {
          sent.add(BATCH, tags);
        }
      }
    }
  }
  think(0.2);
}

export const handleSummary = summary('ingestion');
