// How a script judges an answer. Three kinds:
//   expected    the statuses the script asked for (201, 202, 200, a 404 it provoked...)
//   limited     429 from the gateway's rate limit or a service's quota: the system protecting itself
//               as designed, never an error, but it must say when to retry (Retry-After)
//   unexpected  anything else (5xx, a 4xx the request did not deserve, a timeout): the error rate
// Thresholds are on `unexpected_responses` (error rate), on the latency of expected answers (p95,
// p99), and on `checks` (every check of every answer).
import http from 'k6/http';
import { check, sleep } from 'k6';
import { Rate } from 'k6/metrics';

import { PROFILE } from './profiles.js';

export const unexpected = new Rate('unexpected_responses');
export const limited = new Rate('limited_responses');

// k6 counts a 429 or a provoked 4xx as failed unless told otherwise: http_req_failed and the
// expected_response tag (the latency thresholds' filter) then mean "unexpected" as above.
http.setResponseCallback(http.expectedStatuses({ min: 200, max: 399 }, 401, 403, 404, 409, 422, 429));

/**
 * Judges one answer against the statuses expected; `tags` (e.g. {caller: 'bob'}) go on the metrics.
 * True when the answer is one of `expected` (a 429 is not: the caller should retry).
 */
export function judge(response, what, expected, tags = {}) {
  const isLimited = response.status === 429;
  const ok = expected.includes(response.status);
  limited.add(isLimited, tags);
  unexpected.add(!ok && !isLimited, tags);
  check(response, { [`${what}: ${expected.join(' or ')} (or 429)`]: () => ok || isLimited }, tags);
  if (isLimited) {
    check(response, { '429 says when to retry (Retry-After)': (r) => r.headers['Retry-After'] !== undefined }, tags);
  }
  if (!ok && !isLimited && __ENV.LOAD_DEBUG) {
    console.warn(`${what}: ${response.status} ${response.error || ''} ${String(response.body).slice(0, 300)}`);
  }
  return ok;
}

/** True for answers worth sending again after a wait: limited, busy (409 in progress), unavailable. */
export function retryable(response) {
  return [0, 409, 429, 502, 503, 504].includes(response.status);
}

/** Waits as long as the answer asks (Retry-After), at most `capSeconds`, at least a little. */
export function backOff(response, attempt, capSeconds = 5) {
  const asked = Number(response.headers['Retry-After']);
  const wait = Number.isFinite(asked) && asked > 0 ? asked : 0.2 * 2 ** attempt;
  sleep(Math.min(capSeconds, wait) * (0.5 + Math.random() / 2));
}

/**
 * How much looser the latency limits are: a smoke run checks that things work, not how fast (two
 * VUs against services whose JIT is still cold, often on a busy machine): ten times. LATENCY_SLACK
 * overrides it for any profile.
 */
export const LATENCY_SLACK = Number(__ENV.LATENCY_SLACK || (PROFILE === 'smoke' ? 10 : 1));

/** `p(95)<…` and `p(99)<…` in ms, loosened by LATENCY_SLACK. */
export function latency(p95, p99) {
  return [`p(95)<${p95 * LATENCY_SLACK}`, `p(99)<${p99 * LATENCY_SLACK}`];
}

/**
 * The thresholds every HTTP script has: `p95`/`p99` in ms for the expected answers of the scenario
 * named (setup()'s requests, tokens and warm-ups, are not in it); `extra` adds the script's own.
 */
export function thresholds(scenarioName, p95, p99, extra = {}) {
  return {
    unexpected_responses: ['rate<0.01'],
    checks: ['rate>0.99'],
    [`http_req_duration{scenario:${scenarioName},expected_response:true}`]: latency(p95, p99),
    ...extra,
  };
}

/** Think time between a VU's iterations: THINK seconds (default `seconds`), jittered ±50 %. */
export function think(seconds) {
  const base = __ENV.THINK !== undefined ? Number(__ENV.THINK) : seconds;
  if (base > 0) {
    sleep(base * (0.5 + Math.random()));
  }
}
