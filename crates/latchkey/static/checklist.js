// The live password checklist: as the person types, ask the server which
// rules the password meets (the same policy engine as the final verdict)
// and mark each line. Without JavaScript the form works as it is.
"use strict";
(function () {
  const form = document.getElementById("password-form");
  if (!form) return;
  const password = form.querySelector("#password");
  const confirm = form.querySelector("#confirm");
  const status = document.getElementById("rules-status");
  const confirmStatus = document.getElementById("confirm-status");
  const before = status.textContent; // "9 rules to meet; …"
  // The words, in the page's language, from the page itself.
  const words = document.getElementById("rules").dataset;
  let timer = null;
  let asked = 0;

  // The summary is a live region: change it only when its words change, so a
  // screen reader hears each change once, not the same sentence per key.
  function say(element, text) {
    if (element.textContent !== text) element.textContent = text;
  }

  function mark(item, met) {
    const state = item.querySelector(".state");
    item.classList.toggle("met", met === true);
    item.classList.toggle("unmet", met === false);
    if (state) state.textContent = " " + (met === true ? words.met : met === false ? words.unmet : words.unchecked);
  }

  async function check() {
    const ask = ++asked;
    const body = new URLSearchParams({
      csrf: form.querySelector("input[name=csrf]").value,
      password: password.value,
      confirm: confirm.value,
    });
    let verdict;
    try {
      const response = await fetch(form.dataset.check, { method: "POST", body, credentials: "same-origin" });
      if (!response.ok) return;
      verdict = await response.json();
    } catch (_) {
      return; // The server's verdict on submission still counts.
    }
    if (ask !== asked) return; // An older answer arriving late.
    let unmet = 0;
    for (const requirement of verdict.requirements) {
      const item = form.querySelector('[data-rule="' + requirement.rule + '"]');
      if (item) mark(item, password.value === "" ? null : requirement.met);
      if (requirement.met === false) unmet += 1;
    }
    if (password.value === "") {
      say(status, before);
    } else if (unmet > 0) {
      say(status, unmet === 1 ? words.unmetOne : words.unmetOther.replace("{n}", unmet));
    } else {
      say(status, verdict.confirmed ? words.allMetConfirmed : words.allMet);
    }
  }

  // The two fields are compared here, at once: nothing to ask the server.
  function compare() {
    const mismatch = confirm.value !== "" && confirm.value !== password.value;
    const partial = mismatch && password.value.startsWith(confirm.value);
    confirm.setAttribute("aria-invalid", mismatch && !partial ? "true" : "false");
    say(confirmStatus, mismatch && !partial ? words.differ : "");
  }

  // An emptied field meets nothing and breaks nothing: every line goes
  // back to how the page first showed it, at once (an answer still on its
  // way is ignored).
  function cleared() {
    asked += 1;
    for (const item of form.querySelectorAll("[data-rule]")) {
      item.classList.remove("met", "unmet");
      const state = item.querySelector(".state");
      if (state) state.textContent = "";
    }
    say(status, before);
  }

  function soon() {
    compare();
    clearTimeout(timer);
    if (password.value === "") return cleared();
    timer = setTimeout(check, 150);
  }
  password.addEventListener("input", soon);
  confirm.addEventListener("input", soon);
})();
