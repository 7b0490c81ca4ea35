/**
 * The demo support chat's page, script and stylesheet, kept as strings so they ship with the
 * compiled server. The page runs in a sandboxed frame with an opaque origin: no storage, no
 * cookies, no form submission (the sandbox has no allow-forms, so the composer is a button and
 * the Enter key, not a form). It tells the embedding page only "open" or "close", to be resized.
 */

export const CHAT_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Support chat</title>
<link rel="stylesheet" href="/chat.css">
<script src="/chat.js" defer></script>
</head>
<body>
<button type="button" id="launcher" class="launcher" aria-expanded="false" aria-controls="panel">Chat with us</button>
<section id="panel" class="panel" aria-labelledby="panel-title" hidden>
<header class="panel-head">
<h1 id="panel-title">Support</h1>
<button type="button" id="close" class="close" aria-label="Close the chat">&#215;</button>
</header>
<ol id="messages" class="messages" aria-live="polite">
<li class="message from-agent">Hello! Ask us anything about your tickets. Please never type card details here.</li>
</ol>
<div class="compose">
<label for="text" class="visually-hidden">Your message</label>
<input id="text" maxlength="500" autocomplete="off" placeholder="Type a message">
<button type="button" id="send">Send</button>
</div>
</section>
</body>
</html>
`;

export const CHAT_JS = `'use strict';
(function () {
  var launcher = document.getElementById('launcher');
  var panel = document.getElementById('panel');
  var closer = document.getElementById('close');
  var list = document.getElementById('messages');
  var input = document.getElementById('text');
  var send = document.getElementById('send');

  // The embedding page resizes the frame; it is told nothing else, and sends nothing back.
  function tell(action) {
    parent.postMessage({ type: 'taquilla-widget', action: action }, '*');
  }

  function add(text, from) {
    var item = document.createElement('li');
    item.className = 'message from-' + from;
    item.textContent = text;
    list.appendChild(item);
    list.scrollTop = list.scrollHeight;
  }

  function open() {
    tell('open');
    panel.hidden = false;
    launcher.hidden = true;
    launcher.setAttribute('aria-expanded', 'true');
    input.focus();
  }

  function close() {
    panel.hidden = true;
    launcher.hidden = false;
    launcher.setAttribute('aria-expanded', 'false');
    launcher.focus();
    tell('close');
  }

  function submit() {
    var text = input.value.trim();
    if (!text) return;
    input.value = '';
    add(text, 'you');
    send.disabled = true;
    fetch('/messages', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: text }),
      credentials: 'omit',
      cache: 'no-store'
    }).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (data) {
      add(data && typeof data.reply === 'string' ? data.reply : 'Sorry, the chat is not answering. Try again shortly.', 'agent');
    }, function () {
      add('Sorry, the chat is not answering. Try again shortly.', 'agent');
    }).then(function () {
      send.disabled = false;
    });
  }

  launcher.addEventListener('click', open);
  closer.addEventListener('click', close);
  send.addEventListener('click', submit);
  input.addEventListener('keydown', function (event) {
    if (event.key === 'Enter') submit();
    if (event.key === 'Escape') close();
  });
})();
`;

export const CHAT_CSS = `*, *::before, *::after { box-sizing: border-box; }
html, body { margin: 0; height: 100%; background: transparent; color-scheme: light; }
body {
  display: flex; align-items: flex-end; justify-content: flex-end;
  font: 15px / 1.4 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; color: #15171a;
}
button { font: inherit; cursor: pointer; }
button:focus-visible, input:focus-visible { outline: 3px solid #1d4ed8; outline-offset: 2px; }
.launcher {
  margin: 8px; min-height: 44px; padding: 0 18px; border: 0; border-radius: 22px;
  background: #1d4ed8; color: #fff; font-weight: 600; box-shadow: 0 2px 8px rgb(0 0 0 / 25%);
}
.panel {
  display: flex; flex-direction: column; width: 100%; height: 100%;
  background: #fff; border: 1px solid #c9ccd1; border-radius: 12px; overflow: hidden;
}
.panel[hidden] { display: none; }
.panel-head { display: flex; align-items: center; justify-content: space-between; padding: 8px 12px; background: #1d4ed8; color: #fff; }
.panel-head h1 { margin: 0; font-size: 16px; }
.close { min-width: 44px; min-height: 44px; border: 0; background: transparent; color: #fff; font-size: 22px; }
.messages { flex: 1; margin: 0; padding: 12px; list-style: none; overflow-y: auto; }
.message { max-width: 85%; margin: 0 0 8px; padding: 8px 10px; border-radius: 10px; overflow-wrap: anywhere; }
.from-agent { background: #eef1f5; }
.from-you { margin-left: auto; background: #dbe7ff; }
.compose { display: flex; gap: 8px; padding: 8px; border-top: 1px solid #e3e5e8; }
.compose input { flex: 1; min-height: 44px; padding: 0 10px; border: 1px solid #8a8f98; border-radius: 8px; font: inherit; font-size: 16px; }
.compose button { min-height: 44px; padding: 0 14px; border: 0; border-radius: 8px; background: #1d4ed8; color: #fff; }
.compose button:disabled { opacity: 0.6; cursor: default; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
`;
