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
demo-banner-html = Demostración: son cuentas de prueba; los mensajes de texto, las llamadas y los correos llegan al <a href="/demo/phone">teléfono de demostración</a>.
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
