// Passkeys: a form marked data-passkey ("register" or "prove") asks its
// data-options URL for the ceremony's options (posting the form's fields),
// runs the browser's WebAuthn ceremony, puts the answer in the
// form's `credential` field and sends the form. The forms stay hidden in a
// browser without WebAuthn.
const fromB64 = (text) => {
  const b64 = text.replace(/-/g, "+").replace(/_/g, "/");
  const padded = b64.padEnd(Math.ceil(b64.length / 4) * 4, "=");
  return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
};
const toB64 = (buffer) =>
  btoa(String.fromCharCode(...new Uint8Array(buffer)))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");

async function ceremony(kind, options) {
  const publicKey = options.publicKey;
  publicKey.challenge = fromB64(publicKey.challenge);
  if (kind === "register") {
    publicKey.user.id = fromB64(publicKey.user.id);
    (publicKey.excludeCredentials || []).forEach((c) => (c.id = fromB64(c.id)));
    const made = await navigator.credentials.create({ publicKey });
    return {
      id: made.id,
      rawId: toB64(made.rawId),
      type: made.type,
      response: {
        attestationObject: toB64(made.response.attestationObject),
        clientDataJSON: toB64(made.response.clientDataJSON),
      },
      extensions: {},
    };
  }
  (publicKey.allowCredentials || []).forEach((c) => (c.id = fromB64(c.id)));
  const proof = await navigator.credentials.get({ publicKey });
  const handle = proof.response.userHandle;
  return {
    id: proof.id,
    rawId: toB64(proof.rawId),
    type: proof.type,
    response: {
      authenticatorData: toB64(proof.response.authenticatorData),
      clientDataJSON: toB64(proof.response.clientDataJSON),
      signature: toB64(proof.response.signature),
      userHandle: handle ? toB64(handle) : null,
    },
    extensions: {},
  };
}

for (const form of document.querySelectorAll("form[data-passkey]")) {
  if (!window.PublicKeyCredential) continue;
  form.hidden = false;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    // The options are asked with the form's fields (its CSRF token, and
    // the username where the form has one).
    const fields = new URLSearchParams(new FormData(form));
    fields.delete("credential");
    let answer = "";
    try {
      const response = await fetch(form.dataset.options, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: fields,
      });
      if (response.ok) answer = JSON.stringify(await ceremony(form.dataset.passkey, await response.json()));
    } catch (e) {
      // Cancelled or refused by the browser: the form goes without an
      // answer, and the page says the passkey did not work.
    }
    form.querySelector('input[name="credential"]').value = answer;
    form.submit();
  });
}
