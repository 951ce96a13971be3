// The gateway under a mix of callers: dev tokens (alice pro, bob and eve free) and API keys (the
// demo key, pro), each VU taking the callers in turn, reading orders through /api/orders. What it
// shows beside throughput and latency:
//   - limited callers: past its tier's limit a caller gets 429 + Retry-After (not an error), and the
//     limit holds: no caller is admitted more than limit x (minutes of the run + 1) requests
//     (threshold gateway_admitted{caller:...}); a fail-open limiter (Redis down) crosses it
//   - callers within their limit are never refused (limited_responses{tier:pro} in a light run)
//   - authorization: eve has no orders scope (403), a caller without credentials gets 401
//   - gateway_admitted_without_limiter: the share of admitted requests no Redis decision covered
//     (fail-open), which a Redis slowed or stopped by an experiment drives up
// Env: GATEWAY_URL, API_KEY, PROFILE, VUS, DURATION, THINK (seconds between requests, default 0.05).
import http from 'k6/http';
import { check } from 'k6';
import { Counter, Rate } from 'k6/metrics';

import { GATEWAY, TIER_LIMIT_PER_MINUTE, callers, issueTokens } from './lib/auth.js';
import { judge, think, thresholds } from './lib/checks.js';
import { runId, idempotencyKey } from './lib/ids.js';
import { TREND_STATS, scenario, totalSeconds } from './lib/profiles.js';
import { summary } from './lib/summary.js';

const admitted = new Counter('gateway_admitted');
const unlimited = new Rate('gateway_admitted_without_limiter');
const shape = scenario({ smokeVus: 2, vus: 8 });
// The most a sliding-window or fixed-window limiter may admit in the run: a window more than it lasts.
const windows = Math.ceil((totalSeconds(shape) + 30) / 60) + 1;
const everyone = callers(null, 'orders');

export const options = {
  scenarios: { mix: shape },
  summaryTrendStats: TREND_STATS,
  thresholds: thresholds('mix', 500, 1500, Object.fromEntries(everyone.map((c) =>
    [`gateway_admitted{caller:${c.name}}`, [`count<=${TIER_LIMIT_PER_MINUTE[c.tier] * windows}`]]))),
};

export function setup() {
  const run = runId();
  const auth = issueTokens();
  const alice = callers(auth, 'orders').find((c) => c.name === 'alice');
  // A few orders to read: the mix is reads, so the limiter and the gateway are what is measured.
  const orderIds = [];
  for (let i = 0; i < 5; i++) {
    const response = http.post(`${GATEWAY}/api/orders`, JSON.stringify({
      customerId: `load-${run}`, currency: 'EUR', items: [{ sku: 'load', quantity: 1, unitPrice: 1.0 }],
    }), { headers: { ...alice.headers(), 'Content-Type': 'application/json', 'Idempotency-Key': idempotencyKey() } });
    if (response.status === 201) {
      orderIds.push(response.json('id'));
    }
  }
  if (orderIds.length === 0) {
    throw new Error(`setup: no order could be placed through ${GATEWAY}/api/orders (is order-service up?)`);
  }
  return { run, auth, orderIds };
}

export default function (data) {
  const list = callers(data.auth, 'orders');
  const caller = list[(__VU + __ITER) % list.length];
  const tags = { caller: caller.name, tier: caller.tier };

  if (__ITER % 20 === 19) {
    const anonymous = http.get(`${GATEWAY}/api/orders/${data.orderIds[0]}`, { tags: { name: 'GET /api/orders/{id}', caller: 'anonymous' } });
    judge(anonymous, 'no credentials', [401], { caller: 'anonymous' });
    check(anonymous, { '401 carries a challenge (WWW-Authenticate)': (r) => r.headers['Www-Authenticate'] !== undefined });
  }

  const read = Math.random() < 0.8
    ? http.get(`${GATEWAY}/api/orders/${data.orderIds[__ITER % data.orderIds.length]}`,
      { headers: caller.headers(), tags: { ...tags, name: 'GET /api/orders/{id}' } })
    : http.get(`${GATEWAY}/api/orders?customerId=load-${data.run}&limit=5`,
      { headers: caller.headers(), tags: { ...tags, name: 'GET /api/orders?customerId' } });
  judge(read, caller.scoped ? 'read an order' : 'read without the orders scope', [caller.scoped ? 200 : 403], tags);
  if (read.status !== 429 && read.status !== 403 && read.status !== 401) {
    admitted.add(1, tags);
    // RateLimit-* headers come with every decision Redis took; an answer without them was let
    // through without one (fail-open: Redis away, or slower than the limiter's timeout).
    unlimited.add(read.headers['Ratelimit-Limit'] === undefined, tags);
  }
  think(0.05);
}

export const handleSummary = summary('gateway');
