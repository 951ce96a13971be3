// One caller's requests spread over several replicas of the gateway: what the experiment
// gateway-limits-across-replicas counts. The demo caller bob (tier free, 120 requests a minute per
// route) sends RATE requests a second to each of four routes, each limited by its own algorithm
// (the experiment sets them: orders fixed window, events sliding log, chat sliding-window counter,
// rag token bucket), the requests taken round robin by the replicas. Every answer is counted, by
// route and by the limit's window it was sent and answered in (floor(epoch ms / W), the gateway's
// aligned windows):
//   replicas_admitted    anything but the limiter's 429: an upstream's 404 is admitted all the same
//   replicas_refused     the limiter's 429 (the sandbox's limiter fails open: it refuses with 429 alone)
//   replicas_straddling  sent in one window and answered in the next: in no window's count
//   replicas_unauthorized  401 or 403: the token refused (at a replica, before its limiter; or behind
//                        it): in no count, so that a replica that cannot read the token adds nothing
// (tags route, window, replica; metrics.csv has every sample, which the experiment's probe adds up).
// The profile does not change the shape: a constant rate for DURATION.
// Env: GATEWAY_REPLICAS (the replicas' URLs, comma-separated; the experiment's action sets it;
// default GATEWAY_URL alone), RATE (per route, default 5/s: above the limit even spread over three
// replicas), DURATION (default 130s: two whole windows at least), WINDOW_SECONDS (60).
import http from 'k6/http';
import exec from 'k6/execution';
import { Counter } from 'k6/metrics';

import { GATEWAY, devToken } from './lib/auth.js';
import { judge } from './lib/checks.js';
import { TREND_STATS } from './lib/profiles.js';
import { summary } from './lib/summary.js';

const ROUTES = ['orders', 'events', 'chat', 'rag'];
const REPLICAS = (__ENV.GATEWAY_REPLICAS || GATEWAY).split(',').map((url) => url.trim().replace(/\/+$/, '')).filter((url) => url);
const WINDOW_MS = 1000 * Number(__ENV.WINDOW_SECONDS || 60);

const admitted = new Counter('replicas_admitted');
const refused = new Counter('replicas_refused');
const straddling = new Counter('replicas_straddling');
const unauthorized = new Counter('replicas_unauthorized');

export const options = {
  scenarios: Object.fromEntries(ROUTES.map((route) => [route, {
    executor: 'constant-arrival-rate', exec: 'send', env: { ROUTE: route },
    rate: Number(__ENV.RATE || 5), timeUnit: '1s', duration: __ENV.DURATION || '130s', preAllocatedVUs: 8, maxVUs: 40,
  }])),
  summaryTrendStats: TREND_STATS,
  // The workload's only threshold: it was heard. Whether the limit held is the experiment's verdict.
  thresholds: { replicas_admitted: ['count>0'] },
};

export function setup() {
  return { token: devToken('bob') };
}

export function send(data) {
  const route = __ENV.ROUTE;
  const replica = exec.scenario.iterationInTest % REPLICAS.length;
  const tags = { route, replica: String(replica) };
  const sent = Date.now();
  const response = http.get(`${REPLICAS[replica]}/api/${route}/${crypto.randomUUID()}`,
    { headers: { Authorization: `Bearer ${data.token}` }, tags: { ...tags, name: `GET /api/${route}/{id}` } });
  const answered = Date.now();
  const limited = response.status === 429;
  judge(response, `${route} through replica ${replica}`, [200, 404], tags);
  const window = Math.floor(sent / WINDOW_MS);
  if (response.status === 401 || response.status === 403) {
    unauthorized.add(1, tags);
  } else if (window !== Math.floor(answered / WINDOW_MS)) {
    straddling.add(1, tags);
  } else {
    (limited ? refused : admitted).add(1, { ...tags, window: String(window) });
  }
}

export const handleSummary = summary('gateway-replicas');
