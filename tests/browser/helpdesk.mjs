// The help desk in headless Chromium: an agent signs in (password and
// authenticator code), finds a caller who never registered, records an
// out-of-band check, sets their phone and signs out; the caller then resets
// by text message. axe-core on each page. Run by crates/latchkey/tests/it/browser.rs:
//
//   node helpdesk.mjs BASE_URL CAPTCHA_ANSWER SCREENSHOT_DIR STAFF_PASSWORD STAFF_SECRET_BASE32
import { open, totp } from "./lib.mjs";

const [base, answer, shots, staffPassword, staffSecret] = process.argv.slice(2);
const { page, checkPage, finish } = await open(shots);

await page.goto(`${base}/helpdesk`);
await checkPage("signin", "Help desk sign-in");
await page.getByLabel("Staff username").fill("kim");
await page.getByLabel("Password").fill(staffPassword);
await page.getByRole("button", { name: "Continue" }).click();

await checkPage("factor", "Your authenticator code");
const now = Number(await (await fetch(`${base}/test/now`)).text());
await page.getByLabel("Code").fill(totp(staffSecret, now));
await page.getByRole("button", { name: "Sign in" }).click();

await checkPage("search", "Find an account");
await page.getByLabel("Username, email or phone number").fill("alan");
await page.getByRole("button", { name: "Search" }).click();
await page.getByRole("link", { name: "alan", exact: true }).click();

await checkPage("account", "Alan Turing (alan)");
if (!(await page.getByRole("button", { name: "Set the phone" }).isDisabled())) {
  throw new Error("changes must be disabled before the caller is verified");
}
await page.getByLabel("Or record a check you made another way").selectOption("Photo ID shown on a video call");
await page.getByLabel("What you saw (kept in the audit trail)").fill("Student card 20261123 held to the camera, face matches");
await page.getByRole("button", { name: "Record the check" }).click();

await checkPage("verified", "Alan Turing (alan)");
await page.getByLabel(/New mobile phone/).fill("(202) 555-0177");
await page.getByRole("button", { name: "Set the phone" }).click();
await checkPage("phone-set", "Alan Turing (alan)");
await page.getByRole("button", { name: /Sign out/ }).click();
await checkPage("signed-out", "Help desk sign-in");

// The caller, now registered, resets on their own.
await page.goto(`${base}/reset`);
await page.getByLabel("Your university email or username").fill("alan");
await page.getByRole("button", { name: "Continue" }).click();
await page.getByLabel("Characters", { exact: true }).fill(answer);
await page.getByRole("button", { name: "Continue" }).click();
await checkPage("caller-method", "How should we send your code?");
await page.getByLabel(/Text a code to/).check();
await page.getByRole("button", { name: "Send the code" }).click();
const code = (await (await fetch(`${base}/test/latest-code`)).text()).trim();
await page.getByLabel("Code", { exact: true }).fill(code);
await page.getByRole("button", { name: "Verify" }).click();
await page.getByLabel("New password").fill("Tq5$wxyZk");
await page.getByLabel("Type it again").fill("Tq5$wxyZk");
await page.getByRole("button", { name: "Change my password" }).click();
await checkPage("caller-done", "Your password is changed");
await finish("the help desk registered a phone and the caller reset in Chromium");
