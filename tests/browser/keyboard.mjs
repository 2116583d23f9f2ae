// Someone who uses only the keyboard and a screen reader, under the portal's
// real headers: a reset with a wrong CAPTCHA answer, a wrong code and a
// refused password on the way; a wrong sign-in; the update page's live
// checklist; the help desk's wrong password and codes. Each refusal must say
// so in the title, and put the focus on its field, marked invalid and
// described by the error; the checklist must change as they type, and say
// each change once. Run by crates/latchkey/tests/it/browser.rs:
//
//   node keyboard.mjs BASE_URL CAPTCHA_ANSWER SCREENSHOT_DIR PASSWORD STAFF_PASSWORD STAFF_SECRET_BASE32
//
// PASSWORD is alan's; alan is Alan Turing, and has no method registered.
import { open, totp } from "./lib.mjs";

const [base, answer, shots, alanPassword, staffPassword, staffSecret] = process.argv.slice(2);
const { page, checkPage, focused, expectErrorOn, finish, problems } = await open(shots);
const expect = (ok, complaint) => ok || problems.push(complaint);
const type = (text) => page.keyboard.type(text, { delay: 15 });
// Enter, and the page the form's answer brings.
const submit = () => Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
const clear = async () => { await page.keyboard.press("Control+A"); await page.keyboard.press("Backspace"); };

// Tab, as a person would, until the focus is on what is named `name`.
async function tabTo(name) {
  for (let press = 0; press < 60; press++) {
    const now = await focused();
    if (now.id === name || now.name === name) return;
    await page.keyboard.press("Tab");
  }
  throw new Error(`the keyboard never reaches "${name}"`);
}

// The live checklist's summary as a screen reader hears it: each change of
// its words, in order.
async function listenToSummary() {
  await page.evaluate(() => {
    const status = document.getElementById("rules-status");
    window.summaries = [];
    new MutationObserver(() => window.summaries.push(status.textContent))
      .observe(status, { childList: true, characterData: true, subtree: true });
  });
}
async function summariesSaid(name) {
  const said = await page.evaluate(() => window.summaries);
  expect(said.length > 0, `${name}: the checklist's summary never changed as they typed`);
  for (let i = 1; i < said.length; i++) {
    expect(said[i] !== said[i - 1], `${name}: the summary "${said[i]}" was announced twice in a row`);
  }
}

// ---- A reset --------------------------------------------------------------------------------
await page.goto(`${base}/reset`);
await checkPage("identify", "Reset your password");
await type("ada@example.edu");
await submit();

await page.waitForSelector("img.captcha");
await checkPage("captcha", "Type the characters you see");
const answerField = await focused();
expect(answerField.id === "answer", `the CAPTCHA page focuses "${answerField.id}"`);
expect(answerField.description.includes("Cannot see the image?"),
  `the CAPTCHA's field does not say what to do without the image: "${answerField.description}"`);
await type("zzzzz");
await submit();
await page.waitForSelector("#form-error");
await checkPage("captcha-wrong", "Type the characters you see");
await expectErrorOn("captcha-wrong", "answer");
await type(answer.toLowerCase());
await submit();

// The method page sets no focus: on a fresh load, the first Tab offers to
// skip to the content.
await checkPage("method", "How should we send your code?");
await page.goto(`${base}/reset`);
await page.keyboard.press("Tab");
const skip = await focused();
if (skip.name === "Skip to the content") {
  await page.keyboard.press("Enter");
  expect(await page.evaluate(() => document.activeElement?.id === "main"), "the skip link does not move the focus to the content");
} else {
  problems.push(`the first Tab reaches "${skip.name}", not a skip link`);
}
await tabTo("Send the code");
await submit();

await checkPage("code", "Enter your code");
await type("000000");
await submit();
await page.waitForSelector("#form-error");
await checkPage("code-wrong", "Enter your code");
await expectErrorOn("code-wrong", "code");
const code = (await (await fetch(`${base}/test/latest-code`)).text()).trim();
await clear();
await type(code);
await submit();

await checkPage("password", "Choose a new password");
await tabTo("password");
const newPassword = await focused();
const firstRule = (await page.textContent(".checklist li")).trim();
expect(!newPassword.description.includes(firstRule.replace(/ \(.*\)$/, "")),
  `the new password's field reads the whole list each time: "${newPassword.description}"`);
await listenToSummary();
await type("lovelace");
await page.waitForSelector('li[data-rule="contains_name"].unmet', { timeout: 5000 })
  .catch(() => problems.push("reset: the live checklist did not mark the name rule as they typed"));
await page.waitForFunction(() => document.getElementById("rules-status").textContent.includes("not met yet"), null, { timeout: 5000 })
  .catch(() => problems.push("reset: the live summary did not say rules are not met"));
await tabTo("confirm");
await type("lovelace");
await submit();
await page.waitForSelector("#violations");
await checkPage("password-refused", "Choose a new password");
await expectErrorOn("password-refused", "password", "#violations");
await listenToSummary();
await type("Nw4%jxrQ");
await page.waitForSelector('li[data-rule="min_length"].met', { timeout: 5000 })
  .catch(() => problems.push("reset: the live checklist did not mark the length rule as met"));
await tabTo("confirm");
await type("Nw4%jxrQ");
await page.waitForFunction(() => document.getElementById("rules-status").textContent.includes("both passwords match"), null, { timeout: 5000 })
  .catch(() => problems.push("reset: the live summary never said all rules are met"));
await summariesSaid("reset");
await submit();
await checkPage("done", "Your password is changed");

// ---- Sign-in and the update page ---------------------------------------------------------
await page.goto(`${base}/signin`);
await checkPage("signin", "Sign in");
await type("alan");
await page.keyboard.press("Tab");
await type("not-his-password");
await submit();
await page.waitForSelector("#form-error");
await checkPage("signin-wrong", "Sign in");
await expectErrorOn("signin-wrong", "password");
expect(await page.inputValue("#identifier") === "alan", "the username was not kept after a wrong password");
await type(alanPassword);
await submit();
await checkPage("interrupted", "Set up a way to reset your password");

await page.goto(`${base}/account/password`);
await checkPage("update", "Change your password");
await type("not-his-password");
await tabTo("password");
await listenToSummary();
await type("turing");
await page.waitForSelector('li[data-rule="contains_name"].unmet', { timeout: 5000 })
  .catch(() => problems.push("update: the live checklist did not mark the name rule as they typed"));
await clear();
await type("Qz7!wplkR");
await page.waitForSelector('li[data-rule="contains_name"].met', { timeout: 5000 })
  .catch(() => problems.push("update: the live checklist did not mark the name rule as met"));
await summariesSaid("update");
await tabTo("confirm");
await type("Qz7!wplkR");
await submit();
await page.waitForSelector("#form-error");
await checkPage("update-wrong", "Change your password");
await expectErrorOn("update-wrong", "current");

// ---- The help desk -------------------------------------------------------------------------
await page.goto(`${base}/helpdesk`);
await checkPage("helpdesk-signin", "Help desk sign-in");
await type("kim");
await page.keyboard.press("Tab");
await type("not-her-password");
await submit();
await page.waitForSelector("#form-error");
await checkPage("helpdesk-signin-wrong", "Help desk sign-in");
await expectErrorOn("helpdesk-signin-wrong", "password");
expect(await page.inputValue("#username") === "kim", "the staff username was not kept after a wrong password");
await type(staffPassword);
await submit();

await checkPage("helpdesk-factor", "Your authenticator code");
await type("000000");
await submit();
await page.waitForSelector("#form-error");
await checkPage("helpdesk-factor-wrong", "Your authenticator code");
await expectErrorOn("helpdesk-factor-wrong", "code");
const now = Number(await (await fetch(`${base}/test/now`)).text());
await clear();
await type(totp(staffSecret, now));
await submit();

await checkPage("helpdesk-search", "Find an account");
await type("ada");
await submit();
await page.waitForSelector("ul.results");
await tabTo("ada");
await submit();
await checkPage("helpdesk-account", "Ada Lovelace (ada)");
await tabTo("code");
await type("000000");
await submit();
await page.waitForSelector("#form-error");
await checkPage("helpdesk-code-wrong", "Ada Lovelace (ada)");
await expectErrorOn("helpdesk-code-wrong", "code");

await finish("the keyboard walk found every refusal tied to its field");
