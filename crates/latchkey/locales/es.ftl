# Las palabras de Latchkey en español. Cada id de aquí está en el archivo
# de cada idioma, con los mismos argumentos (lo comprueba una prueba).

## El reloj del campus

clock-am = { $hour }:{ $minute } a. m.
clock-pm = { $hour }:{ $minute } p. m.
clock-other-day = { $time } del { $weekday } { $day } de { $month }
weekday-1 = lunes
weekday-2 = martes
weekday-3 = miércoles
weekday-4 = jueves
weekday-5 = viernes
weekday-6 = sábado
weekday-7 = domingo
month-1 = enero
month-2 = febrero
month-3 = marzo
month-4 = abril
month-5 = mayo
month-6 = junio
month-7 = julio
month-8 = agosto
month-9 = septiembre
month-10 = octubre
month-11 = noviembre
month-12 = diciembre

## Cada página

error-prefix = Error:
lang-code = es
skip-to-content = Ir al contenido
demo-banner-html = Demostración: restablezca o inicie sesión como <strong>ada</strong> (teléfono), <strong>grace</strong> (aplicación de autenticación) o <strong>alan</strong> (nada registrado), contraseña <code>{ $password }</code>; pruebe la <a href="/helpdesk">mesa de ayuda</a> como <strong>demo-agent</strong> o <strong>demo-admin</strong>, contraseña <code>{ $staff }</code>. Los mensajes, las llamadas, los correos y los códigos de las aplicaciones llegan al <a href="/demo/phone">teléfono de demostración</a>.
brand = Servicio de contraseñas de { $university }
nav-services = Servicios
nav-reset = Restablecer una contraseña olvidada
nav-signin = Iniciar sesión
language-switch = Idioma
footer-helpdesk-html = ¿Necesita hablar con alguien? Mesa de ayuda: <a href="tel:{ $tel }">{ $phone }</a> · <a href="mailto:{ $email }">{ $email }</a> · <a href="{ $chat }">chat</a>
helpdesk-call-html = Llame al <a href="tel:{ $tel }">{ $phone }</a>
helpdesk-email-html = Escriba a <a href="mailto:{ $email }">{ $email }</a>
helpdesk-chat-html = <a href="{ $chat }">Chatee con la mesa de ayuda</a>
start-new-reset = Empezar de nuevo
start-again = Volver a empezar
continue = Continuar
verify = Verificar
code-label = Código
code-demo-hint-html = Demostración: los mensajes y las llamadas llegan al <a href="/demo/phone" target="_blank" rel="noopener">teléfono de demostración</a> (se abre en otra pestaña).

## Restablecer: quién es usted

identify-title = Restablezca su contraseña
identify-intro = ¿Olvidó su contraseña o su cuenta está bloqueada? Empiece aquí. Necesitará el teléfono o la aplicación de autenticación que registró. Si su cuenta está bloqueada, al final puede desbloquearla y conservar su contraseña.
identify-label = Su correo universitario o nombre de usuario
identify-empty = Escriba su correo universitario o su nombre de usuario.
pow-checking = Un momento: su navegador está comprobando que usted es una persona…
pow-failed = La comprobación automática de su navegador no se completó. Escriba los caracteres de abajo.

## Restablecer: el CAPTCHA

captcha-title = Demuestre que es una persona
captcha-heading = Escriba los caracteres que ve
captcha-intro = Esto impide que se adivine de forma automática. Mayúsculas o minúsculas, ambas valen.
captcha-alt = Caracteres deformados que debe escribir. Si no puede verlos, lea la nota de abajo.
captcha-note-html = ¿No puede ver la imagen? Con JavaScript activado, su navegador hace esta comprobación por usted mientras escribe su usuario y este paso se omite: vuelva a empezar con JavaScript activado (el último botón de abajo) o llame a la mesa de ayuda al <a href="tel:{ $tel }">{ $phone }</a>.
captcha-label = Caracteres
captcha-hint = Cinco letras o cifras.
captcha-new = ¿No se lee? Mostrar otros caracteres
captcha-wrong = Los caracteres no coinciden. Aquí tiene otros; inténtelo de nuevo.
captcha-pow-needed = Los caracteres eran correctos, pero ahora mismo muchas personas están restableciendo su contraseña, así que este navegador también debe completar una breve comprobación automática, que necesita JavaScript. Aquí tiene otros: escríbalos de nuevo y espere a la comprobación. Sin JavaScript, inténtelo de nuevo en diez minutos o llame a la mesa de ayuda al { $helpdesk }.
captcha-pow-noscript = Ahora mismo muchas personas están restableciendo su contraseña, así que los caracteres solos no bastan: este navegador también debe completar una breve comprobación automática, que necesita JavaScript. Active JavaScript, inténtelo de nuevo en diez minutos o llame a la mesa de ayuda al { $helpdesk }.

## Restablecer: el código

method-title = Reciba un código
method-heading = ¿Cómo le enviamos el código?
method-legend = Elija uno de sus métodos registrados
method-send = Enviar el código
method-choose = Elija una de las opciones de la lista.
code-title = Escriba su código
code-new = Recibir un código nuevo
code-other-way = ¿No le llegó? Elija otra opción o pida un código nuevo
code-wrong = { $left ->
    [one] El código no es correcto. Puede intentarlo 1 vez más.
   *[other] El código no es correcto. Puede intentarlo { $left } veces más.
}
code-wrong-last = El código no es correcto y ya no se puede volver a intentar. Pida uno nuevo.
code-spent = Ese código ya no se puede usar: venció o se intentó demasiadas veces. Pida uno nuevo.
code-app-used = Ese código ya se usó. Espere a que su aplicación muestre el siguiente y escríbalo.
code-from-app = Abra su aplicación de autenticación y escriba el código de 6 cifras que muestra ahora (cambia cada 30 segundos).
code-texted = Enviamos un código por mensaje de texto al { $phone }. Vale por { $minutes ->
    [one] 1 minuto
   *[other] { $minutes } minutos
}.
code-calling = Estamos llamando al { $phone }; el mensaje automático le leerá su código. Vale por { $minutes ->
    [one] 1 minuto
   *[other] { $minutes } minutos
}.
code-text-waiting = Aún no pudimos entregar el mensaje al { $phone } a nuestro proveedor, así que puede que su código no llegue. Seguimos intentándolo mientras sea válido ({ $minutes } minutos). Si no llega, elija otra opción abajo o llame a la mesa de ayuda al { $helpdesk }.
code-call-waiting = Aún no pudimos entregar la llamada al { $phone } a nuestro proveedor, así que puede que su código no llegue. Seguimos intentándolo mientras sea válido ({ $minutes } minutos). Si no llega, elija otra opción abajo o llame a la mesa de ayuda al { $helpdesk }.
code-text-failed = No se pudo enviar el mensaje al { $phone }. Elija otra opción abajo o llame a la mesa de ayuda al { $helpdesk }.
code-call-failed = No se pudo hacer la llamada al { $phone }. Elija otra opción abajo o llame a la mesa de ayuda al { $helpdesk }.
code-paused-here = Se escribieron demasiados códigos incorrectos desde esta red. Inténtelo de nuevo en { $minutes } minutos, desde otra red o llame a la mesa de ayuda al { $helpdesk }.
code-throttled = Enviamos varios códigos a este teléfono en la última hora. Use uno de ellos, espere una hora o llame a la mesa de ayuda.
code-not-sent = No pudimos enviar el código en este momento. Inténtelo de nuevo en unos minutos o elija otra opción.
directory-down = No se puede conectar con el directorio del campus en este momento, así que no se podría guardar allí una contraseña nueva. No se envió ningún código. Inténtelo de nuevo en unos minutos.

## Restablecer: la contraseña nueva

password-title = Elija una contraseña nueva
passwords-differ = Las dos contraseñas no son iguales. Escríbalas de nuevo.
locked-heading = Su cuenta está bloqueada
locked-intro = El directorio del campus bloqueó su cuenta después de demasiadas contraseñas incorrectas. Si todavía sabe su contraseña, no necesita una nueva: desbloquee la cuenta y consérvela.
locked-devices = Esto suele pasar cuando una computadora portátil, un teléfono o una tableta sigue probando una contraseña antigua: la red wifi guardada (eduroam), el correo o una portátil que no ha recibido su contraseña más reciente. Después de desbloquear, actualice la contraseña guardada en cada dispositivo, y conecte la portátil de la universidad a la red del campus o a la VPN e inicie sesión una vez con su contraseña actual; si no, volverá a bloquear la cuenta.
locked-unlock = Desbloquear mi cuenta y conservar mi contraseña
locked-or-new = O elija una contraseña nueva abajo: eso también desbloquea la cuenta.
password-change = Cambiar mi contraseña
password-label = Contraseña nueva
password-again = Escríbala de nuevo
rules-intro = Su contraseña necesita:
rule-met = (cumplido)
rule-unmet = (no cumplido)
rules-status = { $count ->
    [one] 1 requisito por cumplir; se marca mientras escribe.
   *[other] { $count } requisitos por cumplir; cada uno se marca mientras escribe.
}
rule-unchecked = (se comprueba al enviar)
rules-unmet = { $count ->
    [one] Falta cumplir 1 requisito.
   *[other] Faltan por cumplir { $count } requisitos.
}
rules-all-met = Cumple todos los requisitos. Escríbala de nuevo abajo.
rules-all-met-confirmed = Cumple todos los requisitos y las dos contraseñas coinciden.
passwords-differ-yet = Las dos contraseñas todavía no coinciden.
violations-intro = La contraseña no se cambió:

## Restablecer: el final

done-title = Contraseña cambiada
done-heading = Su contraseña está cambiada
done-intro = Use la contraseña nueva desde ahora, en todos los lugares donde inicia sesión en la universidad.
paused-title = El restablecimiento en línea está en pausa
paused-heading = El restablecimiento en línea de esta cuenta está en pausa
paused-intro-html = Se escribieron demasiados códigos incorrectos para esta cuenta, así que, por su seguridad, el restablecimiento en línea está en pausa hasta las <strong>{ $until }</strong>. Su contraseña no ha cambiado y puede seguir iniciando sesión con ella como siempre.
paused-helpdesk = Inténtelo de nuevo después de esa hora o contacte ahora a la mesa de ayuda: pueden comprobar quién es usted y quitar la pausa.
help-title = Contacte a la mesa de ayuda
help-heading = No podemos restablecer esta contraseña en línea
help-intro = Esta cuenta no ha registrado un teléfono ni una aplicación de autenticación para restablecer la contraseña, o no la encontramos. La mesa de ayuda puede comprobar quién es usted y ayudarle enseguida:
help-after-html = Cuando vuelva a entrar, <a href="/signin">inicie sesión aquí</a> y registre un teléfono o una aplicación de autenticación para poder restablecerla usted mismo la próxima vez.
unlocked-title = Cuenta desbloqueada
unlocked-heading = Su cuenta está desbloqueada
unlocked-intro = Su contraseña no cambió: inicie sesión con la que tiene.
unlocked-again-heading = Para que no se vuelva a bloquear
unlocked-again-intro = Probablemente algo sigue probando una contraseña antigua. Actualícela en todos los lugares donde esté guardada:
unlocked-wifi = La red wifi (eduroam) de su teléfono, tableta y portátil: olvide la red y vuelva a conectarse con su contraseña actual.
unlocked-mail = Las aplicaciones de correo y calendario de su teléfono y computadora.
unlocked-laptop = Una portátil de la universidad que no ha recibido su contraseña más reciente: conéctela a la red del campus o a la VPN, y luego bloquéela y desbloquéela con su contraseña actual.
unlocked-call-html = Si se vuelve a bloquear, llame a la mesa de ayuda al <a href="tel:{ $tel }">{ $phone }</a>.

## Cuando algo salió mal

error-reference-html = Si llama a la mesa de ayuda, deles esta referencia: <strong>{ $reference }</strong>.
expired-heading = Esta página venció
expired-message = Por su seguridad, un restablecimiento debe terminarse en un tiempo fijo y en un solo navegador. Vuelva a empezar; solo toma un minuto.
link-spent-heading = Este enlace ya se usó
link-spent-message = Un enlace de restablecimiento sirve una sola vez y por un tiempo limitado: este ya se usó o venció. Empiece un restablecimiento aquí o pida un enlace nuevo a la mesa de ayuda.
no-account-heading = No existe esa cuenta
no-account-message = No hay ninguna cuenta con este número. Búsquela de nuevo.
too-many-heading = Demasiados intentos
too-many-message = Llegaron demasiados intentos desde su red en poco tiempo. Espere diez minutos e inténtelo de nuevo, o llame a la mesa de ayuda.
unavailable-heading = Inténtelo de nuevo en un minuto
unavailable-message = El servicio no puede acceder a sus registros por un momento. Inténtelo de nuevo en un minuto; los pasos que ya completó se conservan.
internal-heading = Algo salió mal de nuestro lado
internal-message = No se cambió nada. Inténtelo de nuevo en unos minutos.
not-found-heading = Esa página no existe
not-found-message = Puede que la dirección esté mal escrita o que la página se haya movido.

## Su portátil (después de un cambio, y antes de uno desde fuera del campus)

laptop-heading = Su portátil
laptop-campus = Está en la red del campus. Una portátil de la universidad que esté aquí recibe la contraseña nueva ahora: bloquéela y desbloquéela con la contraseña nueva. Una portátil que esté en otro lugar la recibe la próxima vez que esté en la red del campus o en la VPN.
laptop-vpn = Está conectado por la VPN. Si esta es su portátil de la universidad, deje la VPN activada, bloquéela y desbloquéela con la contraseña nueva. Una portátil que esté en otro lugar la recibe la próxima vez que esté en la red del campus o en la VPN.
laptop-outside-html = <strong>Está fuera de la red del campus y no está en la VPN, así que su portátil de la universidad todavía solo conoce su contraseña anterior</strong> (sea o no el dispositivo que usa ahora). Solo recibe la nueva mientras puede llegar a la red del campus. Para ponerla al día:
laptop-unknown = Una portátil de la universidad solo recibe la contraseña nueva mientras está en la red del campus o conectada a la VPN. Hasta entonces solo conoce su contraseña anterior. Para ponerla al día:
laptop-remember-heading = Si recuerda su contraseña anterior
laptop-knows-heading = Para ponerla al día
laptop-sign-in-old = Inicie sesión en la portátil con la contraseña anterior.
laptop-connect = Conéctese a la VPN.
laptop-lock = Bloquee la portátil (Windows: tecla Windows + L; Mac: Control + Comando + Q) y desbloquéela con su contraseña nueva.
laptop-forgot-heading = Si no recuerda su contraseña anterior
laptop-before-logon-named = Si { $client } puede conectarse desde la pantalla de inicio de sesión de la portátil (en Windows, el icono de inicio de sesión de red abajo en esa pantalla), conéctese ahí e inicie sesión con su contraseña nueva.
laptop-before-logon = Si la VPN de su portátil puede conectarse desde la pantalla de inicio de sesión (en Windows, el icono de inicio de sesión de red abajo en esa pantalla), conéctese ahí e inicie sesión con su contraseña nueva.
laptop-campus-wifi = O lleve la portátil a la red del campus, o conéctela a la wifi del campus desde su pantalla de inicio de sesión, e inicie sesión con su contraseña nueva.
laptop-call-html = O llame a la mesa de ayuda al <a href="tel:{ $tel }">{ $phone }</a>: pueden ayudarle a ponerla al día.
vpn-where = Dónde conectarse
vpn-connect-on = Conectar la VPN en { $system }
off-campus-title = Conéctese primero a la VPN
off-campus-intro = Está fuera de la red del campus y no está conectado a la VPN. Una portátil de la universidad solo recibe una contraseña nueva mientras puede llegar a la red del campus: si cambia su contraseña ahora, su portátil seguirá pidiendo la anterior hasta que se conecte de nuevo.
off-campus-advice = Conéctese a la VPN y luego continúe. Toma un minuto y le ahorra una llamada a la mesa de ayuda.
off-campus-connected = Ya estoy conectado: continuar
off-campus-anyway = Continuar sin la VPN
off-campus-how = Cómo conectarse
off-campus-cannot = ¿No puede conectarse?
off-campus-cannot-intro = Puede continuar sin la VPN. Después, su portátil seguirá conociendo solo la contraseña que conocía antes (la anterior, si está restableciendo una contraseña olvidada). Para ponerla al día:

## Su cuenta

signin-title = Iniciar sesión
signin-intro = Inicie sesión para registrar un teléfono o una aplicación de autenticación para restablecer su contraseña, o para cambiar una contraseña que conoce.
signin-identifier = Correo universitario o nombre de usuario
signin-password = Contraseña
signin-button = Iniciar sesión
signin-forgot = ¿Olvidó su contraseña o su cuenta está bloqueada? Restablézcala o desbloquéela
signin-empty = Escriba su nombre de usuario o su correo, y su contraseña.
signin-wrong = Ese nombre de usuario o esa contraseña no son correctos. Las contraseñas distinguen mayúsculas y minúsculas.
signin-paused = { $minutes ->
    [one] Se escribieron demasiadas contraseñas incorrectas para esta cuenta. El inicio de sesión aquí está en pausa durante 1 minuto; puede restablecer su contraseña en su lugar.
   *[other] Se escribieron demasiadas contraseñas incorrectas para esta cuenta. El inicio de sesión aquí está en pausa durante { $minutes } minutos; puede restablecer su contraseña en su lugar.
}
signin-directory-paused = Se escribieron demasiadas contraseñas incorrectas para esta cuenta últimamente. El inicio de sesión aquí está en pausa hasta las { $until }, para que el directorio del campus no bloquee la cuenta en todas partes. Si olvidó su contraseña o la cuenta está bloqueada, «¿Olvidó su contraseña o su cuenta está bloqueada?» la restablece o la desbloquea ahora.
signin-directory-paused-reset = Se escribieron demasiadas contraseñas incorrectas para esta cuenta últimamente. El inicio de sesión aquí está en pausa hasta que restablezca su contraseña o desbloquee la cuenta, para que el directorio del campus no bloquee la cuenta en todas partes. «¿Olvidó su contraseña o su cuenta está bloqueada?» la restablece o la desbloquea ahora.
directory-unreachable = No se puede acceder al directorio del campus en este momento, así que no se puede comprobar su contraseña. Inténtelo de nuevo en unos minutos.
codes-paused = Se escribieron demasiados códigos incorrectos para esta cuenta, así que los códigos de inicio de sesión están en pausa hasta por una hora. Inténtelo más tarde o llame a la mesa de ayuda.
signout = Cerrar sesión
nav-account = Su cuenta
account-title = Su cuenta
account-changed-heading = Su contraseña cambió
account-changed-intro = Use la contraseña nueva de ahora en adelante, en todos los lugares donde inicia sesión en la universidad. Se cerró su sesión en todos los demás lugares.
account-signed-in-as = Sesión iniciada como { $name }.
account-methods = Formas de restablecer su contraseña
account-phone = Teléfono móvil
account-change = Cambiar
account-remove-phone = Quitar el teléfono
account-none = Ninguno.
account-register-phone = Registrar un teléfono móvil
account-app = Aplicación de autenticación
account-app-registered = Registrada.
account-replace-app = Reemplazarla
account-remove-app = Quitar la aplicación
account-set-up-app = Configurar una aplicación de autenticación
account-only-method = Esta es su única forma de restablecer su contraseña: registre otra antes de quitarla.
account-password = Contraseña
account-change-password = Cambiar su contraseña
account-back = Volver a su cuenta
account-language = Idioma de los mensajes
account-language-intro = Los mensajes de texto, las llamadas y los correos sobre su cuenta llegan en este idioma.
account-language-save = Guardar
saved-phone = Su teléfono móvil quedó registrado.
saved-phone-removed = Se quitó su teléfono móvil.
saved-authenticator = Su aplicación de autenticación quedó registrada.
saved-authenticator-removed = Se quitó su aplicación de autenticación.
saved-language = Los mensajes sobre su cuenta ahora llegan en { $language }.
only-method = Esta es su única forma de restablecer su contraseña, así que no se puede quitar. Registre primero otra forma y luego quite esta.
register-title = Configure el restablecimiento de contraseña
register-heading = Configure una forma de restablecer su contraseña
register-intro = { $name }, no ha registrado una forma de demostrar quién es, así que no podría restablecer su contraseña por su cuenta si la olvidara. Toma un minuto: elija una ahora.
register-phone-why = (le enviamos un código por mensaje de texto o llamada)
register-app-why = (muestra un código nuevo cada 30 segundos)
verify-title = Confirme que es usted
verify-signing-in = Su contraseña es correcta. Ahora demuestre que tiene uno de sus métodos registrados.
verify-before-change = Antes de cambiar cómo restablece su contraseña, demuestre de nuevo que tiene uno de sus métodos registrados.
verify-choose-again = ¿No llegó el código? Elija una forma de nuevo
verify-send-new = Enviar un código nuevo
update-title = Cambiar su contraseña
update-current = Contraseña actual
update-differ = Las dos contraseñas nuevas no son iguales. Escríbalas de nuevo.
update-paused = { $minutes ->
    [one] Se escribieron demasiadas contraseñas incorrectas para esta cuenta. Espere 1 minuto o restablezca su contraseña.
   *[other] Se escribieron demasiadas contraseñas incorrectas para esta cuenta. Espere { $minutes } minutos o restablezca su contraseña.
}
update-wrong-current = Su contraseña actual no es correcta. Las contraseñas distinguen mayúsculas y minúsculas.
change-required-helpdesk = La mesa de ayuda le pidió que elija una contraseña nueva antes de continuar.
change-required-expired = Su contraseña venció. Elija una nueva antes de continuar.
change-required-breached = La contraseña con la que inició sesión aparece en una lista de contraseñas expuestas en filtraciones de datos, así que otros podrían probarla en su cuenta. Elija una nueva antes de continuar.
change-required-policy = La contraseña con la que inició sesión ya no cumple las reglas de contraseñas de abajo. Elija una nueva antes de continuar.

## Su cuenta: el teléfono

phone-title = Su teléfono móvil
phone-enter-sent = Escriba el código que le enviamos
phone-enter = Escriba su código
phone-register = Registrar un teléfono móvil
phone-text-sent = Enviamos un código por mensaje de texto al { $phone } a las { $at }. Es válido durante { $minutes } minutos. El número solo cuenta cuando escriba el código aquí. ¿No es su número? Use otro número abajo.
phone-call-sent = Estamos llamando al { $phone } (a las { $at }): el mensaje automático le lee su código. Es válido durante { $minutes } minutos. El número solo cuenta cuando escriba el código aquí. ¿No es su número? Use otro número abajo.
phone-text-waiting = Todavía no pudimos entregar el mensaje al { $phone } a nuestro proveedor, así que puede que su código no llegue. Seguimos intentándolo mientras sea válido ({ $minutes } minutos). Si no llega, envíe un código nuevo abajo o llame a la mesa de ayuda al { $helpdesk }.
phone-call-waiting = Todavía no pudimos entregar la llamada al { $phone } a nuestro proveedor, así que puede que su código no llegue. Seguimos intentándolo mientras sea válido ({ $minutes } minutos). Si no llega, envíe un código nuevo abajo o llame a la mesa de ayuda al { $helpdesk }.
phone-text-failed = No se pudo enviar el mensaje al { $phone }. Envíe un código nuevo abajo o llame a la mesa de ayuda al { $helpdesk }.
phone-call-failed = No se pudo hacer la llamada al { $phone }. Envíe un código nuevo abajo o llame a la mesa de ayuda al { $helpdesk }.
phone-another = Usar otro número o enviar un código nuevo
phone-current = Su teléfono registrado es el { $phone }. Un número nuevo lo reemplaza una vez verificado.
phone-label = Número móvil
phone-hint = Un número de EE. UU. de 10 dígitos, como (202) 555-0143, o + seguido del código de país y el número, como +44 20 7946 0958.
phone-how = ¿Cómo le enviamos el código?
phone-text = Mensaje de texto
phone-call = Llamada telefónica
phone-send = Enviar un código
phone-unusable = Ese número no se puede usar: { $why }.
phone-same = Ese número ya es su teléfono registrado.
phone-choose-channel = Elija cómo llega el código: por mensaje de texto o por llamada.
phone-code-spent = Ese código ya no se puede usar: venció o se intentó demasiadas veces. Escriba el número de nuevo para recibir uno nuevo.
phone-none-to-remove = No hay ningún teléfono registrado que quitar.

## Su cuenta: la aplicación de autenticación

app-title = Configurar una aplicación de autenticación
app-replacing = La aplicación nueva reemplaza a la que tiene cuando escriba su primer código.
app-open = Abra una aplicación de autenticación en su teléfono (por ejemplo Microsoft Authenticator, Google Authenticator o FreeOTP) y elija agregar una cuenta.
app-scan = Escanee este código QR:
app-on-this-phone = ¿Está en ese teléfono? Agréguela a su aplicación de autenticación
app-or-key = o, si no puede escanearlo, elija escribir una clave y escriba esta (basada en el tiempo, 6 dígitos):
app-type-code = Escriba el código de 6 dígitos que muestra ahora la aplicación.
app-code-label = Código de la aplicación
app-finish = Terminar
app-key-first = Primero agregue la clave de la aplicación: abra la página de la aplicación de autenticación para obtenerla.
app-code-mismatch = Ese código no coincide. Compruebe que la aplicación muestra la entrada que acaba de agregar y escriba el código que muestra ahora.
app-none-to-remove = No hay ninguna aplicación de autenticación registrada que quitar.

## Avisos: qué cambió, por correo, mensaje de texto y llamada

notice-password-subject = Se cambió su contraseña de { $university }
notice-password = Se cambió su contraseña de { $university }
notice-methods-subject = Cambiaron las formas de restablecer su contraseña de { $university }
notice-app-replaced = Su aplicación de autenticación para restablecer su contraseña de { $university } se reemplazó por una nueva
notice-app-added = Se agregó una aplicación de autenticación a las formas de restablecer su contraseña de { $university }
notice-app-removed = Se quitó su aplicación de autenticación de las formas de restablecer su contraseña de { $university }
notice-phone-changed = El teléfono móvil para restablecer su contraseña de { $university } cambió del { $old } al { $new }
notice-phone-added = Se agregó el teléfono móvil { $phone } a las formas de restablecer su contraseña de { $university }
notice-phone-removed = Se quitó el teléfono móvil { $phone } de las formas de restablecer su contraseña de { $university }
notice-helpdesk-phone-set = La mesa de ayuda cambió el teléfono móvil con el que restablece su contraseña de { $university }
notice-helpdesk-phone-removed = La mesa de ayuda quitó el teléfono móvil con el que restablece su contraseña de { $university }
notice-reset-unlocked-subject = Se desbloqueó el restablecimiento en línea de su contraseña de { $university }
notice-reset-unlocked = La mesa de ayuda desbloqueó el restablecimiento en línea de su contraseña de { $university }
notice-must-change-subject = Cambie su contraseña de { $university } la próxima vez que inicie sesión
notice-must-change = La mesa de ayuda pidió que cambie su contraseña de { $university } la próxima vez que inicie sesión
notice-unlocked-subject = Su cuenta de { $university } está desbloqueada
notice-unlocked-self = Usted desbloqueó su cuenta de { $university } en el directorio del campus después de que se bloqueara por contraseñas incorrectas, y conservó la misma contraseña,
notice-unlocked-helpdesk = La mesa de ayuda desbloqueó su cuenta de { $university } en el directorio del campus después de que se bloqueara por contraseñas incorrectas, y se conservó la misma contraseña,
notice-reset-paused-subject = El restablecimiento en línea de su contraseña de { $university } está en pausa
notice-reset-paused = El restablecimiento en línea de su contraseña de { $university } se puso en pausa tras demasiados códigos incorrectos
notice-reset-paused-until = Se reanuda a las { $until }. Su contraseña no cambió y puede seguir iniciando sesión con ella.
notice-when-where = { $what } a las { $when }{ $where ->
    [campus] , desde la red del campus
    [vpn] , por la VPN
    [outside] , desde fuera del campus
   *[unknown] {""}
}.
notice-not-you = Si no fue usted, llame ahora a la mesa de ayuda al { $helpdesk }.
notice-signature = Servicio de contraseñas de { $university }

## Códigos, por mensaje de texto y llamada

message-code-reset = Su código para restablecer la contraseña de { $university } es { $code }. Vence en { $minutes } minutos. No lo comparta: nadie de { $university } se lo pedirá.
message-code-signin = Su código para iniciar sesión en { $university } es { $code }. Vence en { $minutes } minutos. No lo comparta: nadie de { $university } se lo pedirá.
message-code-registration = Su código para registrar este teléfono para restablecer la contraseña de { $university } es { $code }. Vence en { $minutes } minutos.
message-code-caller = La mesa de ayuda de { $university } está comprobando que es usted. Si está hablando con ellos ahora, léales este código: { $code }. Si no se comunicó con la mesa de ayuda, no lo comparta y llámelos a su número publicado.
message-code-again = { $code }. Otra vez: { $code }
message-link-subject = Su enlace para restablecer la contraseña de { $university }
message-link = La mesa de ayuda de { $university } le envió este enlace para elegir una contraseña nueva. Sirve una sola vez, durante { $minutes } minutos: { $url }

## Recordatorios

reminder-register-subject = Configure una forma de restablecer su contraseña de { $university }
reminder-register = Todavía no ha configurado una forma de restablecer su contraseña de { $university } por su cuenta. Inicie sesión en { $url }/signin y registre su teléfono móvil o una aplicación de autenticación: así, una contraseña olvidada se resuelve en dos minutos, a cualquier hora.
reminder-expiry-subject = { $days ->
    [one] Su contraseña de { $university } vence mañana
   *[other] Su contraseña de { $university } vence en { $days } días
}
reminder-expiry = { $days ->
    [one] Su contraseña de { $university } vence a las { $when }, en 1 día.
   *[other] Su contraseña de { $university } vence a las { $when }, en { $days } días.
} Cámbiela antes: inicie sesión en { $url }/signin y elija una nueva (si la olvidó, restablézcala en { $url }/reset). Luego use la contraseña nueva en todos los lugares donde inicia sesión, y lleve su portátil de la universidad a la red del campus o conéctela a la VPN para que la reciba.
reminder-expiry-text = { $days ->
    [one] { $university }: su contraseña vence en 1 día. Cámbiela en { $url }/signin
   *[other] { $university }: su contraseña vence en { $days } días. Cámbiela en { $url }/signin
}
signin-wrong-maybe-locked = Si está seguro de que es correcta, puede que el directorio del campus haya bloqueado su cuenta tras intentos fallidos (una portátil o un teléfono con una contraseña anterior lo provoca): «¿Olvidó su contraseña o su cuenta está bloqueada?» la desbloquea.
language-unknown = Elija uno de los idiomas de la lista.

## Las reglas de contraseñas: las líneas de la lista y qué hacer cuando no se cumple una

list-two = { $first } y { $last }
list-more = { $rest }, { $first } y { $last }
rule-min_length = { $without ->
    [same] Al menos { $limit } caracteres
   *[other] Al menos { $limit } caracteres ({ $without } si no tiene registrado un teléfono o una aplicación de autenticación)
}
rule-max_length = Como máximo { $limit } caracteres
rule-uppercase = Una letra mayúscula (A–Z)
rule-lowercase = Una letra minúscula (a–z)
rule-special = Un carácter especial, como ! # $ % & * ? o @
rule-contains_username = No contiene su nombre de usuario
rule-contains_name = No contiene su nombre
rule-dictionary_word = { $whole ->
    [yes] No es una palabra común
   *[no] No contiene una palabra común
}
rule-breached = No es una contraseña conocida por filtraciones de datos
rule-history = No es una de sus últimas { $limit } contraseñas
broken-min_length = Demasiado corta: use al menos { $limit } caracteres (esta tiene { $actual }).
broken-max_length = Demasiado larga: use como máximo { $limit } caracteres (esta tiene { $actual }).
broken-uppercase = Agregue una letra mayúscula (A–Z).
broken-lowercase = Agregue una letra minúscula (a–z).
broken-special = Agregue un carácter especial, como ! # $ % & * ? o @.
broken-contains_username = Contiene su nombre de usuario { $found }; quítelo.
broken-contains_name = { $count ->
    [one] Contiene { $found }, parte de su nombre; quítelo.
   *[other] Contiene { $found }, partes de su nombre; quítelas.
}
broken-dictionary_word = { $shape ->
    [whole] Es la palabra común { $found }; elija algo más difícil de adivinar.
    [one] Contiene la palabra común { $found }.
    [more] Contiene las palabras comunes { $found } y otras.
   *[other] Contiene las palabras comunes { $found }.
}
broken-breached = Aparece en una lista de contraseñas expuestas en filtraciones de datos; elija otra.
broken-history = Es igual a una de sus últimas { $limit } contraseñas; elija una que no haya usado antes.
refused-intro = La contraseña nueva no se aceptó.
change-conflict = Su contraseña se cambió en otra ventana mientras tanto. Inténtelo de nuevo.
change-in-progress = Todavía se está escribiendo un cambio de esta contraseña en el directorio del campus. Espere unos minutos e inténtelo de nuevo.
change-no-entry = Su cuenta no está en el directorio del campus, así que su contraseña no se puede cambiar aquí. Llame a la mesa de ayuda.
change-unreachable = No se puede acceder al directorio del campus en este momento, así que su contraseña no cambió. Inténtelo de nuevo en unos minutos.
change-unanswered = El directorio del campus no confirmó el cambio a tiempo. Puede que haya aceptado su contraseña nueva: en cinco minutos, intente iniciar sesión con ella; si no funciona, su contraseña anterior sigue sirviendo y puede intentarlo de nuevo.
directory-refused-history = El directorio del campus recuerda esta contraseña como una de las recientes. Elija una que no haya usado antes.
directory-refused-length = El directorio del campus pide al menos { $minimum } caracteres. Agregue algunos más.
directory-refused-longer = El directorio del campus pide una contraseña más larga. Agregue algunos caracteres más.
directory-refused-complexity = Al directorio del campus esta contraseña le parece demasiado simple. Hágala más larga o combine más tipos de caracteres.
directory-refused-age = Su contraseña se cambió hace muy poco, y el directorio del campus permite el siguiente cambio a partir de las { $when }. Inténtelo entonces o llame a la mesa de ayuda.
directory-refused-age-unknown = Su contraseña se cambió hace muy poco, y el directorio del campus solo permite un cambio cada cierto tiempo. Inténtelo mañana o llame a la mesa de ayuda.
directory-refused-restrictions = El directorio del campus rechazó esta contraseña según sus propias reglas: puede ser una de sus contraseñas recientes, ser demasiado corta o simple, o su contraseña se cambió hace menos de un día. Pruebe una más larga que no haya usado antes; si tampoco funciona, llame a la mesa de ayuda.

## La consola de la mesa de ayuda

hd-brand = Mesa de ayuda de contraseñas
hd-title-suffix = Mesa de ayuda · Servicio de contraseñas de { $university }
hd-nav = Mesa de ayuda
hd-nav-find = Buscar una cuenta
hd-nav-staff = Personal
hd-nav-audit = Registro de auditoría
hd-signout = Cerrar la sesión de { $username }
hd-signin-title = Iniciar sesión
hd-signin-heading = Inicio de sesión de la mesa de ayuda
hd-username = Nombre de usuario del personal
hd-signin-hint = Después, el código de su aplicación de autenticación. Las sesiones terminan tras { $minutes } minutos de inactividad.
hd-factor-title = Código de autenticación
hd-factor-heading = Su código de autenticación
hd-forbidden = No corresponde a su función
hd-forbidden-intro = Solo un administrador de la mesa de ayuda puede hacer esto. El intento quedó en el registro de auditoría. Pídaselo a un administrador si hace falta.
hd-back = Volver a la mesa de ayuda
hd-search-label = Nombre de usuario, correo o número de teléfono
hd-search = Buscar
hd-found = { $count ->
    [one] 1 encontrada
   *[other] { $count } encontradas
}
hd-none-found = Ninguna cuenta coincide. Revise la ortografía o busque por otro dato.
hd-email = Correo
hd-phone = Teléfono móvil
hd-none-registered = Ninguno registrado
hd-app = Aplicación de autenticación
hd-registered = Registrada
hd-none = Ninguna
hd-online-reset = Restablecimiento en línea
hd-reset-open = Abierto
hd-reset-no-method = No es posible: no hay un teléfono ni una aplicación de autenticación registrados. Verifique a la persona de otra forma y luego registre un teléfono o envíe un enlace de restablecimiento.
hd-reset-locked = En pausa tras varios códigos incorrectos, hasta las { $until }
hd-directory-account = Cuenta del directorio del campus
hd-directory-open = Abierta
hd-directory-locked = Bloqueada tras demasiadas contraseñas incorrectas (a menudo un dispositivo con una anterior)
hd-directory-disabled = Bloqueada o desactivada por un administrador del directorio: no se puede desbloquear aquí
hd-directory = Directorio del campus
hd-pending-write = Hay una contraseña nueva en el directorio que todavía no está guardada aquí; Latchkey lo resuelve en unos minutos. La persona debe usar la contraseña nueva.
hd-pending-write-error = Hay una contraseña nueva en el directorio que todavía no está guardada aquí; Latchkey lo resuelve en unos minutos (último intento: { $error }). La persona debe usar la contraseña nueva.
hd-left = Salió del directorio
hd-left-at = El { $when } una sincronización del directorio ya no encontró a esta persona: no puede iniciar sesión ni restablecer aquí hasta que el directorio la vuelva a tener.
hd-status = Estado
hd-must-change = debe cambiar la contraseña en el próximo inicio de sesión ({ $reason })
hd-reason-helpdesk = lo pidió la mesa de ayuda
hd-reason-expired = venció en el directorio
hd-reason-breached = la contraseña con la que inició sesión aparece en filtraciones conocidas
hd-reason-policy = la contraseña con la que inició sesión no cumple las reglas actuales
hd-verify-heading = Verificar a la persona
hd-verified = Verificada en esta sesión.
hd-verify-first = No se puede cambiar nada hasta verificar a la persona.
hd-send-legend = Enviar un código a su teléfono
hd-send = Enviar un código
hd-code-read = El código que la persona le lee
hd-code-read-app = El código que la persona le lee (enviado, o de su aplicación de autenticación)
hd-code-read-app-only = El código que muestra ahora la aplicación de autenticación de la persona
hd-check-code = Comprobar el código
hd-record-label = O registre una comprobación que hizo de otra forma
hd-record-note = Lo que vio (queda en el registro de auditoría)
hd-record = Registrar la comprobación
hd-actions = Acciones
hd-actions-hint = Se habilitan cuando la persona esté verificada.
hd-new-phone = Teléfono móvil nuevo (10 dígitos de EE. UU., o +CódigoDePaís Número)
hd-set-phone = Registrar el teléfono
hd-remove-phone = Quitar el teléfono
hd-unlock-reset = Desbloquear el restablecimiento en línea
hd-unlock-directory = Desbloquear la cuenta del directorio (conserva la contraseña)
hd-link-legend = Enviar un enlace de restablecimiento de un solo uso ({ $minutes } minutos)
hd-link-to = A { $email }
hd-link-text = Por mensaje de texto al { $phone }
hd-send-link = Enviar el enlace
hd-require-change = Exigir una contraseña nueva en el próximo inicio de sesión
hd-notices = Avisos enviados
hd-none-yet = Ninguno todavía.
hd-when = Cuándo
hd-by = Por
hd-state = Estado
hd-mail = Correo
hd-call = Llamada
hd-text = Mensaje de texto
hd-delivered = Entregado
hd-not-delivered = { $tries ->
    [one] Todavía no entregado (1 intento; se vuelve a intentar a las { $next })
   *[other] Todavía no entregado ({ $tries } intentos; se vuelve a intentar a las { $next })
}
hd-never-delivered = { $tries ->
    [one] Nunca entregado (1 intento): { $why }. Avise a la persona de otra forma.
   *[other] Nunca entregado ({ $tries } intentos): { $why }. Avise a la persona de otra forma.
}
hd-no-reason = sin motivo indicado
hd-events = Eventos recientes
hd-who = Quién
hd-what = Qué
hd-from = Desde
hd-done-verified = La persona está verificada. Las acciones de abajo quedan habilitadas durante unos minutos.
hd-done-sent = Va un código en camino a la persona. Pídale que se lo lea.
hd-done-phone = El número de teléfono se actualizó a { $phone }, y se avisó a la persona por todos los medios.
hd-done-phone-removed = Se quitó el número de teléfono y se avisó a la persona.
hd-done-unlocked = El restablecimiento en línea está desbloqueado.
hd-done-directory-unlocked = La cuenta está desbloqueada en el directorio del campus, con la misma contraseña, y se avisó a la persona.
hd-done-link = Se envió un enlace de restablecimiento de un solo uso.
hd-done-must-change = La persona debe cambiar su contraseña en el próximo inicio de sesión.
hd-verify-first-error = Verifique primero a la persona: envíele un código o registre la comprobación que hizo.
hd-choose-channel = Elija mensaje de texto o llamada.
hd-no-phone = Esta cuenta no tiene un teléfono al que enviar un código.
hd-code-wrong = Ese código no es correcto. Pida a la persona que lo lea de nuevo o envíe uno nuevo.
hd-code-wrong-app = Ese código no es correcto. Pida a la persona que lea el código que muestra ahora su aplicación.
hd-choose-check = Elija de la lista la comprobación que hizo.
hd-write-note = Escriba una nota breve de lo que vio (de 5 a 500 caracteres) para el registro de auditoría.
hd-no-phone-to-remove = Esta cuenta no tiene un teléfono que quitar.
hd-choose-link = Elija el correo de la persona o un teléfono que tenga la cuenta.
hd-link-failed = No se pudo enviar el enlace en este momento. Inténtelo de nuevo o use el otro medio.
hd-signin-paused = { $minutes ->
    [one] Demasiados intentos fallidos. Espere 1 minuto o pida ayuda a un administrador.
   *[other] Demasiados intentos fallidos. Espere { $minutes } minutos o pida ayuda a un administrador.
}
hd-signin-wrong = Ese nombre de usuario y esa contraseña no coinciden.
hd-factor-wrong = Ese código no es correcto o ya se usó. Escriba el código que muestra ahora su aplicación.
hd-staff-title = Personal
hd-staff-hint-html = El personal nuevo se agrega con <code>latchkey staff add --username U --role agent|admin</code>, que muestra una vez su clave de autenticación. Los mismos cambios que aquí: <code>latchkey staff role|reset-password|reset-authenticator</code>.
hd-username-col = Nombre de usuario
hd-role = Función
hd-role-admin = administrador
hd-role-report = lector de informes
hd-role-agent = agente
hd-change = Cambiar
hd-disabled = desactivado
hd-active = activo
hd-enable = Activar a { $username }
hd-disable = Desactivar a { $username }
hd-make-agent = Hacer agente a { $username }
hd-make-report = Hacer lector de informes a { $username }
hd-make-admin = Hacer administrador a { $username }
hd-new-password-for = Contraseña nueva para { $username }
hd-new-key-for = Clave de autenticación nueva para { $username }
hd-hand-over-title = Entréguela
hd-hand-over = Entréguela a { $member }
hd-hand-password = La contraseña nueva de { $member }, que se muestra solo esta vez. Entréguesela en persona o por un medio que solo esa persona lea; sus sesiones terminaron.
hd-hand-key = La clave de autenticación nueva de { $member }, que se muestra solo esta vez. La agrega a su aplicación de autenticación; la clave anterior ya no sirve y sus sesiones terminaron.
hd-back-staff = Volver al personal
hd-audit-title = Registro de auditoría
hd-audit-account = Cuenta (nombre de usuario o correo)
hd-audit-actor = Quién lo hizo
hd-audit-action = El código empieza por
hd-audit-since = Desde (AAAA-MM-DD)
hd-audit-export = Exportar la cadena desde ese día (líneas JSON)
hd-audit-account-col = Cuenta

## La demostración

demo-phone-title = Teléfono de demostración
demo-phone-intro = En la demostración no se envía nada de verdad: cada mensaje de texto, llamada y correo llega aquí, el más reciente primero. Vuelva a cargar la página para ver los nuevos.
demo-phone-apps = Aplicaciones de autenticación
demo-phone-apps-intro = Los códigos que muestran ahora las aplicaciones de autenticación de la demostración (cambian cada 30 segundos): el de grace para restablecer, los del personal de la mesa de ayuda para iniciar sesión en /helpdesk.
demo-phone-messages = Mensajes
demo-phone-empty = Todavía no ha llegado nada.
demo-phone-reload = Volver a cargar
demo-text = Mensaje de texto al { $to }, { $when }
demo-call = Llamada al { $to }, { $when }
demo-mail = Correo a { $to }, { $when }
demo-message = Mensaje a { $to }, { $when }
demo-just-now = ahora mismo
demo-seconds-ago = hace { $count } segundos
demo-minutes-ago = hace { $count } minutos
demo-hours-ago = { $count ->
    [one] hace 1 hora
   *[other] hace { $count } horas
}
code-app-lost-html = ¿Perdió el teléfono con su aplicación o borró la aplicación? Llame a la mesa de ayuda al <a href="tel:{ $tel }">{ $phone }</a>: comprueban quién es usted y le ayudan a entrar.
code-app-other-way = ¿No puede usar su aplicación? Elija otra forma
done-signin = Inicie sesión con su contraseña nueva
method-offer-text = Enviar un código por mensaje de texto al { $phone }
method-offer-call = Llamar al { $phone } y leer el código
method-offer-app = Usar el código de mi aplicación de autenticación
captcha-note-pow-html = ¿No puede ver la imagen? La comprobación de su navegador no se completó esta vez; vuelva a empezar para que lo intente otra vez (el último botón de abajo), o llame a la mesa de ayuda al <a href="tel:{ $tel }">{ $phone }</a>.
code-text-sent = Enviamos un código por mensaje de texto al { $phone } a las { $at }. Es válido durante { $minutes ->
    [one] 1 minuto
   *[other] { $minutes } minutos
}.
code-call-sent = Llamamos al { $phone } a las { $at }; el mensaje automático le lee su código. Es válido durante { $minutes ->
    [one] 1 minuto
   *[other] { $minutes } minutos
}.
restricted-suggest = Los mensajes de texto y las llamadas se pueden interceptar, o alguien que engañe a su operador puede pasarlos a otra tarjeta SIM. Una aplicación de autenticación demuestra que es usted sin la red telefónica.
restricted-suggest-signin = Inicie sesión para agregar una.

## Códigos de recuperación

recovery-title = Códigos de recuperación
recovery-intro = Un código de recuperación demuestra que es usted cuando no tiene a mano su teléfono ni su aplicación: cada uno sirve una vez, en lugar de un código del teléfono o de la aplicación. Guárdelos en un lugar seguro, lejos de este dispositivo: impresos o en un administrador de contraseñas.
recovery-left = { $count ->
    [0] No tiene códigos de recuperación.
    [one] Le queda 1 código de recuperación.
   *[other] Le quedan { $count } códigos de recuperación.
}
recovery-make = Crear mis códigos de recuperación
recovery-new-set = Crear un juego nuevo
recovery-voids = Un juego nuevo reemplaza los códigos que tiene: esos dejan de funcionar.
recovery-shown-once = Sus códigos de recuperación nuevos, que se muestran solo esta vez. Imprímalos o guárdelos ahora en un administrador de contraseñas; cada uno sirve una vez.
recovery-use = O use un código de recuperación
recovery-code-label = Código de recuperación
recovery-wrong = Ese no es uno de sus códigos de recuperación sin usar.
account-recovery = Códigos de recuperación
notice-recovery-made = Se creó un juego nuevo de códigos de recuperación para su cuenta de { $university }; los que tenía antes ya no funcionan
notice-recovery-used = Se usó un código de recuperación para iniciar sesión en su cuenta de { $university }; { $left ->
    [one] queda 1
   *[other] quedan { $left }
}
code-way-paused = Se escribieron demasiados códigos incorrectos para esta forma. Elija otra forma o llame a la mesa de ayuda al { $helpdesk }.
notice-recovery-used-reset = Se usó un código de recuperación para restablecer su contraseña de { $university }; { $left ->
    [one] queda 1
   *[other] quedan { $left }
}
hd-recovery-left = { $count ->
    [0] ninguno
    [one] queda 1
   *[other] quedan { $count }
}

## How many proofs a reset asks for
proof-second-campus = Su primera prueba está hecha. La universidad pide una segunda, por otra vía, antes de restablecer una contraseña en línea.
proof-second-staff = Su primera prueba está hecha. Su cuenta pertenece a un miembro de la mesa de ayuda, que puede abrir las cuentas de otras personas, así que se necesita una segunda prueba por otra vía.
proof-second-stronger = Su primera prueba está hecha. Su cuenta también tiene una aplicación de autenticación o una llave de acceso, así que un código a su teléfono no basta para tomarla: dé una segunda prueba por otra vía, o use su llave de acceso.
proof-same-way = Esa vía ya demostró que es usted; elija otra.

## "This wasn't me"
notice-not-you-link = Si no fue usted, abra { $link } para detener los restablecimientos en línea de su cuenta, o llame a la mesa de ayuda al { $helpdesk }.
report-title = ¿No fue usted?
report-intro = Si usted no hizo el cambio del que le avisamos, lo detendremos: los restablecimientos de contraseña en línea de la cuenta de { $username } se detienen hasta que la mesa de ayuda lo verifique con usted, y se cierran todas las sesiones abiertas en ella.
report-confirm = No fui yo: detener los restablecimientos
report-done-title = Detuvimos los restablecimientos en línea
report-done = Se detuvieron los restablecimientos de contraseña en línea de su cuenta y se cerraron todas sus sesiones. Avisamos a la mesa de ayuda; llámela para revisar su cuenta y volver a habilitarlos.
report-spent-title = Este enlace ya no funciona
report-spent = Este enlace ya se usó, tiene más de { $days } días o no lo enviamos nosotros. Si un cambio en su cuenta no fue suyo, llame a la mesa de ayuda.
report-helpdesk-subject = { $username } dice que un cambio en su cuenta no fue suyo
report-helpdesk-body = { $name } ({ $username }) abrió el enlace "no fui yo" de uno de nuestros avisos el { $when }, desde { $address }. El restablecimiento en línea de la cuenta está retenido y sus sesiones cerradas hasta que la mesa de ayuda la desbloquee: devuelva la llamada a un número que ya tenga de la persona, revise los eventos recientes de la cuenta y desbloquéela desde la consola.
hd-reported = Informó "no fui yo" el { $when }: restablecimiento en línea retenido hasta que usted lo desbloquee.

## Temporary access pass
hd-pass-hint = Para quien perdió todas sus vías: un pase, que se le lee, con el que inicia sesión una vez en { $minutes } minutos para registrar un teléfono o una aplicación nuevos.
hd-pass-issue = Emitir un pase de acceso temporal
hd-pass-title = Pase de acceso temporal
hd-pass-heading = Pase de acceso temporal para { $username }
hd-pass-read = Léaselo ahora a la persona: solo se muestra esta vez. Funciona una vez, hasta { $until }, en “Iniciar sesión” → “¿Tiene un pase de acceso temporal?”.
hd-pass-back = Volver a { $username }
notice-access-pass-issued = La mesa de ayuda emitió un pase de acceso temporal para su cuenta de { $university }
notice-access-pass-used = Se usó un pase de acceso temporal de la mesa de ayuda para iniciar sesión en su cuenta de { $university }
signin-pass-link = ¿Tiene un pase de acceso temporal de la mesa de ayuda?
pass-title = Iniciar sesión con un pase de acceso temporal
pass-intro = La mesa de ayuda le lee un pase cuando perdió su teléfono y su aplicación. Le permite iniciar sesión una vez para registrar un teléfono o una aplicación de autenticación nuevos; luego restablezca su contraseña con ellos si lo necesita.
pass-label = Pase de acceso temporal
access-pass-wrong = Ese usuario y ese pase no corresponden a un pase vigente. Un pase funciona una vez y por poco tiempo: pida uno nuevo a la mesa de ayuda.

## Are these ways still yours?
reconfirm-title = ¿Siguen siendo suyos?
reconfirm-intro = Cada pocos meses comprobamos que las vías con las que restablece su contraseña todavía le llegan: un número de teléfono que dejó de usar permitiría restablecer su contraseña a quien lo tenga ahora.
reconfirm-yes = Sí, siguen siendo míos
reconfirm-not-mine = Si alguno ya no es suyo, cámbielo o configure otro antes de seguir; la mesa de ayuda puede ayudarle.
saved-confirmed = Gracias: volveremos a preguntarle en unos meses.
recovery-download = Descargarlos como archivo de texto
recovery-print = Imprimirlos
recovery-file-heading = { $university }: códigos de recuperación de { $username }, creados a las { $when }. Cada uno funciona una vez, en lugar de un código de su teléfono o aplicación.

## Passkeys
passkey-title = Llaves de acceso
passkey-intro = Una llave de acceso le permite iniciar sesión con el bloqueo de pantalla de este dispositivo o con una llave de seguridad, y demuestra que es usted al restablecer su contraseña. No se puede suplantar: solo funciona en este sitio.
passkey-none = Todavía no tiene una llave de acceso.
passkey-added-on = agregada { $when }
passkey-remove = Quitar { $name }
passkey-name = Póngale un nombre para distinguirla después
passkey-name-default = Mi llave de acceso
passkey-add = Agregar una llave de acceso
passkey-needs-script = Para agregar una llave de acceso hay que activar JavaScript.
passkey-not-here = Las llaves de acceso no funcionan en esta dirección.
passkey-use = Usar una llave de acceso
passkey-failed = La llave de acceso no demostró que es usted. Inténtelo de nuevo o elija otra vía.
passkey-name-needed = Póngale a la llave un nombre de hasta 60 caracteres.
passkey-unknown = No tiene esa llave de acceso.
account-passkeys = Llaves de acceso
account-passkeys-count = { $count ->
    [0] Ninguna
    [one] 1 llave de acceso
   *[other] { $count } llaves de acceso
}
account-manage-passkeys = Administrar las llaves de acceso
saved-passkey = Su llave de acceso está guardada.
saved-passkey-removed = Se quitó la llave de acceso.
notice-passkey-added = Se agregó una llave de acceso llamada "{ $name }" a su cuenta de { $university }
notice-passkey-removed = Se quitó la llave de acceso llamada "{ $name }" de su cuenta de { $university }

## Another email address
email-title = Otra dirección de correo
email-intro = Una dirección propia fuera de la universidad (un buzón personal) puede recibir códigos de restablecimiento cuando no tiene el teléfono a mano, y recibe aviso de cada cambio en su cuenta. No sirve para iniciar sesión.
email-current = Su otra dirección: { $email }
email-remove = Quitarla
email-label = Dirección de correo (no de la universidad)
email-send = Enviarle un código
email-sent = Enviamos un código por correo a { $email }. Es válido durante { $minutes } minutos; la dirección cuenta cuando escriba el código aquí.
email-unusable = Esa no es una dirección de correo a la que podamos escribir. Revísela y vuelva a intentarlo.
email-campus = Use una dirección fuera de la universidad: una contraseña perdida también bloquea ese buzón.
email-code-spent = Ese código ya no se puede usar. Envíe uno nuevo.
email-none = No tiene otra dirección que quitar.
account-other-email = Otro correo
account-add-email = Agregar uno
saved-email = Su otra dirección está guardada.
saved-email-removed = Se quitó su otra dirección.
method-offer-mail = Enviar un código por correo a { $email }
code-mailed = Enviamos un código por correo a { $email }. Es válido durante { $minutes } minutos.
message-code-subject = Su código de { $university }
notice-email-added = Se agregó la dirección { $email } a las formas de restablecer su contraseña de { $university }
notice-email-removed = Se quitó la dirección { $email } de las formas de restablecer su contraseña de { $university }
passkey-signin-heading = O inicie sesión con una llave de acceso
passkey-signin = Iniciar sesión con una llave de acceso
passkey-signin-failed = Esa llave de acceso no le permitió iniciar sesión. Revise el nombre de usuario o inicie sesión con su contraseña.
passkey-signin-identifier = Nombre de usuario o correo universitario, para la llave de acceso
hd-codes-by-others = Códigos pedidos por otros
hd-codes-by-others-told = { $count ->
        [one] Se envió { $count } código
       *[other] Se enviaron { $count } códigos
    } en los últimos { $minutes } minutos para restablecimientos iniciados desde navegadores que nunca iniciaron sesión como esta persona; se pidieron desde { $sources ->
        [one] una dirección
       *[other] { $sources } direcciones
    }: { $list }. Puede que otra persona esté probando sus códigos; sus propios navegadores y su aplicación siguen recibiéndolos.

## La vigilancia tras un cambio: un dispositivo que aún usa la contraseña anterior

watch-warning-subject = Un dispositivo sigue usando su contraseña anterior de { $university }
watch-warning = Desde que se cambió su contraseña de { $university } el { $changed }, el directorio del campus ha visto { $count ->
        [one] { $count } inicio de sesión
       *[other] { $count } inicios de sesión
    } con una contraseña incorrecta. Lo más probable es que un dispositivo siga usando su contraseña anterior, y bloqueará su cuenta si sigue intentándolo.
watch-warning-text = { $university }: un dispositivo sigue usando su contraseña anterior. En una laptop, conéctese a la VPN y luego bloquéela y desbloquéela con la nueva contraseña; en la app de correo de un teléfono o en la configuración Wi-Fi, escriba la nueva.
watch-locked-subject = Una contraseña anterior bloqueó su cuenta de { $university }: desbloquéela aquí
watch-locked = Su cuenta de { $university } se bloqueó el { $locked } tras contraseñas incorrectas, muy probablemente desde un dispositivo que aún usa la contraseña que tenía antes del { $changed }. Desbloquéela ahora y conserve su nueva contraseña: { $link } (funciona una vez, durante { $hours } horas).
watch-locked-text = { $university }: un dispositivo con su contraseña anterior bloqueó su cuenta. Desbloquéela y conserve la nueva: { $link }
watch-devices = Visto desde: { $devices }.
watch-what-to-do = Qué hacer: en una laptop, conéctese a la red del campus o a la VPN y luego bloquee la pantalla y desbloquéela con la nueva contraseña; en un teléfono, escriba la nueva contraseña en su app de correo y en la configuración Wi-Fi (olvide la red del campus y vuelva a conectarse). Si usted no cambió su contraseña, llame a la mesa de ayuda.
notice-unlocked-link = Usted desbloqueó su cuenta de { $university } en el directorio del campus con el enlace que le enviamos después de que una contraseña anterior la bloqueara, y conservó la nueva contraseña,
unlock-title = Desbloquee su cuenta
unlock-intro = Un dispositivo que aún usa la contraseña anterior bloqueó la cuenta de { $username }. Al desbloquearla se conserva la nueva contraseña; luego escriba la nueva contraseña en ese dispositivo, o volverá a bloquear la cuenta.
unlock-confirm = Desbloquear mi cuenta
unlock-done-title = Su cuenta está desbloqueada
unlock-done = Su cuenta está desbloqueada en el directorio del campus, con su nueva contraseña. Actualice ahora el dispositivo que aún tiene la anterior: en una laptop, conéctese a la VPN y luego bloquéela y desbloquéela con la nueva contraseña; en un teléfono, su app de correo y la configuración Wi-Fi.
unlock-spent-title = Este enlace ya no funciona
unlock-spent = Este enlace ya se usó, tiene más de { $hours } horas, lo reemplazó un cambio más reciente o no lo enviamos nosotros. Aún puede desbloquear su cuenta desde la página de restablecimiento, o llamar a la mesa de ayuda.
unlock-failed-title = La cuenta sigue bloqueada
hd-watch = Desde el último cambio
hd-watch-changed = cambiada { $when }
hd-watch-failures = { $count ->
        [one] { $count } contraseña incorrecta
       *[other] { $count } contraseñas incorrectas
    } (la última { $last })
hd-watch-from = desde { $devices }
hd-watch-warned = avisada de un dispositivo con la contraseña anterior { $when }
hd-watch-locked = bloqueada { $when }
hd-watch-link-sent = enlace de desbloqueo enviado { $when }
hd-watch-unlocked = { $by ->
        [link] desbloqueada por la persona con el enlace { $when }
        [owner] desbloqueada por la persona { $when }
       *[helpdesk] desbloqueada por la mesa de ayuda { $when }
    }
hd-watch-quiet = nada visto aún (vigilada hasta { $until })
hd-watch-over = nada visto
# El registro de auditoría en palabras (ver en.ftl).
audit-by = { $channel ->
        [sms] por mensaje de texto
        [voice] por llamada
        [email] por correo
       *[other] {""}
    }
audit-reset-started = Empezó un restablecimiento
audit-reset-captcha-failed = Escribió mal el CAPTCHA
audit-reset-captcha-renewed = Pidió otro CAPTCHA
audit-reset-captcha-passed = Pasó el CAPTCHA
audit-reset-pow-passed = Pasó la prueba de trabajo del navegador en lugar del CAPTCHA
audit-reset-pow-refused = Se rechazó una prueba de trabajo ({ $detail })
audit-reset-no-method = Enviado a la mesa de ayuda: no hay forma de restablecer en línea
audit-reset-method-totp = Eligió la app de autenticación para restablecer
audit-reset-code-void = Escribió un código vencido o ya usado
audit-reset-code-wrong = Escribió un código de restablecimiento incorrecto
audit-reset-totp-replayed = Escribió un código de la app ya usado
audit-reset-locked = Restablecimiento en línea bloqueado tras demasiados códigos incorrectos
audit-reset-method-paused = Se pausó una forma de restablecer tras códigos incorrectos ({ $detail })
audit-reset-code-verified = Demostró quién es con un código de restablecimiento
audit-reset-proof-accepted = Se aceptó una prueba ({ $detail }); se pidió otra
audit-reset-password-refused = Se rechazó una contraseña nueva ({ $detail })
audit-reset-completed = Restableció la contraseña
audit-reset-directory-unlocked = Desbloqueó la cuenta del directorio del campus al restablecer
audit-reset-link-used = Abrió un enlace de restablecimiento de la mesa de ayuda
audit-reset-link-refused = Abrió un enlace de restablecimiento que ya no funciona
audit-reset-code-sent = Se envió un código de restablecimiento { audit-by }
audit-signin-code-sent = Se envió un código de inicio de sesión { audit-by }
audit-registration-code-sent = Se envió un código para confirmar un teléfono nuevo { audit-by }
audit-caller-code-sent = Se envió un código para verificar a quien llama { audit-by }
audit-reset-send-throttled = No se envió un código de restablecimiento: se pidieron demasiados
audit-signin-send-throttled = No se envió un código de inicio de sesión: se pidieron demasiados
audit-registration-send-throttled = No se envió un código de confirmación: se pidieron demasiados
audit-caller-send-throttled = No se envió el código de quien llama: se pidieron demasiados
audit-reset-send-withheld = No se envió un código de restablecimiento { audit-by }: país no permitido o presupuesto agotado
audit-signin-send-withheld = No se envió un código de inicio de sesión { audit-by }: país no permitido o presupuesto agotado
audit-registration-send-withheld = No se envió un código de confirmación { audit-by }: país no permitido o presupuesto agotado
audit-caller-send-withheld = No se envió el código de quien llama { audit-by }: país no permitido o presupuesto agotado
audit-signin-failed = Inició sesión con una contraseña incorrecta
audit-signin-directory-locked = Intentó iniciar sesión con la cuenta bloqueada en el directorio del campus
audit-signin-directory-unreachable = No pudo iniciar sesión: el directorio del campus no respondió
audit-signin-password-expired = Inició sesión con una contraseña vencida: debe cambiarla
audit-signin-password-breached = Inició sesión con una contraseña filtrada: debe cambiarla
audit-signin-password-below-policy = Inició sesión con una contraseña que no cumple las reglas de hoy ({ $detail }): debe cambiarla
audit-signin-paused = Inicio de sesión en pausa tras contraseñas incorrectas
audit-signin-withheld = No se probó en el directorio, para que no bloquee la cuenta
audit-signin-password-ok = Escribió la contraseña correcta
audit-signin-succeeded = Inició sesión
audit-signin-factor-proven = Completó el segundo paso del inicio de sesión
audit-signin-code-wrong = Escribió un código de inicio de sesión incorrecto
audit-signin-codes-paused = Códigos de inicio de sesión en pausa tras códigos incorrectos
audit-signin-totp-replayed = Escribió un código de la app ya usado
audit-signin-signed-out = Cerró sesión
audit-signin-by-passkey = Inició sesión con una llave de acceso
audit-signin-access-pass-used = Inició sesión con un pase de acceso temporal
audit-signin-access-pass-wrong = Escribió un pase de acceso temporal incorrecto o usado
audit-account-phone-code-sent = Se envió un código para confirmar un teléfono { audit-by }
audit-account-phone-code-wrong = Escribió un código incorrecto para un teléfono nuevo
audit-account-phone-added = Agregó un teléfono
audit-account-phone-replaced = Reemplazó el teléfono
audit-account-phone-removed = Quitó el teléfono
audit-account-authenticator-code-wrong = Escribió un código incorrecto para una app de autenticación nueva
audit-account-authenticator-added = Agregó una app de autenticación
audit-account-authenticator-replaced = Reemplazó la app de autenticación
audit-account-authenticator-removed = Quitó la app de autenticación
audit-account-recovery-codes-made = Creó códigos de recuperación nuevos
audit-account-passkey-added = Agregó una llave de acceso
audit-account-passkey-removed = Quitó una llave de acceso
audit-account-email-code-sent = Se envió un código para confirmar otro correo
audit-account-email-code-wrong = Escribió un código incorrecto para otro correo
audit-account-email-added = Agregó otro correo
audit-account-email-removed = Quitó el otro correo
audit-passkey-used = Demostró quién es con una llave de acceso
audit-passkey-refused = Se rechazó la respuesta de una llave de acceso
audit-account-recovery-code-used = Usó un código de recuperación
audit-account-recovery-code-wrong = Escribió un código de recuperación incorrecto
audit-account-language-chosen = Eligió un idioma
audit-account-methods-confirmed = Confirmó que sus formas de restablecer siguen siendo suyas
audit-account-reported-not-me = Informó un cambio como "no fui yo": restablecimiento en línea retenido
audit-account-report-link-refused = Abrió un enlace "no fui yo" que ya no funciona
audit-account-current-password-wrong = Escribió mal la contraseña actual
audit-account-password-refused = Se rechazó una contraseña nueva ({ $detail })
audit-account-password-updated = Cambió la contraseña
audit-helpdesk-signin-failed = Inicio de sesión del personal con contraseña incorrecta
audit-helpdesk-password-ok = El personal escribió la contraseña correcta
audit-helpdesk-factor-failed = El personal escribió un código de autenticación incorrecto
audit-helpdesk-signed-in = Entró a la consola de la mesa de ayuda
audit-helpdesk-signed-out = Salió de la consola de la mesa de ayuda
audit-helpdesk-refused-not-admin = Rechazado: solo los administradores pueden hacerlo ({ $detail })
audit-helpdesk-refused-unverified = Rechazado: no se verificó antes a quien llama
audit-helpdesk-code-sent = Se envió un código para verificar a quien llama { audit-by }
audit-helpdesk-caller-code-wrong = Quien llama leyó un código incorrecto
audit-helpdesk-locked = Restablecimiento en línea bloqueado tras los códigos incorrectos de quien llama
audit-helpdesk-caller-verified = { $detail ->
        [app_code] Verificó a quien llama con un código de su app
        [manual] Verificó a quien llama de otra forma, anotada por el agente
       *[other] Verificó a quien llama con un código que se le envió
    }
audit-helpdesk-phone-set = Actualizó el teléfono de quien llama
audit-helpdesk-phone-removed = Quitó el teléfono de quien llama
audit-helpdesk-unlocked = Desbloqueó el restablecimiento en línea
audit-helpdesk-directory-unlocked = Desbloqueó la cuenta del directorio del campus
audit-helpdesk-must-change-password = Exigió un cambio de contraseña en el próximo inicio de sesión
audit-helpdesk-reset-link-sent = Envió un enlace de restablecimiento { audit-by }
audit-helpdesk-access-pass-issued = Emitió un pase de acceso temporal
audit-helpdesk-audit-viewed = Leyó el registro de auditoría
audit-helpdesk-audit-exported = Exportó el registro de auditoría
audit-helpdesk-reports-viewed = Leyó un informe ({ $detail })
audit-staff-added = Agregó a un miembro del personal ({ $detail })
audit-staff-role = Cambió el rol de un miembro del personal ({ $detail })
audit-staff-password-reset = Dio una contraseña temporal a un miembro del personal ({ $detail })
audit-staff-authenticator-reset = Dio un autenticador nuevo a un miembro del personal ({ $detail })
audit-staff-disabled = Desactivó a un miembro del personal (número { $detail })
audit-staff-enabled = Reactivó a un miembro del personal (número { $detail })
audit-staff-own-password-changed = Cambió su propia contraseña del personal
audit-staff-own-password-refused = Se rechazó una contraseña nueva del personal ({ $detail })
audit-account-created = Cuenta creada
audit-account-synced = Cuenta actualizada desde el directorio del campus
audit-account-arrived = Cuenta traída del directorio del campus en su primer uso ({ $detail })
audit-account-left-directory = Ya no está en el directorio del campus: sin inicio de sesión ni restablecimiento
audit-account-returned-to-directory = De vuelta en el directorio del campus
audit-password-changed = Contraseña cambiada
audit-password-directory-unlocked = Una contraseña nueva también desbloqueó la cuenta del directorio
audit-password-adopted = Adoptó una contraseña cambiada en otro lugar
audit-reminder-sent = Envió un recordatorio ({ $detail })
audit-watch-warned = Avisó a la persona de que un dispositivo aún usa la contraseña anterior
audit-watch-lock-caught = Vio un bloqueo tras el cambio y envió el enlace de desbloqueo
audit-watch-unlocked-by-link = La persona desbloqueó la cuenta con el enlace
audit-watch-link-refused = Se abrió un enlace de desbloqueo que ya no funciona
audit-directory-settled = Se resolvió una escritura pendiente en el directorio ({ $detail })
audit-notice-failed = No se pudo enviar un aviso { audit-by }
hd-audit-anyone = Cualquiera
hd-audit-outcome = Resultado
hd-audit-outcome-any = Cualquiera
hd-audit-outcome-done = Hecho
hd-audit-outcome-failed = Fallido
hd-audit-code = Código
hd-nav-reports = Informes
hd-nav-password = Mi contraseña
rp-title = Informes
rp-since = Primer día
rp-until = Último día
rp-show = Mostrar
rp-contents = Informes en esta página
rp-chart-caption = La tabla bajo el gráfico da las mismas cifras.
rp-nothing = Nada que informar en este periodo.
rp-csv = Descargar "{ $report }" en CSV
rp-registration = Registro
rp-registration-about = Cuentas del directorio con cada forma de demostrar quién es. "Alguna forma" es un teléfono, una app o una llave de acceso: una forma de restablecer en línea.
rp-unregistered = Cuentas sin forma de restablecer
rp-unregistered-about = Cuentas sin teléfono, app ni llave de acceso, por el departamento que da el directorio: solo pueden restablecer con la mesa de ayuda.
rp-activity = Restablecimientos y cambios de contraseña
rp-activity-about = Cada día según el reloj del campus: restablecimientos empezados y terminados (por la forma que demostró a la persona), y cambios de quienes sabían su contraseña.
rp-failures = Fallos y bloqueos
rp-failures-about = Cada día: contraseñas incorrectas, códigos incorrectos, CAPTCHA mal escritos, restablecimientos bloqueados y cuentas bloqueadas en el directorio.
rp-helpdesk = Acciones de la mesa de ayuda
rp-helpdesk-about = Lo que hizo cada miembro del personal en el periodo.
rp-off-campus = De dónde vinieron los cambios
rp-off-campus-about = Restablecimientos y cambios terminados desde la red del campus, la VPN o fuera. Una laptop solo toma una contraseña nueva en la red del campus o la VPN.
rp-writeback = Escrituras en el directorio
rp-writeback-about = Cambios de contraseña que el directorio del campus tomó y este servicio aún no guarda, ahora; y cómo se resolvieron los que esperaron en el periodo.
rp-messages = Códigos enviados y escritos
rp-messages-about = Cada día: códigos enviados por texto y por llamada, y códigos escritos de vuelta. Muchos enviados y pocos escritos es la señal de alguien que gasta textos y llamadas (SMS pumping).
rp-row-way = Forma
rp-row-department = Departamento
rp-row-day = Día
rp-row-member = Miembro del personal
rp-row-place = Desde
rp-row-state = Escrituras
rp-col-accounts = Cuentas
rp-col-percent = Proporción (%)
rp-col-resets-started = Restablecimientos empezados
rp-col-resets-done = Restablecimientos terminados
rp-col-by-text = por texto
rp-col-by-call = por llamada
rp-col-by-app = por app
rp-col-by-passkey = por llave de acceso
rp-col-by-other = otras formas
rp-col-resets-refused = Contraseñas nuevas rechazadas
rp-col-updates-done = Cambios
rp-col-updates-refused = Cambios rechazados
rp-col-wrong-passwords = Contraseñas incorrectas
rp-col-wrong-codes = Códigos incorrectos
rp-col-captcha-failed = CAPTCHA incorrectos
rp-col-reset-locks = Restablecimientos bloqueados
rp-col-directory-locks = Bloqueos del directorio
rp-col-callers-verified = Llamadas verificadas
rp-col-phones-updated = Teléfonos actualizados
rp-col-unlocks = Desbloqueos
rp-col-links-and-passes = Enlaces y pases
rp-col-refused = Rechazadas
rp-col-all = Todas las acciones
rp-col-changes = Cambios
rp-col-writes = Escrituras
rp-col-sent-text = Enviados por texto
rp-col-sent-call = Enviados por llamada
rp-col-typed-back = Escritos de vuelta
rp-col-percent-back = Escritos de vuelta (%)
rp-way-any = Alguna forma
rp-way-phone = Teléfono
rp-way-app = App de autenticación
rp-way-passkey = Llave de acceso
rp-way-recovery = Códigos de recuperación
rp-way-other-email = Otro correo
rp-way-none = Sin forma de restablecer
rp-no-department = No indicado
rp-place-campus = Red del campus
rp-place-vpn = VPN
rp-place-outside = Fuera
rp-place-unknown = Desconocido
rp-write-pending = Esperando ahora
rp-write-stored = Guardadas tras esperar
rp-write-dropped = Descartadas
hd-own-title = Cambiar mi contraseña
hd-own-owed = Entró con una contraseña temporal que le dio un administrador. Elija la suya antes de seguir.
hd-own-done = Su contraseña está cambiada. Sus otras sesiones de la consola terminaron.
hd-own-current = Contraseña actual
hd-own-new = Contraseña nueva
hd-own-confirm = Contraseña nueva otra vez
hd-own-rules = Se aplican las mismas reglas que para todos, y no puede ser una de sus últimas contraseñas.
hd-own-submit = Cambiar mi contraseña
hd-own-current-wrong = Esa no es su contraseña actual. No se cambió nada.
hd-own-refused = Esta contraseña no se puede usar. No se cambió nada:
rp-range-not-a-day = "{ $text }" no es un día: escríbalo como AAAA-MM-DD.
rp-range-backwards = El periodo termina ({ $until }) antes de empezar ({ $since }).
rp-range-too-long = El periodo tiene { $days } días; un informe cubre como máximo { $most }.
