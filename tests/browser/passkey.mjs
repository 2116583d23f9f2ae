// Passkeys in Chromium with a virtual authenticator (the DevTools
// protocol's WebAuthn domain): ada signs in with her password and a texted
// code, registers a passkey, signs in again with it, and resets her
// password with it alone. Run by crates/latchkey/tests/it/browser.rs:
//
//   node passkey.mjs BASE_URL CAPTCHA_ANSWER SCREENSHOT_DIR
import { open } from "./lib.mjs";

const [base, answer, shots] = process.argv.slice(2);
const { context, page, checkPage, finish } = await open(shots);
const latestCode = async () => (await (await fetch(`${base}/test/latest-code`)).text()).trim();

const cdp = await context.newCDPSession(page);
await cdp.send("WebAuthn.enable");
await cdp.send("WebAuthn.addVirtualAuthenticator", {
  options: {
    protocol: "ctap2",
    transport: "internal",
    hasResidentKey: true,
    hasUserVerification: true,
    isUserVerified: true,
    automaticPresenceSimulation: true,
  },
});

// Signed in with a texted code, she adds a passkey.
await page.goto(`${base}/signin`);
await page.getByLabel("University email or username").fill("ada");
await page.getByLabel("Password").fill("Vt9#qkzP");
await page.getByRole("button", { name: "Sign in", exact: true }).click();
await checkPage("verify", "Confirm it is you");
await page.getByLabel(/Text a code/).check();
await page.getByRole("button", { name: "Continue" }).click();
await page.getByLabel("Code", { exact: true }).fill(await latestCode());
await page.getByRole("button", { name: "Verify" }).click();
await checkPage("account", "Your account");
await page.getByRole("link", { name: "Manage passkeys" }).click();
await checkPage("passkeys", "Passkeys");
await page.getByLabel("Name it, to tell it apart later").fill("Work laptop");
// The script runs the ceremony, then sends the form: wait for where it leads.
const after = (path) => page.waitForURL((url) => url.pathname === path, { timeout: 15000 });
await Promise.all([after("/account"), page.getByRole("button", { name: "Add a passkey" }).click()]);
await checkPage("passkey-added", "Your account");
if (!(await page.textContent("main")).includes("1 passkey")) throw new Error("the passkey is not counted");
await page.getByRole("button", { name: /Sign out/ }).click();

// The passkey proves the second factor.
await page.goto(`${base}/signin`);
await page.getByLabel("University email or username").fill("ada");
await page.getByLabel("Password").fill("Vt9#qkzP");
await page.getByRole("button", { name: "Sign in", exact: true }).click();
await checkPage("verify-passkey", "Confirm it is you");
await Promise.all([after("/account"), page.getByRole("button", { name: "Use a passkey" }).click()]);
await checkPage("signed-in-by-passkey", "Your account");
await page.getByRole("button", { name: /Sign out/ }).click();

// Or the passkey alone, username first.
await page.goto(`${base}/signin`);
await checkPage("signin", "Sign in");
await page.getByLabel("Username or university email, for the passkey").fill("ada");
await Promise.all([after("/account"), page.getByRole("button", { name: "Sign in with a passkey" }).click()]);
await checkPage("passwordless", "Your account");
await page.getByRole("button", { name: /Sign out/ }).click();

// And it alone resets the password, though her app beside her phone asks
// two codes of anyone else.
await page.goto(`${base}/reset`);
await page.getByLabel("Your university email or username").fill("ada");
await page.keyboard.press("Enter");
await page.waitForSelector("img.captcha");
await checkPage("captcha", "Type the characters you see");
await page.getByLabel("Characters", { exact: true }).fill(answer);
await page.getByRole("button", { name: "Continue" }).click();
await checkPage("method", "How should we send your code?");
await Promise.all([
  page.waitForSelector("h1:text-is('Choose a new password')", { timeout: 15000 }),
  page.getByRole("button", { name: "Use a passkey" }).click(),
]);
await checkPage("password", "Choose a new password");
await page.getByLabel("New password").fill("Nw4%jxrQ");
await page.getByLabel("Type it again").fill("Nw4%jxrQ");
await page.getByRole("button", { name: "Change my password" }).click();
await checkPage("done", "Your password is changed");

await finish("a passkey registered, signed in and reset");
