// Names that make a run's data findable afterwards (reconciliation: which orders, events, rooms,
// documents this run made) and keys that make retries safe.

/** A run id: LOAD_RUN when given (./sandbox load passes the report's name), else a fresh one. Call it in setup(). */
export function runId() {
  return __ENV.LOAD_RUN || `${new Date().toISOString().replace(/[-:]/g, '').slice(0, 15)}-${Math.random().toString(36).slice(2, 6)}`;
}

/** A new Idempotency-Key: one per operation, reused by every retry of that operation. */
export function idempotencyKey() {
  return crypto.randomUUID();
}

/** An id unique in the run: "<run>-<vu>-<iteration>[-suffix]". */
export function uniqueId(run, suffix) {
  return `${run}-${__VU}-${__ITER}${suffix === undefined ? '' : `-${suffix}`}`;
}
