// Who calls: the gateway's demo users, by dev token (POST /auth/token), and API keys. The users, their
// tiers and scopes are the gateway's (gateway/src/main/resources/application.properties):
//   alice  pro  (1200 requests/min per route)  orders, events, chat, rag
//   bob    free ( 120 requests/min per route)  orders, events, chat, rag
//   eve    free ( 120 requests/min per route)          events, chat, rag
//   API_KEY: the sandbox's demo key (pro, every scope), which `./sandbox load` reads from the
//   gateway's note; API_KEYS may add more as "name:tier:key,...". Without any, scripts use tokens only.
import http from 'k6/http';
import { fail } from 'k6';

export const GATEWAY = (__ENV.GATEWAY_URL || 'http://127.0.0.1:8080').replace(/\/+$/, '');

const USERS = {
  alice: { tier: 'pro', scopes: ['orders', 'events', 'chat', 'rag'] },
  bob: { tier: 'free', scopes: ['orders', 'events', 'chat', 'rag'] },
  eve: { tier: 'free', scopes: ['events', 'chat', 'rag'] },
};
export const TIER_LIMIT_PER_MINUTE = { pro: 1200, free: 120 };

// Dev tokens live an hour: a VU takes a fresh one after 45 minutes (a soak outlives the first).
const TOKEN_MAX_AGE_MS = 45 * 60 * 1000;
const local = {};

/** A dev token for a demo user, straight from the gateway. */
export function devToken(user) {
  const response = http.post(`${GATEWAY}/auth/token`, JSON.stringify({ username: user }), {
    headers: { 'Content-Type': 'application/json' }, tags: { name: 'POST /auth/token' },
  });
  if (response.status !== 200) {
    fail(`no dev token for ${user} from ${GATEWAY}/auth/token: ${response.status} ${response.body}`);
  }
  return response.json('access_token');
}

/** For setup(): one token per demo user, handed to every VU (they refresh them when old). */
export function issueTokens() {
  const tokens = {};
  for (const user of Object.keys(USERS)) {
    tokens[user] = devToken(user);
  }
  return { tokens, issuedAt: Date.now() };
}

function token(user, auth) {
  const now = Date.now();
  if (auth && auth.tokens[user] && now - auth.issuedAt < TOKEN_MAX_AGE_MS) {
    return auth.tokens[user];
  }
  if (!local[user] || now - local[user].at > TOKEN_MAX_AGE_MS) {
    local[user] = { token: devToken(user), at: now };
  }
  return local[user].token;
}

function apiKeys() {
  const keys = [];
  if (__ENV.API_KEY) {
    keys.push({ name: 'demo-key', tier: 'pro', key: __ENV.API_KEY });
  }
  for (const entry of (__ENV.API_KEYS || '').split(',').filter((e) => e.trim())) {
    const [name, tier, key] = entry.trim().split(':');
    keys.push({ name, tier, key });
  }
  return keys;
}

/**
 * The callers with a scope (or all callers, scope null), each {name, tier, kind, headers()}.
 * `auth` is what issueTokens() returned in setup(). `tiers` narrows the list, e.g. ['pro'].
 */
export function callers(auth, scope, tiers) {
  const list = [];
  for (const [user, grant] of Object.entries(USERS)) {
    list.push({ name: user, tier: grant.tier, kind: 'token', scoped: !scope || grant.scopes.includes(scope),
      headers: () => ({ Authorization: `Bearer ${token(user, auth)}` }) });
  }
  for (const key of apiKeys()) {
    list.push({ name: key.name, tier: key.tier, kind: 'api-key', scoped: true, headers: () => ({ 'X-API-Key': key.key }) });
  }
  return list.filter((c) => (!tiers || tiers.includes(c.tier)));
}

/** The callers allowed on a route (holding its scope). */
export function scopedCallers(auth, scope, tiers) {
  return callers(auth, scope, tiers).filter((c) => c.scoped);
}

/** The caller of this VU: VUs are spread evenly over the callers. */
export function callerOf(list) {
  return list[(__VU - 1) % list.length];
}
