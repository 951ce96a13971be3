// RAG through the gateway: questions about the sandbox's own docs (which `./sandbox up` ingests) in
// the three retrieval modes in turn, and now and then a new document posted (DOC_SHARE, default 0.1).
// The checks are the service's promises: an answer marked grounded cites what it quotes, every
// citation names its document and carries its text. 429 is a caller's quota or limit (limited,
// with Retry-After), not an error; the demo callers share the per-caller quotas of rag-service
// (120 requests and 20,000 tokens a minute each), so a big profile is mostly a quota test.
//   rag_answers                 answers received
//   rag_grounded                share of answers grounded in retrieved text
//   rag_grounded_without_citation   must stay 0 (threshold)
//   rag_documents_accepted      documents queued for indexing (202), ids load-<run>-<vu>-<iteration>
// Env: GATEWAY_URL, API_KEY, PROFILE, VUS, DURATION, THINK (default 1), DOC_SHARE.
import http from 'k6/http';
import { check, sleep } from 'k6';
import { Counter, Rate } from 'k6/metrics';

import { GATEWAY, callerOf, issueTokens, scopedCallers } from './lib/auth.js';
import { judge, think, thresholds } from './lib/checks.js';
import { runId, uniqueId } from './lib/ids.js';
import { TREND_STATS, scenario } from './lib/profiles.js';
import { summary } from './lib/summary.js';

const DOC_SHARE = Number(__ENV.DOC_SHARE || 0.1);
const MODES = ['hybrid', 'bm25', 'vector'];
const QUESTIONS = [
  'Why does the gateway keep rate limit counters in Redis?',
  'How does the order service publish events exactly once?',
  'What happens to an upload when Kafka is down?',
  'How does a chat client resume after a reconnect?',
  'Which rate limiting algorithms can the gateway use?',
  'How are API keys stored?',
  'What does the transactional outbox protect against?',
  'How is personal data redacted before indexing?',
  'What is the difference between fail-open and fail-closed?',
  'How does the sink avoid counting an event twice?',
];
const WORDS = ('broker partition replica offset commit window token bucket quota shard replay cursor epoch '
  + 'backpressure idempotent outbox ledger latency throughput fan-out presence sequence embedding chunk').split(' ');

const answers = new Counter('rag_answers');
const grounded = new Rate('rag_grounded');
const groundedWithoutCitation = new Counter('rag_grounded_without_citation');
const documents = new Counter('rag_documents_accepted');

export const options = {
  scenarios: { questions: scenario({ smokeVus: 2, vus: 8 }) },
  summaryTrendStats: TREND_STATS,
  thresholds: thresholds('questions', 2000, 5000, {
    rag_answers: ['count>0'],
    rag_grounded_without_citation: ['count==0'],
  }),
};

export function setup() {
  const auth = issueTokens();
  // The first questions load the embedding model, and a service just started is busy indexing the
  // docs: ask until one answer comes (at most WARM_UP seconds, default 180), outside the measured scenario.
  const caller = scopedCallers(auth, 'rag')[0];
  const deadline = Date.now() + 1000 * Number(__ENV.WARM_UP || 180);
  while (Date.now() < deadline) {
    const answer = http.post(`${GATEWAY}/api/rag/query`, JSON.stringify({ question: QUESTIONS[0], mode: 'hybrid' }),
      { headers: { ...caller.headers(), 'Content-Type': 'application/json' }, tags: { name: 'warm-up' }, timeout: '60s' });
    if (answer.status === 200) {
      break;
    }
    sleep(2);
  }
  return { run: runId(), auth };
}

function text() {
  const sentences = [];
  for (let s = 0; s < 8; s++) {
    const words = [];
    for (let w = 0; w < 12; w++) {
      words.push(WORDS[Math.floor(Math.random() * WORDS.length)]);
    }
    sentences.push(`${words.join(' ')}.`);
  }
  // Personal data the service must redact before storing: an address and a phone number.
  return `${sentences.join(' ')} Questions to load-test@example.com or +1 415 555 0132.`;
}

export default function (data) {
  const caller = callerOf(scopedCallers(data.auth, 'rag'));
  const tags = { caller: caller.name };
  const headers = { ...caller.headers(), 'Content-Type': 'application/json' };

  if (Math.random() < DOC_SHARE) {
    const id = `load-${uniqueId(data.run)}`;
    const posted = http.post(`${GATEWAY}/api/rag/documents`, JSON.stringify({ id, title: `load test ${id}`, text: text(), source: 'k6' }),
      { headers, tags: { ...tags, name: 'POST /api/rag/documents' }, timeout: '30s' });
    if (judge(posted, 'post a document', [202], tags)) {
      documents.add(1, tags);
    }
  } else {
    const mode = MODES[__ITER % MODES.length];
    const question = QUESTIONS[Math.floor(Math.random() * QUESTIONS.length)];
    const response = http.post(`${GATEWAY}/api/rag/query`, JSON.stringify({ question, mode }),
      { headers, tags: { ...tags, mode, name: 'POST /api/rag/query' }, timeout: '30s' });
    if (judge(response, 'ask a question', [200], { ...tags, mode })) {
      const answer = response.json();
      answers.add(1, { mode });
      grounded.add(answer.grounded === true, { mode });
      const cited = Array.isArray(answer.citations) && answer.citations.length > 0;
      if (answer.grounded && !cited) {
        groundedWithoutCitation.add(1, { mode });
      }
      check(answer, {
        'an answer is text': (a) => typeof a.answer === 'string' && a.answer.length > 0,
        'every citation names its document and quotes it': (a) => (a.citations || []).every((c) => c.documentId && c.text),
        'the answer says its mode': (a) => a.mode === mode,
      }, { mode });
    }
  }
  think(1);
}

export const handleSummary = summary('rag');
