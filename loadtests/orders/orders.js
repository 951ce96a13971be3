// Places orders on the order service, each with an Idempotency-Key of its own.
//   SCENARIO=steady  RATE orders/s for DURATION (latency: the pipeline keeps up)
//   SCENARIO=backlog ORDERS orders as fast as VUS clients can (throughput: a backlog to drain)
import http from 'k6/http';
import { check } from 'k6';

const scenario = __ENV.SCENARIO || 'steady';

export const options = {
  scenarios: {
    orders: scenario === 'backlog'
      ? { executor: 'shared-iterations', vus: Number(__ENV.VUS || 16), iterations: Number(__ENV.ORDERS || 2000), maxDuration: '5m' }
      : { executor: 'constant-arrival-rate', rate: Number(__ENV.RATE || 40), timeUnit: '1s',
          duration: __ENV.DURATION || '30s', preAllocatedVUs: 16, maxVUs: 64 },
  },
  summaryTrendStats: ['avg', 'med', 'p(99)', 'max'],
  // The API only writes PostgreSQL and Redis (the outbox decouples it from Kafka): it must stay fast.
  thresholds: {
    checks: ['rate>0.99'],
    http_req_failed: ['rate<0.01'],
    http_req_duration: ['p(99)<2000'],
  },
};

export default function () {
  const body = JSON.stringify({
    customerId: __ENV.CUSTOMER,
    currency: 'EUR',
    items: [{ sku: 'bench', quantity: 1, unitPrice: 5.0 }],
  });
  const response = http.post(`${__ENV.API}/orders`, body, {
    headers: { 'Content-Type': 'application/json', 'Idempotency-Key': crypto.randomUUID() },
  });
  check(response, { 'placed (201)': (r) => r.status === 201 });
}
