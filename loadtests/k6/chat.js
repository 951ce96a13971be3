// Chat over WebSockets through the gateway (/api/chat/rooms/{room}), protocol v2 (docs/chat.md).
// VUs meet in rooms of ROOM_SIZE (default 3). Each iteration is one session: connect (the first
// time fresh, then always resuming with lastSeq and epoch, like a phone coming back), resend what
// was never confirmed (same clientMsgId), send MESSAGES messages INTERVAL ms apart, read receipt,
// close. Every member checks what it receives: seqs must follow each other with no hole and no
// repeat, across reconnects (the replay after lastSeq fills exactly what was missed).
//   chat_send_latency      send -> `sent` (durable in Redis)
//   chat_fanout_latency    send by one member -> `message` at another (live frames only)
//   chat_fanout_received   messages delivered live to a member other than the sender
//   chat_replayed          messages received by replay after a reconnect
//   chat_gaps / chat_duplicates   seqs missing / received twice: must stay 0 (thresholds)
// Env: GATEWAY_URL, API_KEY, PROFILE, VUS, DURATION, ROOM_SIZE, MESSAGES (5), INTERVAL (300 ms).
import { check } from 'k6';
import { Counter, Rate, Trend } from 'k6/metrics';
import { setInterval, clearInterval, setTimeout, clearTimeout } from 'k6/timers';
import { WebSocket } from 'k6/websockets';

import { GATEWAY, callerOf, issueTokens, scopedCallers } from './lib/auth.js';
import { latency } from './lib/checks.js';
import { runId } from './lib/ids.js';
import { TREND_STATS, scenario } from './lib/profiles.js';
import { summary } from './lib/summary.js';

const ROOM_SIZE = Number(__ENV.ROOM_SIZE || 3);
const MESSAGES = Number(__ENV.MESSAGES || 5);
const INTERVAL = Number(__ENV.INTERVAL || 300);
const LINGER = 1500; // ms after the last send, for the others' messages
const CONFIRM_WAIT = 15000; // ms more for every send's `sent`; a session without them all failed
const WS = GATEWAY.replace(/^http/, 'ws');

const sessions = new Rate('chat_sessions_ok');
const connectTime = new Trend('chat_connect_time', true);
const sendLatency = new Trend('chat_send_latency', true);
const fanoutLatency = new Trend('chat_fanout_latency', true);
const fanoutReceived = new Counter('chat_fanout_received');
const replayed = new Counter('chat_replayed');
const resumes = new Counter('chat_resumes');
const resent = new Counter('chat_resent');
const gaps = new Counter('chat_gaps');
const duplicates = new Counter('chat_duplicates');
const serverErrors = new Counter('chat_error_frames');

const members = scenario({ smokeVus: 2, vus: 12 });
export const options = {
  scenarios: { members },
  summaryTrendStats: TREND_STATS,
  thresholds: {
    chat_sessions_ok: ['rate>0.99'],
    chat_gaps: ['count==0'],
    chat_duplicates: ['count==0'],
    chat_send_latency: latency(1000, 3000),
    chat_fanout_latency: latency(1500, 4000),
    chat_fanout_received: ['count>0'],
    checks: ['rate>0.99'],
  },
};

export function setup() {
  return { run: runId(), auth: issueTokens() };
}

// What a member remembers between its sessions (a VU's module state outlives its iterations).
const member = { epoch: null, lastSeq: 0, outbox: {} };

/** A frame's seq against the last one seen: counts holes and repeats, moves the position on. */
function follow(seq) {
  if (seq <= member.lastSeq) {
    duplicates.add(1);
    return;
  }
  if (seq > member.lastSeq + 1) {
    gaps.add(seq - member.lastSeq - 1);
    if (__ENV.LOAD_DEBUG) {
      console.warn(`chat: VU ${__VU} got seq ${seq} after ${member.lastSeq}`);
    }
  }
  member.lastSeq = seq;
}

export default function (data) {
  const caller = callerOf(scopedCallers(data.auth, 'chat'));
  const room = `load-${data.run}-r${Math.floor((__VU - 1) / ROOM_SIZE)}`;
  const resuming = member.epoch !== null;
  const query = resuming ? `?lastSeq=${member.lastSeq}&epoch=${encodeURIComponent(member.epoch)}` : '';
  const opened = Date.now();
  const ws = new WebSocket(`${WS}/api/chat/rooms/${room}${query}`, [], { headers: caller.headers(), tags: { name: 'ws /api/chat/rooms/{room}' } });
  let welcomed = false;
  let liveAfter = Infinity;
  let sender = null;
  let closer = null;
  let done = false;
  const sentAt = {};

  const send = (clientMsgId, text) => {
    sentAt[clientMsgId] = Date.now();
    member.outbox[clientMsgId] = text;
    ws.send(JSON.stringify({ type: 'send', clientMsgId, text }));
  };
  const finish = (ok) => {
    if (done) {
      return;
    }
    done = true;
    clearTimeout(watchdog);
    if (sender !== null) {
      clearInterval(sender);
    }
    if (closer !== null) {
      clearInterval(closer);
    }
    sessions.add(ok);
    ws.close();
  };
  const watchdog = setTimeout(() => finish(false), MESSAGES * INTERVAL + LINGER + CONFIRM_WAIT + 30000);

  ws.onmessage = (event) => {
    const frame = JSON.parse(event.data);
    switch (frame.type) {
      case 'welcome': {
        welcomed = true;
        connectTime.add(Date.now() - opened);
        check(frame, { 'welcome speaks protocol 2': (f) => f.protocol === 2 });
        if (resuming) {
          resumes.add(1);
        }
        if (!resuming) {
          member.lastSeq = frame.headSeq; // a newcomer starts at the head: no history
        } else if (frame.reset) {
          member.lastSeq = 0; // a new epoch: the replay starts again from 1
        }
        member.epoch = frame.epoch;
        liveAfter = frame.headSeq;
        for (const [clientMsgId, text] of Object.entries(member.outbox)) {
          resent.add(1);
          send(clientMsgId, text);
        }
        let n = 0;
        sender = setInterval(() => {
          send(`${data.run}-${__VU}-${__ITER}-${n}`, JSON.stringify({ t: Date.now(), vu: __VU }));
          n += 1;
          if (n === MESSAGES) {
            clearInterval(sender);
            sender = null;
            // Stay LINGER ms for the others' messages, and until every send is confirmed (or give up).
            const last = Date.now();
            closer = setInterval(() => {
              const confirmed = Object.keys(member.outbox).length === 0;
              if (confirmed && Date.now() - last >= LINGER) {
                ws.send(JSON.stringify({ type: 'ack', seq: member.lastSeq }));
                finish(true);
              } else if (Date.now() - last > LINGER + CONFIRM_WAIT) {
                finish(false);
              }
            }, 100);
          }
        }, INTERVAL);
        break;
      }
      case 'message': {
        follow(frame.seq);
        if (frame.seq <= liveAfter) {
          replayed.add(1);
          break;
        }
        let body = {};
        try {
          body = JSON.parse(frame.text);
        } catch (e) {
          // another client's text: not ours to time
        }
        if (body.vu !== undefined && body.vu !== __VU) {
          fanoutReceived.add(1);
          fanoutLatency.add(Date.now() - body.t);
        }
        break;
      }
      case 'sent':
        if (sentAt[frame.clientMsgId] !== undefined) {
          sendLatency.add(Date.now() - sentAt[frame.clientMsgId]);
        }
        delete member.outbox[frame.clientMsgId];
        break;
      case 'error':
        serverErrors.add(1, { code: frame.code });
        break;
      default:
        break; // presence, typing, pong
    }
  };
  ws.onerror = (event) => {
    if (!welcomed) {
      console.warn(`chat: no session in ${room}: ${event.error}`);
      finish(false);
    }
  };
}

export const handleSummary = summary('chat');
