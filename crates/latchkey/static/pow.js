// The proof of work of the reset's first step (ALTCHA's format): while the
// person types, find the number whose SHA-256 with the salt is the
// challenge, and send it with the form. No inline code (the CSP forbids
// it); without JavaScript, or without WebCrypto (plain HTTP off
// localhost), nothing happens and the next step shows the image instead.
(function () {
  "use strict";
  const form = document.querySelector("form[data-pow]");
  if (!form || !window.crypto || !window.crypto.subtle) return;
  const challenge = JSON.parse(form.dataset.pow);
  const field = form.querySelector('input[name="pow"]');
  const status = document.getElementById("pow-status");
  const encoder = new TextEncoder();
  const BATCH = 500;
  let solved = null;
  let failed = false;
  let waiting = false;

  function hex(buffer) {
    return Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, "0")).join("");
  }

  async function solve() {
    for (let start = 0; start <= challenge.maxnumber; start += BATCH) {
      const end = Math.min(start + BATCH, challenge.maxnumber + 1);
      const tries = [];
      for (let n = start; n < end; n++) {
        tries.push(crypto.subtle.digest("SHA-256", encoder.encode(challenge.salt + n)));
      }
      const digests = await Promise.all(tries);
      const found = digests.findIndex((digest) => hex(digest) === challenge.challenge);
      if (found >= 0) return start + found;
    }
    return null;
  }

  // No solution (it cannot happen with a challenge of ours) or no
  // WebCrypto after all: a waiting form is sent as it is, and the image
  // step answers instead.
  function giveUp() {
    failed = true;
    if (status) status.textContent = "";
    if (waiting) form.submit();
  }

  const started = performance.now();
  solve().then((number) => {
    if (number === null) return giveUp();
    solved = btoa(JSON.stringify({
      algorithm: challenge.algorithm,
      challenge: challenge.challenge,
      number: number,
      salt: challenge.salt,
      signature: challenge.signature,
    }));
    field.value = solved;
    form.dataset.powMs = String(Math.round(performance.now() - started));
    if (waiting) form.submit();
  }, giveUp);

  form.addEventListener("submit", (event) => {
    if (solved || failed || !form.reportValidity()) return;
    // Not found yet: wait for it, saying so, then send.
    event.preventDefault();
    waiting = true;
    if (status) status.textContent = status.dataset.checking;
  });
})();
