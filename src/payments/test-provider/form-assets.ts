/**
 * The hosted form's script and stylesheet, served as files so the page's CSP can forbid inline
 * code. Kept as strings in a module so they ship with the compiled server without a copy step.
 *
 * The script sends the card to this origin's `/tokens` and hands only the one-time token to the
 * embedding checkout, addressed to the app's exact origin so no other page can receive it.
 */
export const FORM_JS = `'use strict';
(function () {
  var body = document.body;
  var form = document.getElementById('pay-form');
  if (!form) return;
  var appOrigin = body.getAttribute('data-app-origin');
  var sessionId = body.getAttribute('data-session-id');
  var status = document.getElementById('status');
  var button = form.querySelector('button[type="submit"]');
  var fields = ['cardNumber', 'expiry', 'cvc'];

  function clearErrors() {
    fields.forEach(function (name) {
      document.getElementById(name).removeAttribute('aria-invalid');
      document.getElementById(name + '-error').hidden = true;
    });
    status.textContent = '';
  }

  function showError(error) {
    var name = error && error.field;
    if (fields.indexOf(name) === -1) {
      status.textContent = body.getAttribute('data-failed');
      return;
    }
    var input = document.getElementById(name);
    var message = document.getElementById(name + '-error');
    message.textContent = message.getAttribute('data-message');
    message.hidden = false;
    input.setAttribute('aria-invalid', 'true');
    input.focus();
  }

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    clearErrors();
    button.disabled = true;
    var card = {
      sessionId: sessionId,
      cardNumber: form.elements.cardNumber.value,
      expiry: form.elements.expiry.value,
      cvc: form.elements.cvc.value
    };
    fetch('/tokens', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(card),
      credentials: 'omit',
      cache: 'no-store'
    }).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok) {
          showError(data && data.error);
          return;
        }
        // The card leaves the page as soon as it has become a token.
        form.reset();
        status.textContent = body.getAttribute('data-done');
        parent.postMessage({ type: 'taquilla-payment-token', token: data.token, last4: data.last4, brand: data.brand }, appOrigin);
      });
    }).catch(function () {
      status.textContent = body.getAttribute('data-failed');
    }).then(function () {
      button.disabled = false;
    });
  });
})();
`;

export const FORM_CSS = `*, *::before, *::after { box-sizing: border-box; }
body { margin: 0; font: 16px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1a1a1a; background: #fff; }
main { max-width: 26rem; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.25rem; margin: 0 0 0.5rem; }
.summary { margin: 0 0 1rem; color: #444; }
.field { margin-bottom: 0.75rem; flex: 1; }
.row { display: flex; gap: 0.75rem; }
label { display: block; font-weight: 600; margin-bottom: 0.25rem; }
input { width: 100%; padding: 0.6rem; font: inherit; border: 1px solid #888; border-radius: 4px; }
input:focus { outline: 2px solid #1d4ed8; outline-offset: 1px; }
input[aria-invalid="true"] { border-color: #b91c1c; }
.error { color: #b91c1c; margin: 0.25rem 0 0; font-size: 0.875rem; }
button { width: 100%; padding: 0.75rem; font: inherit; font-weight: 600; color: #fff; background: #1d4ed8; border: 0; border-radius: 4px; cursor: pointer; }
button:disabled { opacity: 0.6; cursor: progress; }
#status { min-height: 1.4em; margin: 0.5rem 0 0; }
.help { margin-top: 1rem; font-size: 0.875rem; color: #444; }
.help ul { padding-left: 1.25rem; }
`;
