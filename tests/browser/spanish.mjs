// A person whose browser speaks Spanish, on a 390 px phone: a reset, a
// sign-in and a phone registration, every page in Spanish; then the help
// desk console in Spanish and, through its language switch, in English,
// never wider than the phone. A screenshot and axe-core on each page. Run
// by crates/latchkey/tests/it/browser.rs:
//
//   node spanish.mjs BASE_URL CAPTCHA_ANSWER SCREENSHOT_DIR STAFF_PASSWORD STAFF_SECRET_BASE32
import { readFileSync } from "node:fs";
import { open, totp } from "./lib.mjs";

const [base, answer, shots, staffPassword, staffSecret] = process.argv.slice(2);
const { page, checkPage, finish, problems } = await open(shots, { locale: "es-MX", width: 390 });
const latestCode = async () => (await (await fetch(`${base}/test/latest-code`)).text()).trim();

// The page fits the phone: a wide table scrolls in its own box, the page never.
async function fitsTheScreen(name) {
  const [wide, screen] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  if (wide > screen) problems.push(`${name}: the page is ${wide} px wide on a ${screen} px screen`);
}

// The reset.
await page.goto(`${base}/reset`);
await checkPage("identify", "Restablezca su contraseña");
if ((await page.getAttribute("html", "lang")) !== "es") throw new Error("lang is not es");
await page.getByLabel("Su correo universitario o nombre de usuario").fill("ada");
await page.keyboard.press("Enter");
await page.waitForSelector("img.captcha");
await checkPage("captcha", "Escriba los caracteres que ve");
await page.getByLabel("Caracteres", { exact: true }).fill(answer);
await page.getByRole("button", { name: "Continuar" }).click();
await checkPage("method", "¿Cómo le enviamos el código?");
await page.getByLabel(/mensaje de texto/).first().check();
await page.getByRole("button", { name: "Enviar el código" }).click();
await checkPage("code", "Escriba su código");
await page.getByLabel("Código", { exact: true }).fill(await latestCode());
await page.getByRole("button", { name: "Verificar" }).click();
await checkPage("password", "Elija una contraseña nueva");
// The live checklist in Spanish; a refusal in Spanish.
await page.getByLabel("Contraseña nueva").pressSequentially("lovelace", { delay: 20 });
await page.waitForSelector('li[data-rule="contains_name"].unmet');
await page.getByLabel("Escríbala de nuevo").fill("lovelace");
await page.getByRole("button", { name: "Cambiar mi contraseña" }).click();
await checkPage("refused", "Elija una contraseña nueva");
const refusal = await page.textContent("#violations");
if (!refusal.includes("parte de su nombre")) throw new Error(`a refusal not in Spanish: ${refusal}`);
await page.getByLabel("Contraseña nueva").fill("Nw4%jxrQ");
await page.getByLabel("Escríbala de nuevo").fill("Nw4%jxrQ");
await page.getByRole("button", { name: "Cambiar mi contraseña" }).click();
await checkPage("done", "Su contraseña está cambiada");

// A sign-in, and a new phone registered.
await page.getByRole("link", { name: "Inicie sesión con su contraseña nueva" }).click();
await checkPage("signin", "Iniciar sesión");
await page.getByLabel("Correo universitario o nombre de usuario").fill("ada");
await page.getByLabel("Contraseña", { exact: true }).fill("Nw4%jxrQ");
await page.getByRole("button", { name: "Iniciar sesión" }).click();
await checkPage("verify", "Confirme que es usted");
await page.getByLabel(/mensaje de texto/).first().check();
await page.getByRole("button", { name: "Continuar" }).click();
await checkPage("verify-code", "Confirme que es usted");
await page.getByLabel("Código", { exact: true }).fill(await latestCode());
await page.getByRole("button", { name: "Verificar" }).click();
await checkPage("account", "Su cuenta");
await page.getByRole("link", { name: "Cambiar", exact: true }).click();
await checkPage("phone", "Registrar un teléfono móvil");
await page.getByLabel("Número móvil").fill("(202) 555-0166");
await page.getByRole("button", { name: "Enviar un código" }).click();
await checkPage("phone-code", "Escriba el código que le enviamos");
await page.getByLabel("Código", { exact: true }).fill(await latestCode());
await page.getByRole("button", { name: "Verificar" }).click();
await checkPage("registered", "Su cuenta");
await fitsTheScreen("registered");
// Recovery codes: made, shown once.
await page.getByRole("link", { name: "Crear mis códigos de recuperación" }).click();
await checkPage("recovery", "Códigos de recuperación");
await page.getByRole("button", { name: "Crear mis códigos de recuperación" }).click();
await checkPage("recovery-codes", "Códigos de recuperación");
if ((await page.locator("ol.recovery-codes li").count()) !== 10) throw new Error("not ten recovery codes");
// Saved as a file, as shown; the print button is there with a script.
const [download] = await Promise.all([page.waitForEvent("download"), page.click("#download-codes")]);
const saved = readFileSync(await download.path(), "utf8");
for (const code of await page.locator("ol.recovery-codes code").allTextContents()) {
  if (!saved.includes(code)) throw new Error(`${code} is not in the file: ${saved}`);
}
if (!saved.includes("códigos de recuperación de ada")) throw new Error(`the file: ${saved}`);
if (!(await page.getByRole("button", { name: "Imprimirlos" }).isVisible())) throw new Error("no print button");
await page.getByRole("link", { name: "Volver a su cuenta" }).click();
await page.getByRole("button", { name: "Cerrar sesión" }).click();

// The help desk console, in Spanish and then in English, on the same phone.
await page.goto(`${base}/helpdesk`);
await checkPage("console-signin", "Inicio de sesión de la mesa de ayuda");
await page.getByLabel("Nombre de usuario del personal").fill("kim");
await page.getByLabel("Contraseña", { exact: true }).fill(staffPassword);
await page.getByRole("button", { name: "Continuar" }).click();
await checkPage("console-factor", "Su código de autenticación");
const now = Number(await (await fetch(`${base}/test/now`)).text());
await page.getByLabel("Código").fill(totp(staffSecret, now));
await page.getByRole("button", { name: "Iniciar sesión" }).click();
await checkPage("console-search", "Buscar una cuenta");
await page.getByLabel("Nombre de usuario, correo o número de teléfono").fill("ada");
await page.getByRole("button", { name: "Buscar" }).click();
await page.getByRole("link", { name: "ada", exact: true }).click();
await checkPage("console-account", "Ada Lovelace (ada)");
await fitsTheScreen("console-account");
// A temporary access pass for a verified caller, read out once.
await page.getByRole("button", { name: "Enviar un código" }).click();
await page.getByLabel("El código que la persona le lee", { exact: true }).fill(await latestCode());
await page.getByRole("button", { name: "Comprobar el código" }).click();
await page.getByRole("button", { name: "Emitir un pase de acceso temporal" }).click();
await checkPage("console-pass", "Pase de acceso temporal para ada");
const pass = (await page.textContent("#secret")).trim();
await page.getByRole("link", { name: "Volver a ada" }).click();
await page.goto(`${base}/helpdesk/audit`);
await checkPage("console-audit", "Registro de auditoría");
await fitsTheScreen("console-audit");
// The person signs in with the pass, in Spanish.
await page.goto(`${base}/signin`);
await page.getByRole("link", { name: "¿Tiene un pase de acceso temporal de la mesa de ayuda?" }).click();
await checkPage("pass-signin", "Iniciar sesión con un pase de acceso temporal");
await page.getByLabel("Correo universitario o nombre de usuario").fill("ada");
await page.getByLabel("Pase de acceso temporal").fill(pass);
await page.getByRole("button", { name: "Iniciar sesión" }).click();
await checkPage("pass-account", "Su cuenta");
// "This wasn't me" from the newest notice: asked, then done.
const link = (await (await fetch(`${base}/test/latest-report-link`)).text()).trim();
await page.goto(`${base}${link}`);
await checkPage("not-me", "¿No fue usted?");
await page.getByRole("button", { name: "No fui yo: detener los restablecimientos" }).click();
await checkPage("not-me-done", "Detuvimos los restablecimientos en línea");
await page.goto(`${base}/helpdesk/audit`);
await page.getByRole("link", { name: "English" }).click();
await checkPage("console-audit-en", "Audit trail");
await fitsTheScreen("console-audit-en");
await page.goto(`${base}/helpdesk`);
await page.getByLabel("Username, email or phone number").fill("ada");
await page.getByRole("button", { name: "Search" }).click();
await page.getByRole("link", { name: "ada", exact: true }).click();
await checkPage("console-account-en", "Ada Lovelace (ada)");
await fitsTheScreen("console-account-en");
await finish("a reset, a sign-in and a registration in Spanish, and the console in both languages");
