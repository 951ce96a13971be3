// Orders through the gateway, each placed with an Idempotency-Key of its own, as a careful client
// does: a timeout, 409 (same key still in progress), 429 or 503 is retried with the SAME key and
// body, after Retry-After. On top, a share of orders is deliberately sent again after its 201 (the
// client "lost" the answer): the service must answer with the stored response (Idempotent-Replayed:
// true, the same order id), never a second order. And a few keys are reused with another body: 422.
//   orders_placed       orders the service created (distinct ids)
//   orders_duplicated   a resend that produced another order id: must stay 0 (threshold)
//   orders_replayed     resends answered from the idempotency store
// Customer ids are load-<run>, so the run's orders can be counted in PostgreSQL afterwards.
// Env: GATEWAY_URL, API_KEY, PROFILE, VUS, DURATION, THINK (default 0.2), RESEND_SHARE (default 0.3).
import http from 'k6/http';
import { check } from 'k6';
import { Counter } from 'k6/metrics';

import { GATEWAY, callerOf, issueTokens, scopedCallers } from './lib/auth.js';
import { backOff, judge, retryable, think, thresholds } from './lib/checks.js';
import { idempotencyKey, runId } from './lib/ids.js';
import { TREND_STATS, scenario } from './lib/profiles.js';
import { summary } from './lib/summary.js';

const placed = new Counter('orders_placed');
const replayed = new Counter('orders_replayed');
const duplicated = new Counter('orders_duplicated');
const retries = new Counter('orders_retries');
const RESEND_SHARE = Number(__ENV.RESEND_SHARE || 0.3);
const MAX_ATTEMPTS = 6;

export const options = {
  scenarios: { orders: scenario({ smokeVus: 2, vus: 8 }) },
  summaryTrendStats: TREND_STATS,
  thresholds: thresholds('orders', 1000, 3000, {
    orders_duplicated: ['count==0'],
    orders_placed: ['count>0'],
  }),
};

export function setup() {
  return { run: runId(), auth: issueTokens() };
}

/** POST /api/orders with one key, retried with that key until an answer that is not worth retrying. */
function place(caller, key, body, tags) {
  let response;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    response = http.post(`${GATEWAY}/api/orders`, body, {
      headers: { ...caller.headers(), 'Content-Type': 'application/json', 'Idempotency-Key': key },
      tags: { ...tags, name: 'POST /api/orders' }, timeout: '10s',
    });
    if (!retryable(response) || attempt === MAX_ATTEMPTS) {
      break;
    }
    limitedOrBusy(response, tags);
    retries.add(1, tags);
    backOff(response, attempt);
  }
  return response;
}

// A retried answer still counts: 429 as limited, 409 as expected, anything else as unexpected.
function limitedOrBusy(response, tags) {
  judge(response, 'place an order (retried)', [409], tags);
}

export default function (data) {
  // Orders need the orders scope and enough room in the limit: the pro callers.
  const caller = callerOf(scopedCallers(data.auth, 'orders', ['pro']));
  const tags = { caller: caller.name };
  const key = idempotencyKey();
  const body = JSON.stringify({
    customerId: `load-${data.run}`, currency: 'EUR',
    items: [{ sku: `sku-${__ITER % 7}`, quantity: 1 + (__ITER % 3), unitPrice: 9.5 }],
  });

  const first = place(caller, key, body, tags);
  if (!judge(first, 'place an order', [201], tags)) {
    think(0.2);
    return;
  }
  const id = first.json('id');
  placed.add(1, tags);

  if (Math.random() < RESEND_SHARE) {
    // The answer was "lost": the client sends the same request again, with the same key.
    const again = place(caller, key, body, tags);
    if (judge(again, 'resend an order (same key)', [201], tags)) {
      const same = again.json('id') === id;
      check(again, {
        'a resend returns the same order': () => same,
        'a resend is marked Idempotent-Replayed': (r) => r.headers['Idempotent-Replayed'] === 'true',
      }, tags);
      (same ? replayed : duplicated).add(1, tags);
    }
  } else if (Math.random() < 0.05) {
    // The same key with another body is a client bug: refused, nothing placed.
    const misuse = place(caller, key, body.replace('"EUR"', '"USD"'), tags);
    judge(misuse, 'reuse a key with another body', [422], tags);
  }
  think(0.2);
}

export const handleSummary = summary('orders');
