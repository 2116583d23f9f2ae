// Someone who never registered signs in, is interrupted, sets up an
// authenticator app by reading the key shown on the page, signs out, and
// resets their password with the app; then signs in with the new password
// and the app. A screenshot and axe-core on each page. Run by
// crates/latchkey/tests/it/browser.rs:
//
//   node register.mjs BASE_URL CAPTCHA_ANSWER SCREENSHOT_DIR
//
// BASE_URL serves the portal plus the test-only /test/now (the portal's
// clock, which the "app" reads) and /test/advance (30 seconds on).
import { open, totp } from "./lib.mjs";

const [base, answer, shots] = process.argv.slice(2);
const { page, checkPage, finish } = await open(shots);
const now = async () => Number(await (await fetch(`${base}/test/now`)).text());
const nextStep = async () => fetch(`${base}/test/advance`, { method: "POST" });

await page.goto(`${base}/signin`);
await checkPage("signin", "Sign in");
await page.getByLabel("University email or username").fill("alan");
await page.getByLabel("Password").fill("Vt9#qkzP");
await page.getByRole("button", { name: "Sign in" }).click();

await checkPage("interrupted", "Set up a way to reset your password");
await page.getByRole("link", { name: "Set up an authenticator app" }).click();

await checkPage("authenticator", "Set up an authenticator app");
if ((await page.getByRole("img", { name: /QR code/ }).count()) !== 1) throw new Error("no QR code");
const secret = (await page.textContent("#secret")).trim();
await page.getByLabel("Code from the app").fill(totp(secret, await now()));
await page.getByRole("button", { name: "Finish" }).click();

await checkPage("account", "Your account");
if (!(await page.textContent("main")).includes("Your authenticator app is registered.")) throw new Error("no confirmation");
// The other new pages, looked at and checked on the way.
await page.getByRole("link", { name: "Register a mobile phone" }).click();
await checkPage("phone", "Register a mobile phone");
await page.getByLabel("Mobile number").fill("555-0143");
await page.getByRole("button", { name: "Send a code" }).click();
await checkPage("phone-refused", "Register a mobile phone");
if (!(await page.textContent("#form-error")).includes("such as (202) 555-0143")) throw new Error("no example given");
await page.getByRole("link", { name: "Back to your account" }).click();
await page.getByRole("link", { name: "Change your password" }).click();
await checkPage("update", "Change your password");
await page.getByRole("link", { name: "Back to your account" }).click();
await page.getByRole("button", { name: "Sign out" }).click();
await checkPage("signed-out", "Sign in");

// Forgot it: reset with the app.
await page.getByRole("link", { name: "Forgot your password, or locked out? Reset or unlock it" }).click();
await page.getByLabel("Your university email or username").fill("alan");
await page.getByRole("button", { name: "Continue" }).click();
await page.getByLabel("Characters", { exact: true }).fill(answer);
await page.getByRole("button", { name: "Continue" }).click();
// The app is alan's only way: no choice to make, nothing to send.
await checkPage("reset-code", "Enter your code");
if (!(await page.textContent("main")).includes("changes every 30 seconds")) throw new Error("an app code is not for minutes");
await nextStep(); // the enrolment's code was used; the app shows the next one
await page.getByLabel("Code", { exact: true }).fill(totp(secret, await now()));
await page.getByRole("button", { name: "Verify" }).click();
await checkPage("reset-password", "Choose a new password");
await page.getByLabel("New password").fill("Qz7!wplkR");
await page.getByLabel("Type it again").fill("Qz7!wplkR");
await page.getByRole("button", { name: "Change my password" }).click();
await checkPage("reset-done", "Your password is changed");

// The new password and the app sign in.
await page.goto(`${base}/signin`);
await page.getByLabel("University email or username").fill("alan");
await page.getByLabel("Password").fill("Qz7!wplkR");
await page.getByRole("button", { name: "Sign in" }).click();
await checkPage("verify", "Confirm it is you");
// The app is alan's only way: its code is asked for at once, nothing to choose.
if (await page.getByRole("button", { name: "Continue" }).count()) throw new Error("a one-choice step");
await nextStep();
await page.getByLabel("Code", { exact: true }).fill(totp(secret, await now()));
await page.getByRole("button", { name: "Verify" }).click();
await checkPage("signed-in", "Your account");

// Half a year on, the sign-in asks whether the app is still alan's.
await page.getByRole("button", { name: /Sign out/ }).click();
await fetch(`${base}/test/advance-days/181`, { method: "POST" });
await page.goto(`${base}/signin`);
await page.getByLabel("University email or username").fill("alan");
await page.getByLabel("Password").fill("Qz7!wplkR");
await page.getByRole("button", { name: "Sign in" }).click();
await page.getByLabel("Code", { exact: true }).fill(totp(secret, await now()));
await page.getByRole("button", { name: "Verify" }).click();
await checkPage("reconfirm", "Are these still yours?");
await page.getByRole("button", { name: "Yes, these are still mine" }).click();
await checkPage("reconfirmed", "Your account");

// Another address of his own, proven by a mailed code.
await page.getByRole("link", { name: "Add one" }).click();
await checkPage("other-email", "Another email address");
await page.getByLabel("Email address (not a university one)").fill("alan.t@example.org");
await page.getByRole("button", { name: "Send a code to it" }).click();
await checkPage("other-email-code", "Another email address");
const mailed = (await (await fetch(`${base}/test/latest-code`)).text()).trim();
await page.getByLabel("Code", { exact: true }).fill(mailed);
await page.getByRole("button", { name: "Verify" }).click();
await checkPage("other-email-saved", "Your account");

await finish("registered and reset in Chromium");
