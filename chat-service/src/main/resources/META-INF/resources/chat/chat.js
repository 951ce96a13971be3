// The sandbox chat client, protocol v2 (docs/chat.md). No build step.
// Delivery: every message has the room's seq; the client keeps the last seq and the epoch, and on
// any close reconnects (capped exponential backoff, full jitter) to the next server and resumes
// with ?lastSeq=&epoch=; sends not yet answered with "sent" are resent with the same clientMsgId,
// which the server deduplicates. So the page shows every message once, in seq order.
(function () {
  'use strict';
  const $ = (id) => document.getElementById(id);
  const params = new URLSearchParams(location.search);
  // Served at /chat/ on a node, or at /api/chat/ through the gateway.
  const basePath = location.pathname.startsWith('/api/chat') ? '/api/chat' : '/chat';
  const servers = (params.get('servers') || location.origin).split(',').map((s) => s.trim()).filter(Boolean);
  const gateway = params.get('gateway') || location.origin;
  const BASE_DELAY = 250, CAP = 5000;

  const state = {
    ws: null, server: 0, attempt: 0, lastSeq: null, epoch: null, room: null, token: null,
    pending: new Map(), seen: new Set(), log: [], counter: 0, connected: false, resets: 0,
  };
  window.chat = state; // for tests and curious people

  if (params.get('token')) $('token').value = params.get('token');
  if (params.get('room')) $('room').value = params.get('room');
  if (params.get('user')) $('username').value = params.get('user');

  function status(text) { $('status').textContent = text; }

  $('login').onclick = async () => {
    const res = await fetch(gateway + '/auth/token', {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: $('username').value }),
    });
    if (!res.ok) { status('login failed: ' + res.status); return; }
    const body = await res.json();
    $('token').value = body.token || body.access_token || '';
  };

  $('join').onclick = () => {
    state.room = $('room').value.trim();
    state.token = $('token').value.trim();
    state.lastSeq = null; state.epoch = null; state.seen.clear(); state.log = [];
    $('messages').innerHTML = '';
    if (state.ws) state.ws.close();
    connect();
  };

  function connect() {
    const server = servers[state.server % servers.length].replace(/^http/, 'ws');
    let url = server + basePath + '/rooms/' + encodeURIComponent(state.room) + '?token=' + encodeURIComponent(state.token);
    if (state.lastSeq !== null) url += '&lastSeq=' + state.lastSeq;
    if (state.epoch !== null) url += '&epoch=' + encodeURIComponent(state.epoch);
    status('connecting to ' + server);
    const ws = new WebSocket(url);
    state.ws = ws;
    ws.onmessage = (event) => onFrame(JSON.parse(event.data));
    ws.onclose = (event) => {
      if (state.ws !== ws) return;
      state.connected = false;
      setEnabled(false);
      if (event.code === 4003) { status('closed: ' + event.reason); return; }
      // Full jitter after the cap: a node's clients do not all come back at the same instant.
      state.attempt++;
      state.server++;
      const ceiling = Math.min(CAP, BASE_DELAY * Math.pow(2, state.attempt));
      const delay = Math.floor(Math.random() * ceiling);
      status('disconnected (' + event.code + '), retrying in ' + delay + ' ms');
      setTimeout(connect, delay);
    };
  }

  function onFrame(frame) {
    switch (frame.type) {
      case 'welcome':
        if (frame.reset) { state.resets++; state.seen.clear(); }
        state.epoch = frame.epoch;
        if (state.lastSeq === null || frame.reset) state.lastSeq = frame.reset ? 0 : frame.headSeq;
        state.attempt = 0; state.connected = true;
        status('connected as ' + frame.userId + ' to ' + frame.room + ' (node ' + frame.node + ', seq ' + frame.headSeq + ')');
        setEnabled(true);
        for (const [clientMsgId, text] of state.pending) write(clientMsgId, text);
        break;
      case 'message':
        if (state.seen.has(frame.msgId)) return;
        state.seen.add(frame.msgId);
        state.lastSeq = Math.max(state.lastSeq || 0, frame.seq);
        state.log.push(frame);
        show(frame);
        state.ws.send(JSON.stringify({ type: 'ack', seq: frame.seq }));
        break;
      case 'sent':
        state.pending.delete(frame.clientMsgId);
        break;
      case 'presence':
        $('presence').innerHTML = '';
        for (const user of frame.online) {
          const li = document.createElement('li'); li.textContent = user; $('presence').appendChild(li);
        }
        break;
      case 'typing':
        $('typing').textContent = frame.from + ' is typing…';
        setTimeout(() => { $('typing').textContent = ''; }, 2000);
        break;
      case 'error':
        status('error ' + frame.code + ': ' + frame.reason);
        if (frame.code === 'unavailable' || frame.code === 'rate-limited') {
          // Retry what is not yet "sent", with the same clientMsgId (the server deduplicates).
          setTimeout(() => { for (const [clientMsgId, text] of state.pending) write(clientMsgId, text); },
            100 + Math.floor(Math.random() * BASE_DELAY));
        }
        break;
    }
  }

  function show(frame) {
    const li = document.createElement('li');
    li.dataset.seq = frame.seq;
    li.dataset.msgId = frame.msgId;
    const seq = document.createElement('span'); seq.className = 'seq'; seq.textContent = '#' + frame.seq;
    const from = document.createElement('span'); from.className = 'from'; from.textContent = frame.from;
    const text = document.createElement('span'); text.className = 'text'; text.textContent = frame.text;
    li.append(seq, from, text);
    $('messages').appendChild(li);
    li.scrollIntoView({ block: 'end' });
  }

  function write(clientMsgId, text) {
    if (state.ws && state.ws.readyState === WebSocket.OPEN) {
      state.ws.send(JSON.stringify({ type: 'send', clientMsgId, text }));
    }
  }

  function send() {
    const text = $('text').value;
    if (!text) return;
    const clientMsgId = (crypto.randomUUID ? crypto.randomUUID() : Date.now() + '-' + (++state.counter));
    state.pending.set(clientMsgId, text);
    write(clientMsgId, text);
    $('text').value = '';
  }

  function setEnabled(on) { $('text').disabled = !on; $('send').disabled = !on; }

  $('send').onclick = send;
  let lastTyping = 0;
  $('text').addEventListener('keydown', (event) => {
    if (event.key === 'Enter') { send(); return; }
    const now = Date.now();
    if (state.connected && now - lastTyping > 1500) { lastTyping = now; state.ws.send('{"type":"typing"}'); }
  });

  if (params.get('autojoin')) $('join').click();
})();
