// Sprocket browser demo: a live feed, a chat between tabs and an RPC form, over one
// AutobahnJS session. Plain JavaScript, no build step. The router's WebSocket endpoint is on
// this page's host at /ws in realm "realm1"; `?realm=NAME&path=/wamp` overrides both.
/* global autobahn */
(function () {
  'use strict';

  const params = new URLSearchParams(location.search);
  const realm = params.get('realm') || 'realm1';
  const path = params.get('path') || '/ws';
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${path}`;

  const TOPIC_TICKER = 'demo.ticker';
  const TOPIC_CHAT = 'demo.chat';
  const PROC_ADD = 'demo.add';
  const MAX_ITEMS = 50;
  const MAX_POINTS = 60;

  const $ = (id) => document.getElementById(id);
  const status = $('status');
  const sessionInfo = $('session-info');
  const chatName = $('chat-name');
  chatName.value = sessionStorage.getItem('sprocket-demo-name') || `guest-${Math.floor(1000 + Math.random() * 9000)}`;
  chatName.addEventListener('change', () => sessionStorage.setItem('sprocket-demo-name', chatName.value));

  let session = null;
  let ticks = 0;
  let lastPrice = null;
  const points = [];

  function setStatus(state, text) {
    status.dataset.state = state;
    status.textContent = text;
  }

  function timeOf(iso) {
    const date = iso ? new Date(iso) : new Date();
    return date.toLocaleTimeString([], { hour12: false });
  }

  /** Prepends an <li> built from [className, text] parts (textContent only: no HTML injection). */
  function addItem(list, parts) {
    const item = document.createElement('li');
    for (const [className, text] of parts) {
      const span = document.createElement('span');
      if (className) span.className = className;
      span.textContent = text;
      item.appendChild(span);
    }
    list.insertBefore(item, list.firstChild);
    while (list.children.length > MAX_ITEMS) list.removeChild(list.lastChild);
    return item;
  }

  // ── live feed ──────────────────────────────────────────────────────────
  function drawSparkline() {
    const canvas = $('sparkline');
    const ctx = canvas.getContext('2d');
    const { width, height } = canvas;
    ctx.clearRect(0, 0, width, height);
    if (points.length < 2) return;
    const min = Math.min(...points);
    const max = Math.max(...points);
    const span = max - min || 1;
    ctx.strokeStyle = '#f0a030';
    ctx.lineWidth = 2;
    ctx.beginPath();
    points.forEach((value, index) => {
      const x = (index / (MAX_POINTS - 1)) * (width - 8) + 4;
      const y = height - 6 - ((value - min) / span) * (height - 12);
      if (index === 0) ctx.moveTo(x, y);
      else ctx.lineTo(x, y);
    });
    ctx.stroke();
  }

  function onTick(args, kwargs) {
    const price = typeof kwargs.price === 'number' ? kwargs.price : Number(args[1]);
    const seq = kwargs.seq ?? args[0];
    ticks += 1;
    $('ticker-count').textContent = String(ticks);
    $('ticker-price').textContent = price.toFixed(2);
    const change = $('ticker-change');
    if (lastPrice !== null) {
      const delta = price - lastPrice;
      change.textContent = `${delta >= 0 ? '▲' : '▼'} ${Math.abs(delta).toFixed(2)}`;
      change.className = `change ${delta >= 0 ? 'up' : 'down'}`;
    }
    lastPrice = price;
    points.push(price);
    if (points.length > MAX_POINTS) points.shift();
    drawSparkline();
    addItem($('feed'), [['when', timeOf(kwargs.time)], ['', `#${seq}  ${price.toFixed(2)}`]]);
  }

  // ── chat ───────────────────────────────────────────────────────────────
  function onChat(args, kwargs) {
    addItem($('chat-log'), [['when', timeOf(kwargs.at)], ['who', String(kwargs.from || 'anonymous')], ['text', String(args[0] ?? '')]]);
  }

  $('chat-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const input = $('chat-input');
    const text = input.value.trim();
    if (!text || !session) return;
    // exclude_me: false, so the sender sees its own message come back through the router.
    session.publish(TOPIC_CHAT, [text], { from: chatName.value.trim() || 'anonymous', at: new Date().toISOString() }, { exclude_me: false, acknowledge: true }).then(
      () => (input.value = ''),
      (error) => addItem($('chat-log'), [['who', 'error'], ['', String(error.error || error)]]),
    );
  });

  // ── RPC ────────────────────────────────────────────────────────────────
  $('rpc-form').addEventListener('submit', (event) => {
    event.preventDefault();
    if (!session) return;
    const a = Number($('rpc-a').value);
    const b = Number($('rpc-b').value);
    const result = $('rpc-result');
    const started = performance.now();
    session.call(PROC_ADD, [a, b]).then(
      (sum) => {
        const ms = (performance.now() - started).toFixed(1);
        result.dataset.state = 'ok';
        result.textContent = `${a} + ${b} = ${sum}`;
        addItem($('rpc-log'), [['when', timeOf()], ['', `${PROC_ADD}(${a}, ${b}) → ${sum} in ${ms} ms`]]);
      },
      (error) => {
        result.dataset.state = 'error';
        result.textContent = `${error.error || 'error'}: ${(error.args && error.args[0]) || ''}`;
        addItem($('rpc-log'), [['when', timeOf()], ['who', 'error'], ['', String(error.error || error)]]);
      },
    );
  });

  // ── connection ─────────────────────────────────────────────────────────
  function setEnabled(enabled) {
    for (const id of ['chat-send', 'rpc-call']) $(id).disabled = !enabled;
  }
  setEnabled(false);

  const connection = new autobahn.Connection({ url, realm, max_retries: -1, max_retry_delay: 5 });
  connection.onopen = (newSession) => {
    session = newSession;
    setStatus('open', `connected to ${realm}`);
    sessionInfo.textContent = `session ${newSession.id} on ${url}`;
    setEnabled(true);
    newSession.subscribe(TOPIC_TICKER, onTick);
    newSession.subscribe(TOPIC_CHAT, onChat);
  };
  connection.onclose = (reason, details) => {
    session = null;
    setEnabled(false);
    const retrying = details && details.will_retry;
    setStatus(retrying ? 'connecting' : 'closed', retrying ? `reconnecting… (${reason})` : `disconnected (${reason})`);
    sessionInfo.textContent = 'no session';
  };
  connection.open();
  window.sprocketDemo = { connection, realm, url };
})();
