# Latchkey's words in English. Every id here is in every language's file,
# with the same arguments (a test checks). Messages ending in -html hold
# markup: their arguments are escaped, their words are ours.

## The campus's clock

clock-am = { $hour }:{ $minute } a.m.
clock-pm = { $hour }:{ $minute } p.m.
clock-other-day = { $time } on { $weekday }, { $month } { $day }
weekday-1 = Monday
weekday-2 = Tuesday
weekday-3 = Wednesday
weekday-4 = Thursday
weekday-5 = Friday
weekday-6 = Saturday
weekday-7 = Sunday
month-1 = January
month-2 = February
month-3 = March
month-4 = April
month-5 = May
month-6 = June
month-7 = July
month-8 = August
month-9 = September
month-10 = October
month-11 = November
month-12 = December

## Every page

error-prefix = Error:
lang-code = en
skip-to-content = Skip to the content
demo-banner-html = Demo: reset or sign in as <strong>ada</strong> (phone), <strong>grace</strong> (authenticator app) or <strong>alan</strong> (nothing registered), password <code>{ $password }</code>; try the <a href="/helpdesk">help desk</a> as <strong>demo-agent</strong> or <strong>demo-admin</strong>, password <code>{ $staff }</code>. Texts, calls, mails and app codes land on the <a href="/demo/phone">demo phone</a>.
brand = { $university } password service
nav-services = Services
nav-reset = Reset a forgotten password
nav-signin = Sign in
language-switch = Language
footer-helpdesk-html = Need a person? Help desk: <a href="tel:{ $tel }">{ $phone }</a> · <a href="mailto:{ $email }">{ $email }</a> · <a href="{ $chat }">chat</a>
helpdesk-call-html = Call <a href="tel:{ $tel }">{ $phone }</a>
helpdesk-email-html = Email <a href="mailto:{ $email }">{ $email }</a>
helpdesk-chat-html = <a href="{ $chat }">Chat with the help desk</a>
start-new-reset = Start a new reset
start-again = Start again
continue = Continue
verify = Verify
code-label = Code
code-demo-hint-html = Demo: texts and calls arrive on the <a href="/demo/phone" target="_blank" rel="noopener">demo phone</a> (opens in a new tab).

## Reset: who you are

identify-title = Reset your password
identify-intro = Forgot your password, or locked out? Start here. You will need the phone or authenticator app you registered. If your account is locked, you can unlock it at the end and keep your password.
identify-label = Your university email or username
identify-empty = Type your university email address or username.
pow-checking = One moment: your browser is checking that you are a person…
pow-failed = Your browser's automatic check did not go through. Type the characters below instead.

## Reset: the CAPTCHA

captcha-title = Prove you are a person
captcha-heading = Type the characters you see
captcha-intro = This keeps automated guessing out. Upper or lower case, both are fine.
captcha-alt = Distorted characters to type. If you cannot see them, see the note below.
captcha-note-html = Cannot see the image? With JavaScript on, your browser does this check for you while you type your username, and this step is skipped: start again with JavaScript turned on (the last button below), or call the help desk at <a href="tel:{ $tel }">{ $phone }</a>.
captcha-label = Characters
captcha-hint = Five letters or digits.
captcha-new = Can't read it? Show new characters
captcha-wrong = Those characters did not match. Here is a new set; try again.
captcha-pow-needed = Those characters were right, but many people are resetting passwords just now, so this browser must also finish a short automatic check, which needs JavaScript. Here is a new set: type it again and wait for the check. Without JavaScript, try again in ten minutes or call the help desk at { $helpdesk }.
captcha-pow-noscript = Many people are resetting passwords just now, so the characters alone are not enough: this browser must also finish a short automatic check, which needs JavaScript. Turn JavaScript on, try again in ten minutes, or call the help desk at { $helpdesk }.

## Reset: the code

method-title = Get a code
method-heading = How should we send your code?
method-legend = Choose one of your registered methods
method-send = Send the code
method-choose = Choose one of the ways listed.
code-title = Enter your code
code-new = Get a new code
code-other-way = No code? Choose another way or send a new one
code-wrong = { $left ->
    [one] That code is not right. You can try 1 more time.
   *[other] That code is not right. You can try { $left } more times.
}
code-wrong-last = That code is not right, and it cannot be tried again. Send a new one.
code-spent = That code can no longer be used: it expired or was tried too many times. Send a new one.
code-app-used = That code was used already. Wait for your app to show the next one, then type it.
code-from-app = Open your authenticator app and type the 6-digit code it shows now (it changes every 30 seconds).
code-texted = We texted a code to { $phone }. It is valid for { $minutes ->
    [one] 1 minute
   *[other] { $minutes } minutes
}.
code-calling = We are calling { $phone }; the automated message reads your code. It is valid for { $minutes ->
    [one] 1 minute
   *[other] { $minutes } minutes
}.
code-text-waiting = We could not hand the text to { $phone } to our provider yet, so your code may not come. We keep trying while it is valid ({ $minutes } minutes). If it does not come, choose another way below, or call the help desk at { $helpdesk }.
code-call-waiting = We could not hand the call to { $phone } to our provider yet, so your code may not come. We keep trying while it is valid ({ $minutes } minutes). If it does not come, choose another way below, or call the help desk at { $helpdesk }.
code-text-failed = The text to { $phone } could not be sent. Choose another way below, or call the help desk at { $helpdesk }.
code-call-failed = The call to { $phone } could not be sent. Choose another way below, or call the help desk at { $helpdesk }.
code-paused-here = Too many wrong codes were typed from this network. Try again in { $minutes } minutes, or from another network, or call the help desk at { $helpdesk }.
code-throttled = We have sent several codes to this phone in the last hour. Use one of those, wait an hour, or call the help desk.
code-not-sent = We could not send the code just now. Try again in a few minutes, or choose another way.
directory-down = The campus directory cannot be reached right now, so a new password could not be saved there. No code was sent. Try again in a few minutes.

## Reset: the new password

password-title = Choose a new password
passwords-differ = The two passwords are not the same. Type them again.
locked-heading = Your account is locked
locked-intro = The campus directory locked your account after too many wrong passwords. If you still know your password, you do not need a new one: unlock the account and keep it.
locked-devices = This often happens when a laptop, phone or tablet keeps trying an old password: saved Wi-Fi (eduroam), mail, or a laptop that has not picked up your newest password. After unlocking, update the password saved on each device, and bring a university laptop onto the campus network or the VPN and sign in to it once with your current password, or it will lock the account again.
locked-unlock = Unlock my account and keep my password
locked-or-new = Or choose a new password below: that unlocks the account too.
password-change = Change my password
password-label = New password
password-again = Type it again
rules-intro = Your password needs:
rule-met = (met)
rule-unmet = (not met)
rules-status = { $count ->
    [one] 1 rule to meet; each is marked as you type.
   *[other] { $count } rules to meet; each is marked as you type.
}
rule-unchecked = (checked when you submit)
rules-unmet = { $count ->
    [one] 1 rule is not met yet.
   *[other] { $count } rules are not met yet.
}
rules-all-met = All rules are met. Type it again below.
rules-all-met-confirmed = All rules are met and both passwords match.
passwords-differ-yet = The two passwords do not match yet.
violations-intro = The password was not changed:

## Reset: the end

done-title = Password changed
done-heading = Your password is changed
done-intro = Use the new password from now on, everywhere you sign in to the university.
paused-title = Online reset is paused
paused-heading = Online reset is paused for this account
paused-intro-html = Too many wrong codes were typed for this account, so for its safety online reset is paused until <strong>{ $until }</strong>. Nothing about your password has changed, and you can still sign in with it as usual.
paused-helpdesk = Try again after that time, or contact the help desk now: they can check who you are and lift the pause.
help-title = Contact the help desk
help-heading = We cannot reset this password online
help-intro = Either this account has not registered a phone or an authenticator app for password reset, or we could not find it. The help desk can check who you are and help you right away:
help-after-html = Once you are back in, <a href="/signin">sign in here</a> and register a phone or an authenticator app so you can reset on your own next time.
unlocked-title = Account unlocked
unlocked-heading = Your account is unlocked
unlocked-intro = Your password did not change: sign in with the one you have.
unlocked-again-heading = So that it does not lock again
unlocked-again-intro = Something is probably still trying an old password. Update it everywhere it is saved:
unlocked-wifi = Wi-Fi (eduroam) on your phone, tablet and laptop: forget the network, then join it again with your current password.
unlocked-mail = Mail and calendar apps on your phone and computer.
unlocked-laptop = A university laptop that has not picked up your newest password: bring it onto the campus network, or connect the VPN, then lock it and unlock it with your current password.
unlocked-call-html = If it locks again, call the help desk at <a href="tel:{ $tel }">{ $phone }</a>.

## When something went wrong

error-reference-html = If you call the help desk, give them this reference: <strong>{ $reference }</strong>.
expired-heading = This page has expired
expired-message = For your safety a reset must be finished within a set time, in one browser. Start again; it only takes a minute.
link-spent-heading = This link was used already
link-spent-message = A reset link works once, for a limited time: this one was used already or has run out. Start a reset here, or ask the help desk for a new link.
no-account-heading = No such account
no-account-message = There is no account with this number. Search for it again.
too-many-heading = Too many tries
too-many-message = Too many attempts came from your network in a short time. Wait ten minutes and try again, or call the help desk.
unavailable-heading = Try again in a minute
unavailable-message = The service cannot reach its records for a moment. Try again in a minute; the steps you finished are kept.
internal-heading = Something went wrong on our side
internal-message = Nothing was changed. Please try again in a few minutes.
not-found-heading = There is no such page
not-found-message = The address may be mistyped, or the page has moved.

## Your laptop (after a change, and before one from off campus)

laptop-heading = Your laptop
laptop-campus = You are on the campus network. A university laptop here picks up the new password now: lock it, then unlock it with the new password. A laptop elsewhere picks it up the next time it is on the campus network or the VPN.
laptop-vpn = You are connected through the VPN. If this is your university laptop, keep the VPN on, lock it, then unlock it with the new password. A laptop elsewhere picks it up the next time it is on the campus network or the VPN.
laptop-outside-html = <strong>You are outside the campus network and not on the VPN, so your university laptop still knows only your old password</strong> (whether or not it is the device you are using now). It picks up the new one only while it can reach the campus network. To bring it up to date:
laptop-unknown = A university laptop picks up the new password only while it is on the campus network or connected to the VPN. Until then it knows only your old password. To bring it up to date:
laptop-remember-heading = If you remember your old password
laptop-knows-heading = To bring it up to date
laptop-sign-in-old = Sign in to the laptop with the old password.
laptop-connect = Connect to the VPN.
laptop-lock = Lock the laptop (Windows: Windows key + L; Mac: Control + Command + Q), then unlock it with your new password.
laptop-forgot-heading = If you don't remember your old password
laptop-before-logon-named = If { $client } can connect from the laptop's sign-in screen (on Windows, the network sign-in icon at the bottom of the sign-in screen), connect there, then sign in with your new password.
laptop-before-logon = If your laptop's VPN can connect from its sign-in screen (on Windows, the network sign-in icon at the bottom of the sign-in screen), connect there, then sign in with your new password.
laptop-campus-wifi = Or bring the laptop onto the campus network, or join the campus Wi-Fi from its sign-in screen, and sign in with your new password.
laptop-call-html = Or call the help desk at <a href="tel:{ $tel }">{ $phone }</a>: they can help you bring it up to date.
vpn-where = Where to connect
vpn-connect-on = Connect the VPN on { $system }
off-campus-title = Connect to the VPN first
off-campus-intro = You are outside the campus network and not connected to the VPN. A university laptop picks up a new password only while it can reach the campus network: if you change your password now, your laptop keeps asking for the old one until you next connect.
off-campus-advice = Connect to the VPN, then continue. It takes a minute and saves a call to the help desk.
off-campus-connected = I am connected now: continue
off-campus-anyway = Continue without the VPN
off-campus-how = How to connect
off-campus-cannot = Can't connect?
off-campus-cannot-intro = You can go on without the VPN. Afterwards your laptop still knows only the password it knew before (your old one, if you are resetting a forgotten password). To bring it up to date:

## Your account

signin-title = Sign in
signin-intro = Sign in to register a phone or an authenticator app for password reset, or to change a password you know.
signin-identifier = University email or username
signin-password = Password
signin-button = Sign in
signin-forgot = Forgot your password, or locked out? Reset or unlock it
signin-empty = Type your username or email address, and your password.
signin-wrong = That username or password is not right. Passwords are case sensitive.
signin-paused = { $minutes ->
    [one] Too many wrong passwords were typed for this account. Sign-in here is paused for 1 minute; you can reset your password instead.
   *[other] Too many wrong passwords were typed for this account. Sign-in here is paused for { $minutes } minutes; you can reset your password instead.
}
signin-directory-paused = Too many wrong passwords were typed for this account lately. Sign-in here is paused until { $until }, so that the campus directory does not lock the account everywhere. If you forgot your password or the account is locked, “Forgot your password, or locked out?” resets or unlocks it now.
signin-directory-paused-reset = Too many wrong passwords were typed for this account lately. Sign-in here is paused until you reset your password or unlock the account, so that the campus directory does not lock the account everywhere. “Forgot your password, or locked out?” resets or unlocks it now.
directory-unreachable = The campus directory cannot be reached right now, so your password cannot be checked. Try again in a few minutes.
codes-paused = Too many wrong codes were typed for this account, so sign-in codes are paused for up to an hour. Try again later, or call the help desk.
signout = Sign out
nav-account = Your account
account-title = Your account
account-changed-heading = Your password is changed
account-changed-intro = Use the new password from now on, everywhere you sign in to the university. You were signed out everywhere else.
account-signed-in-as = Signed in as { $name }.
account-methods = Ways to reset your password
account-phone = Mobile phone
account-change = Change
account-remove-phone = Remove the phone
account-none = None.
account-register-phone = Register a mobile phone
account-app = Authenticator app
account-app-registered = Registered.
account-replace-app = Replace it
account-remove-app = Remove the app
account-set-up-app = Set up an authenticator app
account-only-method = This is your only way to reset your password: register another before you remove it.
account-password = Password
account-change-password = Change your password
account-back = Back to your account
account-language = Language for messages
account-language-intro = Texts, calls and mails about your account come in this language.
account-language-save = Save
saved-phone = Your mobile phone is registered.
saved-phone-removed = Your mobile phone was removed.
saved-authenticator = Your authenticator app is registered.
saved-authenticator-removed = Your authenticator app was removed.
saved-language = Messages about your account now come in { $language }.
only-method = This is your only way to reset your password, so it cannot be removed. Register another way first, then remove this one.
register-title = Set up password reset
register-heading = Set up a way to reset your password
register-intro = { $name }, you have not registered a way to prove who you are, so you could not reset your password yourself if you forgot it. It takes a minute: choose one now.
register-phone-why = (we text or call you a code)
register-app-why = (it shows a new code every 30 seconds)
verify-title = Confirm it is you
verify-signing-in = Your password was right. Now prove you hold one of your registered methods.
verify-before-change = Before you change how you reset your password, prove again that you hold one of your registered methods.
verify-choose-again = No code? Choose a way again
verify-send-new = Send a new code
update-title = Change your password
update-current = Current password
update-differ = The two new passwords are not the same. Type them again.
update-paused = { $minutes ->
    [one] Too many wrong passwords were typed for this account. Wait 1 minute, or reset your password instead.
   *[other] Too many wrong passwords were typed for this account. Wait { $minutes } minutes, or reset your password instead.
}
update-wrong-current = Your current password is not right. Passwords are case sensitive.
change-required-helpdesk = The help desk asked you to choose a new password before you go on.
change-required-expired = Your password has expired. Choose a new one before you go on.
change-required-breached = The password you signed in with appears in a list of passwords exposed in data breaches, so others may try it on your account. Choose a new one before you go on.
change-required-policy = The password you signed in with no longer meets the password rules below. Choose a new one before you go on.

## Your account: the phone

phone-title = Your mobile phone
phone-enter-sent = Enter the code we sent
phone-enter = Enter your code
phone-register = Register a mobile phone
phone-text-sent = We texted a code to { $phone } at { $at }. It is valid for { $minutes } minutes. The number counts only once you type the code here. Not your number? Use another number below.
phone-call-sent = We are calling { $phone } (at { $at }): the automated message reads your code. It is valid for { $minutes } minutes. The number counts only once you type the code here. Not your number? Use another number below.
phone-text-waiting = We could not hand the text to { $phone } to our provider yet, so your code may not come. We keep trying while it is valid ({ $minutes } minutes). If it does not come, send a new code below, or call the help desk at { $helpdesk }.
phone-call-waiting = We could not hand the call to { $phone } to our provider yet, so your code may not come. We keep trying while it is valid ({ $minutes } minutes). If it does not come, send a new code below, or call the help desk at { $helpdesk }.
phone-text-failed = The text to { $phone } could not be sent. Send a new code below, or call the help desk at { $helpdesk }.
phone-call-failed = The call to { $phone } could not be sent. Send a new code below, or call the help desk at { $helpdesk }.
phone-another = Use another number, or send a new code
phone-current = Your registered phone is { $phone }. A new number replaces it once verified.
phone-label = Mobile number
phone-hint = A 10-digit US number such as (202) 555-0143, or + and the country code and number, such as +44 20 7946 0958.
phone-how = How should we send the code?
phone-text = Text message
phone-call = Phone call
phone-send = Send a code
phone-unusable = That number cannot be used: { $why }.
phone-same = That number is already your registered phone.
phone-choose-channel = Choose how the code comes: a text message or a phone call.
phone-code-spent = That code can no longer be used: it expired or was tried too many times. Type the number again to get a new one.
phone-none-to-remove = There is no registered phone to remove.

## Your account: the authenticator app

app-title = Set up an authenticator app
app-replacing = The new app replaces the one you have once you type its first code.
app-open = Open an authenticator app on your phone (for example Microsoft Authenticator, Google Authenticator or FreeOTP) and choose to add an account.
app-scan = Scan this QR code:
app-on-this-phone = On this phone? Add it to your authenticator app
app-or-key = or, if you cannot scan it, choose to enter a key and type this one (time based, 6 digits):
app-type-code = Type the 6-digit code the app now shows.
app-code-label = Code from the app
app-finish = Finish
app-key-first = Add the app's key first: open the authenticator page to get it.
app-code-mismatch = That code does not match. Check the app shows the entry you just added, and type the code it shows now.
app-none-to-remove = There is no registered authenticator app to remove.

## Notices: what was changed, by mail, text and call

notice-password-subject = Your { $university } password was changed
notice-password = Your { $university } password was changed
notice-methods-subject = The ways you can reset your { $university } password changed
notice-app-replaced = Your authenticator app for resetting your { $university } password was replaced by a new one
notice-app-added = An authenticator app was added to the ways you can reset your { $university } password
notice-app-removed = Your authenticator app was removed from the ways you can reset your { $university } password
notice-phone-changed = The mobile phone for resetting your { $university } password was changed from { $old } to { $new }
notice-phone-added = The mobile phone { $phone } was added to the ways you can reset your { $university } password
notice-phone-removed = The mobile phone { $phone } was removed from the ways you can reset your { $university } password
notice-helpdesk-phone-set = The help desk changed the mobile phone you reset your { $university } password with
notice-helpdesk-phone-removed = The help desk removed the mobile phone you reset your { $university } password with
notice-reset-unlocked-subject = Online reset of your { $university } password is unlocked
notice-reset-unlocked = The help desk unlocked online reset of your { $university } password
notice-must-change-subject = Change your { $university } password at your next sign-in
notice-must-change = The help desk asked that you change your { $university } password at your next sign-in
notice-unlocked-subject = Your { $university } account is unlocked
notice-unlocked-self = You unlocked your { $university } account in the campus directory after it was locked by wrong passwords, keeping the same password,
notice-unlocked-helpdesk = The help desk unlocked your { $university } account in the campus directory after it was locked by wrong passwords, keeping the same password,
notice-reset-paused-subject = Online reset of your { $university } password is paused
notice-reset-paused = Online reset of your { $university } password was paused after too many wrong codes
notice-reset-paused-until = It opens again at { $until }. Your password did not change, and you can still sign in with it.
notice-when-where = { $what } at { $when }{ $where ->
    [campus] , from the campus network
    [vpn] , over the VPN
    [outside] , from off campus
   *[unknown] {""}
}.
notice-not-you = If this was not you, call the help desk at { $helpdesk } now.
notice-signature = { $university } password service

## Codes, by text and call

message-code-reset = Your { $university } password reset code is { $code }. It expires in { $minutes } minutes. Never share it: nobody from { $university } will ask for it.
message-code-signin = Your { $university } sign-in code is { $code }. It expires in { $minutes } minutes. Never share it: nobody from { $university } will ask for it.
message-code-registration = Your code to register this phone for { $university } password reset is { $code }. It expires in { $minutes } minutes.
message-code-caller = The { $university } help desk is checking it is you. If you are on the phone with them now, read them this code: { $code }. If you did not contact the help desk, do not share it, and call them on their published number.
message-code-again = { $code }. Again: { $code }
message-link-subject = Your { $university } password reset link
message-link = The { $university } help desk sent you this link to choose a new password. It works once, for { $minutes } minutes: { $url }

## Reminders

reminder-register-subject = Set up a way to reset your { $university } password
reminder-register = You have not set up a way to reset your { $university } password yourself yet. Sign in at { $url }/signin and register your mobile phone or an authenticator app: then a forgotten password takes two minutes, at any hour.
reminder-expiry-subject = { $days ->
    [one] Your { $university } password expires tomorrow
   *[other] Your { $university } password expires in { $days } days
}
reminder-expiry = { $days ->
    [one] Your { $university } password expires at { $when }, in 1 day.
   *[other] Your { $university } password expires at { $when }, in { $days } days.
} Change it before then: sign in at { $url }/signin and choose a new one (if you forgot it, reset it at { $url }/reset). Then use the new password everywhere you sign in, and bring your university laptop onto the campus network or the VPN so that it learns it.
reminder-expiry-text = { $days ->
    [one] { $university }: your password expires in 1 day. Change it at { $url }/signin
   *[other] { $university }: your password expires in { $days } days. Change it at { $url }/signin
}
signin-wrong-maybe-locked = If you are sure it is right, the campus directory may have locked your account after wrong tries (a laptop or phone with an old password does that): “Forgot your password, or locked out?” unlocks it.
language-unknown = Choose one of the languages listed.

## The password rules: the checklist's lines, and what to do when one is broken

list-two = { $first } and { $last }
list-more = { $rest }, { $first } and { $last }
rule-min_length = { $without ->
    [same] At least { $limit } characters
   *[other] At least { $limit } characters ({ $without } without a phone or an authenticator app registered)
}
rule-max_length = At most { $limit } characters
rule-uppercase = An upper-case letter (A–Z)
rule-lowercase = A lower-case letter (a–z)
rule-special = A special character, such as ! # $ % & * ? or @
rule-contains_username = Does not contain your username
rule-contains_name = Does not contain your name
rule-dictionary_word = { $whole ->
    [yes] Is not a common word
   *[no] Does not contain a common word
}
rule-breached = Not a password known from data breaches
rule-history = Not one of your last { $limit } passwords
broken-min_length = Too short: use at least { $limit } characters (this has { $actual }).
broken-max_length = Too long: use at most { $limit } characters (this has { $actual }).
broken-uppercase = Add an upper-case letter (A–Z).
broken-lowercase = Add a lower-case letter (a–z).
broken-special = Add a special character, such as ! # $ % & * ? or @.
broken-contains_username = Contains your username { $found }; leave it out.
broken-contains_name = { $count ->
    [one] Contains { $found }, part of your name; leave it out.
   *[other] Contains { $found }, parts of your name; leave it out.
}
broken-dictionary_word = { $shape ->
    [whole] Is the common word { $found }; choose something less guessable.
    [one] Contains the common word { $found }.
    [more] Contains the common words { $found } and others.
   *[other] Contains the common words { $found }.
}
broken-breached = Appears in a list of passwords exposed in data breaches; choose another.
broken-history = Is the same as one of your last { $limit } passwords; choose one you have not used before.
refused-intro = The new password was not accepted.
change-conflict = Your password was changed in another window meanwhile. Try again.
change-in-progress = A change of this password is still being written to the campus directory. Wait a few minutes and try again.
change-no-entry = Your account is not in the campus directory, so its password cannot be changed here. Call the help desk.
change-unreachable = The campus directory cannot be reached right now, so your password was not changed. Try again in a few minutes.
change-unanswered = The campus directory did not confirm the change in time. It may have taken your new password: in five minutes, try signing in with it; if it does not work, your old password still does, and you can try again.
directory-refused-history = The campus directory remembers this password as one of your recent ones. Choose one you have not used before.
directory-refused-length = The campus directory asks for at least { $minimum } characters. Add a few more.
directory-refused-longer = The campus directory asks for a longer password. Add a few more characters.
directory-refused-complexity = The campus directory finds this password too simple. Make it longer, or mix in more kinds of characters.
directory-refused-age = Your password was changed very recently, and the campus directory allows the next change from { $when }. Try again then, or call the help desk.
directory-refused-age-unknown = Your password was changed very recently, and the campus directory allows only one change in a while. Try again tomorrow, or call the help desk.
directory-refused-restrictions = The campus directory refused this password under its own rules: it may be one of your recent passwords, too short or too simple, or your password was changed less than a day ago. Try a longer one you have not used before; if that fails too, call the help desk.

## The help desk console

hd-brand = Password help desk
hd-title-suffix = Help desk · { $university } password service
hd-nav = Help desk
hd-nav-find = Find an account
hd-nav-staff = Staff
hd-nav-audit = Audit trail
hd-signout = Sign out { $username }
hd-signin-title = Sign in
hd-signin-heading = Help desk sign-in
hd-username = Staff username
hd-signin-hint = Then the code from your authenticator app. Sessions end after { $minutes } idle minutes.
hd-factor-title = Authenticator code
hd-factor-heading = Your authenticator code
hd-forbidden = Not for your role
hd-forbidden-intro = Only a help desk admin can do this. The attempt was recorded in the audit trail. Ask an admin if it needs doing.
hd-back = Back to the help desk
hd-search-label = Username, email or phone number
hd-search = Search
hd-found = { $count } found
hd-none-found = No account matches. Check the spelling, or search by another detail.
hd-email = Email
hd-phone = Mobile phone
hd-none-registered = None registered
hd-app = Authenticator app
hd-registered = Registered
hd-none = None
hd-online-reset = Online reset
hd-reset-open = Open
hd-reset-no-method = Not possible: no phone or authenticator app is registered. Verify the caller another way, then set a phone or send a reset link.
hd-reset-locked = Paused after repeated wrong codes, until { $until }
hd-directory-account = Campus directory account
hd-directory-open = Open
hd-directory-locked = Locked after too many wrong passwords (often a device with an old one)
hd-directory-disabled = Locked or disabled by a directory administrator: not unlockable here
hd-directory = Campus directory
hd-pending-write = A new password is in the directory but not yet stored here; Latchkey settles it within minutes. The person should use the new password.
hd-pending-write-error = A new password is in the directory but not yet stored here; Latchkey settles it within minutes (last try: { $error }). The person should use the new password.
hd-left = Left the directory
hd-left-at = On { $when } a directory sync no longer found this person: no sign-in and no reset here until the directory holds them again.
hd-status = Status
hd-must-change = must change the password at next sign-in ({ $reason })
hd-reason-helpdesk = asked by the help desk
hd-reason-expired = expired in the directory
hd-reason-breached = the password signed in with is in known breaches
hd-reason-policy = the password signed in with breaks today's rules
hd-verify-heading = Verify the caller
hd-verified = Verified in this session.
hd-verify-first = Nothing can be changed until the caller is verified.
hd-send-legend = Send a code to their phone
hd-send = Send a code
hd-code-read = The code the caller reads out
hd-code-read-app = The code the caller reads out (sent, or from their authenticator app)
hd-code-read-app-only = The code the caller's authenticator app shows now
hd-check-code = Check the code
hd-record-label = Or record a check you made another way
hd-record-note = What you saw (kept in the audit trail)
hd-record = Record the check
hd-actions = Actions
hd-actions-hint = These open once the caller is verified.
hd-new-phone = New mobile phone (10-digit US, or +CountryCode Number)
hd-set-phone = Set the phone
hd-remove-phone = Remove the phone
hd-unlock-reset = Unlock online reset
hd-unlock-directory = Unlock the directory account (keeps the password)
hd-link-legend = Send a one-time reset link ({ $minutes } minutes)
hd-link-to = To { $email }
hd-link-text = By text to { $phone }
hd-send-link = Send the link
hd-require-change = Require a new password at next sign-in
hd-notices = Notices sent
hd-none-yet = None yet.
hd-when = When
hd-by = By
hd-state = State
hd-mail = Mail
hd-call = Call
hd-text = Text
hd-delivered = Delivered
hd-not-delivered = { $tries ->
    [one] Not delivered yet (1 try; trying again at { $next })
   *[other] Not delivered yet ({ $tries } tries; trying again at { $next })
}
hd-never-delivered = { $tries ->
    [one] Never delivered (1 try): { $why }. Tell the person another way.
   *[other] Never delivered ({ $tries } tries): { $why }. Tell the person another way.
}
hd-no-reason = no reason given
hd-events = Recent events
hd-who = Who
hd-what = What
hd-from = From
hd-done-verified = The caller is verified. The actions below are open for the next few minutes.
hd-done-sent = A code is on its way to the caller. Ask them to read it out.
hd-done-phone = The phone number is updated to { $phone }, and the person was told on every channel.
hd-done-phone-removed = The phone number is removed, and the person was told.
hd-done-unlocked = Online reset is unlocked.
hd-done-directory-unlocked = The account is unlocked in the campus directory, its password unchanged, and the person was told.
hd-done-link = A one-time reset link was sent.
hd-done-must-change = The person must change their password at their next sign-in.
hd-verify-first-error = Verify the caller first: send them a code, or record the check you made.
hd-choose-channel = Choose a text or a call.
hd-no-phone = This account has no phone to send a code to.
hd-code-wrong = That code is not right. Ask the caller to read it again, or send a new one.
hd-code-wrong-app = That code is not right. Ask the caller to read the code their app shows now.
hd-choose-check = Choose the check you made from the list.
hd-write-note = Write a short note of what you saw (5 to 500 characters), for the audit trail.
hd-no-phone-to-remove = This account has no phone to remove.
hd-choose-link = Choose the person's email, or a phone the account has.
hd-link-failed = The link could not be sent just now. Try again, or use the other channel.
hd-signin-paused = { $minutes ->
    [one] Too many wrong tries. Wait 1 minute, or ask an admin.
   *[other] Too many wrong tries. Wait { $minutes } minutes, or ask an admin.
}
hd-signin-wrong = That username and password do not match.
hd-factor-wrong = That code is not right, or was used already. Type the code your app shows now.
hd-staff-title = Staff
hd-staff-hint-html = New staff are added with <code>latchkey staff add --username U --role agent|admin</code>, which prints their authenticator key once. The same changes as here: <code>latchkey staff role|reset-password|reset-authenticator</code>.
hd-username-col = Username
hd-role = Role
hd-role-admin = admin
hd-role-report = report reader
hd-role-agent = agent
hd-change = Change
hd-disabled = disabled
hd-active = active
hd-enable = Enable { $username }
hd-disable = Disable { $username }
hd-make-agent = Make { $username } an agent
hd-make-report = Make { $username } a report reader
hd-make-admin = Make { $username } an admin
hd-new-password-for = New password for { $username }
hd-new-key-for = New authenticator key for { $username }
hd-hand-over-title = Hand it over
hd-hand-over = Hand it over to { $member }
hd-hand-password = { $member }'s new password, shown this once. Give it to them in person or by a channel only they read; their sessions have ended.
hd-hand-key = { $member }'s new authenticator key, shown this once. They add it to their authenticator app; the old key no longer works and their sessions have ended.
hd-back-staff = Back to staff
hd-audit-title = Audit trail
hd-audit-account = Account (username or email)
hd-audit-actor = Who did it
hd-audit-action = Code starts with
hd-audit-since = Since (YYYY-MM-DD)
hd-audit-export = Export the chain since that day (JSON lines)
hd-audit-account-col = Account

## The demo

demo-phone-title = Demo phone
demo-phone-intro = In the demo, nothing is really sent: every text, call and mail lands here instead, the newest first. Reload the page to see new ones.
demo-phone-apps = Authenticator apps
demo-phone-apps-intro = The codes the demo's authenticator apps show now (they change every 30 seconds): grace's for a reset, the help desk staff's for signing in at /helpdesk.
demo-phone-messages = Messages
demo-phone-empty = Nothing has arrived yet.
demo-phone-reload = Reload
demo-text = Text to { $to }, { $when }
demo-call = Call to { $to }, { $when }
demo-mail = Mail to { $to }, { $when }
demo-message = Message to { $to }, { $when }
demo-just-now = just now
demo-seconds-ago = { $count } seconds ago
demo-minutes-ago = { $count } minutes ago
demo-hours-ago = { $count ->
    [one] 1 hour ago
   *[other] { $count } hours ago
}
code-app-lost-html = Lost the phone with your app, or deleted the app? Call the help desk at <a href="tel:{ $tel }">{ $phone }</a>: they check who you are and help you in.
code-app-other-way = Can't use your app? Choose another way
done-signin = Sign in with your new password
method-offer-text = Text a code to { $phone }
method-offer-call = Call { $phone } and read the code out
method-offer-app = Use the code in my authenticator app
captcha-note-pow-html = Cannot see the image? Your browser's own check did not go through this time; start again to let it try once more (the last button below), or call the help desk at <a href="tel:{ $tel }">{ $phone }</a>.
code-text-sent = We texted a code to { $phone } at { $at }. It is valid for { $minutes ->
    [one] 1 minute
   *[other] { $minutes } minutes
}.
code-call-sent = We called { $phone } at { $at }; the automated message reads your code. It is valid for { $minutes ->
    [one] 1 minute
   *[other] { $minutes } minutes
}.
restricted-suggest = Texts and calls can be intercepted, or moved to another SIM card by someone who fools your carrier. An authenticator app proves it is you without the phone network.
restricted-suggest-signin = Sign in to add one.

## Recovery codes

recovery-title = Recovery codes
recovery-intro = A recovery code proves it is you when your phone and app are not at hand: each works once, in place of a code from your phone or app. Keep them somewhere safe, away from this device: printed, or in a password manager.
recovery-left = { $count ->
    [0] You have no recovery codes.
    [one] You have 1 recovery code left.
   *[other] You have { $count } recovery codes left.
}
recovery-make = Make my recovery codes
recovery-new-set = Make a new set
recovery-voids = A new set replaces the codes you have: those stop working.
recovery-shown-once = Your new recovery codes, shown this once. Print them or save them in a password manager now; each works once.
recovery-use = Or use a recovery code
recovery-code-label = Recovery code
recovery-wrong = That is not one of your unused recovery codes.
account-recovery = Recovery codes
notice-recovery-made = A new set of recovery codes was made for your { $university } account; any you had before no longer work
notice-recovery-used = A recovery code was used to sign in to your { $university } account; { $left ->
    [one] 1 is left
   *[other] { $left } are left
}
code-way-paused = Too many wrong codes were typed for this way. Choose another way, or call the help desk at { $helpdesk }.
notice-recovery-used-reset = A recovery code was used to reset your { $university } password; { $left ->
    [one] 1 is left
   *[other] { $left } are left
}
hd-recovery-left = { $count ->
    [0] none
   *[other] { $count } left
}

## How many proofs a reset asks for
proof-second-campus = Your first proof is in. The university asks for a second, by a different way, before a password is reset online.
proof-second-staff = Your first proof is in. Your account belongs to a member of the help desk, who can open other people's accounts, so a second proof by a different way is needed.
proof-second-stronger = Your first proof is in. Your account also has an authenticator app or a passkey, so a code to your phone alone is not enough to take it: give a second proof by a different way, or use your passkey.
proof-same-way = That way already proved it is you; choose a different one.

## "This wasn't me"
notice-not-you-link = If this was not you, open { $link } to stop online resets of your account, or call the help desk at { $helpdesk }.
report-title = Was this not you?
report-intro = If you did not make the change a message from us told you of, we will stop it going further: online password resets of { $username }'s account stop until the help desk has checked with you, and everyone signed in to it is signed out.
report-confirm = It was not me: stop online resets
report-done-title = We have stopped online resets
report-done = Online password resets of your account are stopped and everyone signed in to it was signed out. The help desk has been told; call them to check your account and start resets again.
report-spent-title = This link no longer works
report-spent = This link was used already, is more than { $days } days old, or was not one we sent. If a change to your account was not yours, call the help desk.
report-helpdesk-subject = { $username } says a change to their account was not theirs
report-helpdesk-body = { $name } ({ $username }) followed the "this wasn't me" link in one of our notices at { $when }, from { $address }. Online reset of the account is held and its sessions ended until the help desk unlocks it: call the person back on a number you already hold for them, check the account's recent events, and unlock it from the console.
hd-reported = Reported "this wasn't me" on { $when }: online reset held until you unlock it.

## Temporary access pass
hd-pass-hint = For a caller who lost every way: a pass, read out to them, that signs them in once within { $minutes } minutes so that they register a new phone or app.
hd-pass-issue = Issue a temporary access pass
hd-pass-title = Temporary access pass
hd-pass-heading = Temporary access pass for { $username }
hd-pass-read = Read it to the caller now: it is shown only this once. It works once, until { $until }, at “Sign in” → “Have a temporary access pass?”.
hd-pass-back = Back to { $username }
notice-access-pass-issued = The help desk issued a temporary access pass for your { $university } account
notice-access-pass-used = A temporary access pass from the help desk was used to sign in to your { $university } account
signin-pass-link = Have a temporary access pass from the help desk?
pass-title = Sign in with a temporary access pass
pass-intro = The help desk reads you a pass when you have lost your phone and app. It signs you in once, so that you can register a new phone or authenticator app; then reset your password with it if you need to.
pass-label = Temporary access pass
access-pass-wrong = That username and pass do not match a live pass. A pass works once, for a short time: ask the help desk for a new one.

## Are these ways still yours?
reconfirm-title = Are these still yours?
reconfirm-intro = Every few months we check that the ways you reset your password with still reach you: a phone number you gave up would let whoever has it now reset your password.
reconfirm-yes = Yes, these are still mine
reconfirm-not-mine = If one is not yours any more, change it or set up another before you go on; the help desk can help.
saved-confirmed = Thank you: we will ask again in a few months.
recovery-download = Download them as a text file
recovery-print = Print them
recovery-file-heading = { $university }: recovery codes for { $username }, made at { $when }. Each works once, in place of a code from your phone or app.

## Passkeys
passkey-title = Passkeys
passkey-intro = A passkey signs you in with this device's screen lock or a security key, and proves it is you when you reset your password. It cannot be phished: it works only on this site.
passkey-none = You have no passkey yet.
passkey-added-on = added { $when }
passkey-remove = Remove { $name }
passkey-name = Name it, to tell it apart later
passkey-name-default = My passkey
passkey-add = Add a passkey
passkey-needs-script = Adding a passkey needs JavaScript turned on.
passkey-not-here = Passkeys cannot be used at this address.
passkey-use = Use a passkey
passkey-failed = The passkey did not prove it is you. Try again, or choose another way.
passkey-name-needed = Give the passkey a name of up to 60 characters.
passkey-unknown = You have no such passkey.
account-passkeys = Passkeys
account-passkeys-count = { $count ->
    [0] None
    [one] 1 passkey
   *[other] { $count } passkeys
}
account-manage-passkeys = Manage passkeys
saved-passkey = Your passkey is saved.
saved-passkey-removed = The passkey is removed.
notice-passkey-added = A passkey named "{ $name }" was added to your { $university } account
notice-passkey-removed = The passkey named "{ $name }" was removed from your { $university } account

## Another email address
email-title = Another email address
email-intro = An address of your own outside the university (a personal mailbox) can get reset codes when your phone is not at hand, and is told of every change to your account. It cannot be used to sign in.
email-current = Your other address: { $email }
email-remove = Remove it
email-label = Email address (not a university one)
email-send = Send a code to it
email-sent = We emailed a code to { $email }. It is valid for { $minutes } minutes; the address counts once you type the code here.
email-unusable = That is not an email address we can send to. Check it and try again.
email-campus = Use an address outside the university: a lost password locks that mailbox too.
email-code-spent = That code can no longer be used. Send a new one.
email-none = You have no other address to remove.
account-other-email = Other email
account-add-email = Add one
saved-email = Your other address is saved.
saved-email-removed = Your other address is removed.
method-offer-mail = Email a code to { $email }
code-mailed = We emailed a code to { $email }. It is valid for { $minutes } minutes.
message-code-subject = Your { $university } code
notice-email-added = The address { $email } was added to the ways to reset your { $university } password
notice-email-removed = The address { $email } was removed from the ways to reset your { $university } password
passkey-signin-heading = Or sign in with a passkey
passkey-signin = Sign in with a passkey
passkey-signin-failed = That passkey did not sign you in. Check the username, or sign in with your password.
passkey-signin-identifier = Username or university email, for the passkey
hd-codes-by-others = Codes asked for by others
hd-codes-by-others-told = { $count } reset { $count ->
        [one] code was
       *[other] codes were
    } sent in the last { $minutes } minutes for resets started from browsers that never signed in as this person; they were asked for from { $sources ->
        [one] one address
       *[other] { $sources } addresses
    }: { $list }. Someone else may be trying their codes; their own browsers and their app still get them.

## The watch after a change: a device still using the old password

watch-warning-subject = A device is still using your old { $university } password
watch-warning = Since your { $university } password was changed on { $changed }, the campus directory has seen { $count ->
        [one] { $count } sign-in
       *[other] { $count } sign-ins
    } with a wrong password. A device is probably still using your old password, and it will lock your account if it keeps trying.
watch-warning-text = { $university }: a device is still using your old password. On a laptop, connect to the VPN, then lock and unlock it with the new password; in a phone's mail app or the Wi-Fi settings, type the new one.
watch-locked-subject = Your { $university } account was locked by an old password: unlock it here
watch-locked = Your { $university } account was locked on { $locked } after wrong passwords, most likely from a device still using the password you had before { $changed }. Unlock it now, keeping your new password: { $link } (it works once, for { $hours } hours).
watch-locked-text = { $university }: a device with your old password locked your account. Unlock it, keeping the new password: { $link }
watch-devices = Seen from: { $devices }.
watch-what-to-do = What to do: on a laptop, connect to the campus network or the VPN, then lock the screen and unlock it with the new password; on a phone, type the new password in its mail app and in the Wi-Fi settings (forget the campus network and join it again). If you did not change your password, call the help desk.
notice-unlocked-link = You unlocked your { $university } account in the campus directory with the link we sent after it was locked by an old password, keeping the new password,
unlock-title = Unlock your account
unlock-intro = { $username }'s account was locked by a device still using the old password. Unlocking keeps the new password; then type the new password on that device, or it will lock the account again.
unlock-confirm = Unlock my account
unlock-done-title = Your account is unlocked
unlock-done = Your account is unlocked in the campus directory, with your new password. Update the device that still has the old one now: on a laptop, connect to the VPN, then lock and unlock it with the new password; on a phone, its mail app and the Wi-Fi settings.
unlock-spent-title = This link no longer works
unlock-spent = This link was used already, is more than { $hours } hours old, was replaced by a newer change, or was not one we sent. You can still unlock your account from the reset page, or call the help desk.
unlock-failed-title = The account is still locked
hd-watch = Since the last change
hd-watch-changed = changed { $when }
hd-watch-failures = { $count ->
        [one] { $count } wrong password
       *[other] { $count } wrong passwords
    } (last { $last })
hd-watch-from = from { $devices }
hd-watch-warned = told of a device with the old password { $when }
hd-watch-locked = locked { $when }
hd-watch-link-sent = unlock link sent { $when }
hd-watch-unlocked = { $by ->
        [link] unlocked by the owner with the link { $when }
        [owner] unlocked by the owner { $when }
       *[helpdesk] unlocked by the help desk { $when }
    }
hd-watch-quiet = nothing seen yet (watched until { $until })
hd-watch-over = nothing seen
# The audit trail in words: audit-KIND, KIND the action's code with . and _
# as -. $channel is sms, voice or email; $detail what follows the code's colon.
audit-by = { $channel ->
        [sms] by text message
        [voice] by phone call
        [email] by email
       *[other] {""}
    }
audit-reset-started = Started a reset
audit-reset-captcha-failed = Typed the CAPTCHA wrong
audit-reset-captcha-renewed = Asked for another CAPTCHA
audit-reset-captcha-passed = Passed the CAPTCHA
audit-reset-pow-passed = Passed the browser's proof of work instead of the CAPTCHA
audit-reset-pow-refused = A proof of work was refused ({ $detail })
audit-reset-no-method = Sent to the help desk: no way to reset online
audit-reset-method-totp = Chose the authenticator app to reset
audit-reset-code-void = Typed a reset code that had expired or was used
audit-reset-code-wrong = Typed a wrong reset code
audit-reset-totp-replayed = Typed an app code that was already used
audit-reset-locked = Online reset locked after too many wrong codes
audit-reset-method-paused = Paused a way to reset after wrong codes ({ $detail })
audit-reset-code-verified = Proved who they are with a reset code
audit-reset-proof-accepted = One proof accepted ({ $detail }); another asked for
audit-reset-password-refused = A new password was refused ({ $detail })
audit-reset-completed = Reset the password
audit-reset-directory-unlocked = Unlocked the campus directory account while resetting
audit-reset-link-used = Opened a reset link from the help desk
audit-reset-link-refused = Opened a reset link that no longer works
audit-reset-code-sent = Sent a reset code { audit-by }
audit-signin-code-sent = Sent a sign-in code { audit-by }
audit-registration-code-sent = Sent a code to confirm a new phone { audit-by }
audit-caller-code-sent = Sent a code to check a caller { audit-by }
audit-reset-send-throttled = A reset code was not sent: too many asked for
audit-signin-send-throttled = A sign-in code was not sent: too many asked for
audit-registration-send-throttled = A confirmation code was not sent: too many asked for
audit-caller-send-throttled = A caller's code was not sent: too many asked for
audit-reset-send-withheld = A reset code was not sent { audit-by }: country not allowed or budget spent
audit-signin-send-withheld = A sign-in code was not sent { audit-by }: country not allowed or budget spent
audit-registration-send-withheld = A confirmation code was not sent { audit-by }: country not allowed or budget spent
audit-caller-send-withheld = A caller's code was not sent { audit-by }: country not allowed or budget spent
audit-signin-failed = Signed in with a wrong password
audit-signin-directory-locked = Tried to sign in while the campus directory had the account locked
audit-signin-directory-unreachable = Could not sign in: the campus directory did not answer
audit-signin-password-expired = Signed in with an expired password: a change is required
audit-signin-password-breached = Signed in with a password found in a breach: a change is required
audit-signin-password-below-policy = Signed in with a password below today's rules ({ $detail }): a change is required
audit-signin-paused = Sign-in paused after wrong passwords
audit-signin-withheld = Sign-in not tried in the directory, to keep it from locking the account
audit-signin-password-ok = Typed the right password
audit-signin-succeeded = Signed in
audit-signin-factor-proven = Proved the second step of sign-in
audit-signin-code-wrong = Typed a wrong sign-in code
audit-signin-codes-paused = Sign-in codes paused after wrong codes
audit-signin-totp-replayed = Typed an app code that was already used
audit-signin-signed-out = Signed out
audit-signin-by-passkey = Signed in with a passkey
audit-signin-access-pass-used = Signed in with a temporary access pass
audit-signin-access-pass-wrong = Typed a wrong or used temporary access pass
audit-account-phone-code-sent = Sent a code to confirm a phone { audit-by }
audit-account-phone-code-wrong = Typed a wrong code for a new phone
audit-account-phone-added = Added a phone
audit-account-phone-replaced = Replaced the phone
audit-account-phone-removed = Removed the phone
audit-account-authenticator-code-wrong = Typed a wrong code for a new authenticator app
audit-account-authenticator-added = Added an authenticator app
audit-account-authenticator-replaced = Replaced the authenticator app
audit-account-authenticator-removed = Removed the authenticator app
audit-account-recovery-codes-made = Made new recovery codes
audit-account-passkey-added = Added a passkey
audit-account-passkey-removed = Removed a passkey
audit-account-email-code-sent = Sent a code to confirm another email address
audit-account-email-code-wrong = Typed a wrong code for another email address
audit-account-email-added = Added another email address
audit-account-email-removed = Removed the other email address
audit-passkey-used = Proved who they are with a passkey
audit-passkey-refused = A passkey's answer was refused
audit-account-recovery-code-used = Used a recovery code
audit-account-recovery-code-wrong = Typed a wrong recovery code
audit-account-language-chosen = Chose a language
audit-account-methods-confirmed = Confirmed their ways to reset are still theirs
audit-account-reported-not-me = Reported a change as "this wasn't me": online reset held
audit-account-report-link-refused = Opened a "this wasn't me" link that no longer works
audit-account-current-password-wrong = Typed a wrong current password
audit-account-password-refused = A new password was refused ({ $detail })
audit-account-password-updated = Changed the password
audit-helpdesk-signin-failed = Staff sign-in with a wrong password
audit-helpdesk-password-ok = Staff typed the right password
audit-helpdesk-factor-failed = Staff typed a wrong authenticator code
audit-helpdesk-signed-in = Signed in to the help desk console
audit-helpdesk-signed-out = Signed out of the help desk console
audit-helpdesk-refused-not-admin = Refused: only admins may do this ({ $detail })
audit-helpdesk-refused-unverified = Refused: the caller was not verified first
audit-helpdesk-code-sent = Sent a code to check the caller { audit-by }
audit-helpdesk-caller-code-wrong = The caller read out a wrong code
audit-helpdesk-locked = Online reset locked after the caller's wrong codes
audit-helpdesk-caller-verified = { $detail ->
        [app_code] Verified the caller with a code from their app
        [manual] Verified the caller another way, recorded by the agent
       *[other] Verified the caller with a code sent to them
    }
audit-helpdesk-phone-set = Updated the phone for the caller
audit-helpdesk-phone-removed = Removed the phone for the caller
audit-helpdesk-unlocked = Unlocked online reset
audit-helpdesk-directory-unlocked = Unlocked the campus directory account
audit-helpdesk-must-change-password = Required a password change at the next sign-in
audit-helpdesk-reset-link-sent = Sent a reset link { audit-by }
audit-helpdesk-access-pass-issued = Issued a temporary access pass
audit-helpdesk-audit-viewed = Read the audit trail
audit-helpdesk-audit-exported = Exported the audit trail
audit-helpdesk-reports-viewed = Read a report ({ $detail })
audit-staff-added = Added a member of staff ({ $detail })
audit-staff-role = Changed a member of staff's role ({ $detail })
audit-staff-password-reset = Gave a member of staff a temporary password ({ $detail })
audit-staff-authenticator-reset = Gave a member of staff a new authenticator ({ $detail })
audit-staff-disabled = Disabled a member of staff (number { $detail })
audit-staff-enabled = Enabled a member of staff again (number { $detail })
audit-staff-own-password-changed = Changed their own staff password
audit-staff-own-password-refused = A new staff password was refused ({ $detail })
audit-account-created = Account created
audit-account-synced = Account updated from the campus directory
audit-account-arrived = Account brought in from the campus directory at first use ({ $detail })
audit-account-left-directory = Gone from the campus directory: no sign-in or reset
audit-account-returned-to-directory = Back in the campus directory
audit-password-changed = Password changed
audit-password-directory-unlocked = A new password also unlocked the directory account
audit-password-adopted = Took up a password changed elsewhere
audit-reminder-sent = Sent a reminder ({ $detail })
audit-watch-warned = Told the person a device still uses the old password
audit-watch-lock-caught = Saw a lock after the change and sent the unlock link
audit-watch-unlocked-by-link = The owner unlocked the account with the link
audit-watch-link-refused = An unlock link that no longer works was opened
audit-directory-settled = A pending directory write settled ({ $detail })
audit-notice-failed = A notice could not be sent { audit-by }
hd-audit-anyone = Anyone
hd-audit-outcome = Outcome
hd-audit-outcome-any = Any
hd-audit-outcome-done = Done
hd-audit-outcome-failed = Failed
hd-audit-code = Code
hd-nav-reports = Reports
hd-nav-password = My password
rp-title = Reports
rp-since = First day
rp-until = Last day
rp-show = Show
rp-contents = Reports on this page
rp-chart-caption = The table below the chart gives the same figures.
rp-nothing = Nothing to report in this range.
rp-csv = Download "{ $report }" as CSV
rp-registration = Registration
rp-registration-about = Accounts in the directory with each way to prove who they are. "Any way" is a phone, an app or a passkey: a way to reset online.
rp-unregistered = Accounts with no way to reset
rp-unregistered-about = Accounts with no phone, app or passkey, by the department the directory gives: these people can only reset through the help desk.
rp-activity = Resets and password updates
rp-activity-about = Each day on the campus's clock: resets started and finished (by the way that proved the person), and changes by people who knew their password.
rp-failures = Failures and locks
rp-failures-about = Each day: wrong passwords, wrong codes, CAPTCHAs typed wrong, online resets locked and directory accounts locked.
rp-helpdesk = Help desk actions
rp-helpdesk-about = What each member of staff did in the range.
rp-off-campus = Where changes came from
rp-off-campus-about = Finished resets and password updates from the campus network, the VPN or outside. A laptop only picks up a new password on the campus network or the VPN.
rp-writeback = Directory writes
rp-writeback-about = Password changes the campus directory took but this service has yet to store, now; and how those that waited settled in the range.
rp-messages = Codes sent and typed back
rp-messages-about = Each day: codes sent by text and by call, and codes typed back. Many sent and few typed back is the sign of someone spending texts and calls (SMS pumping).
rp-row-way = Way
rp-row-department = Department
rp-row-day = Day
rp-row-member = Member of staff
rp-row-place = From
rp-row-state = Writes
rp-col-accounts = Accounts
rp-col-percent = Share (%)
rp-col-resets-started = Resets started
rp-col-resets-done = Resets finished
rp-col-by-text = by text
rp-col-by-call = by call
rp-col-by-app = by app
rp-col-by-passkey = by passkey
rp-col-by-other = other ways
rp-col-resets-refused = New passwords refused
rp-col-updates-done = Updates
rp-col-updates-refused = Updates refused
rp-col-wrong-passwords = Wrong passwords
rp-col-wrong-codes = Wrong codes
rp-col-captcha-failed = CAPTCHAs wrong
rp-col-reset-locks = Resets locked
rp-col-directory-locks = Directory locks
rp-col-callers-verified = Callers verified
rp-col-phones-updated = Phones updated
rp-col-unlocks = Unlocks
rp-col-links-and-passes = Links and passes
rp-col-refused = Refused
rp-col-all = All actions
rp-col-changes = Changes
rp-col-writes = Writes
rp-col-sent-text = Sent by text
rp-col-sent-call = Sent by call
rp-col-typed-back = Typed back
rp-col-percent-back = Typed back (%)
rp-way-any = Any way
rp-way-phone = Phone
rp-way-app = Authenticator app
rp-way-passkey = Passkey
rp-way-recovery = Recovery codes
rp-way-other-email = Other email
rp-way-none = No way to reset
rp-no-department = Not given
rp-place-campus = Campus network
rp-place-vpn = VPN
rp-place-outside = Outside
rp-place-unknown = Not known
rp-write-pending = Waiting now
rp-write-stored = Stored after waiting
rp-write-dropped = Dropped
hd-own-title = Change my password
hd-own-owed = You signed in with a temporary password an admin gave you. Choose your own before you go on.
hd-own-done = Your password is changed. Your other console sessions have ended.
hd-own-current = Current password
hd-own-new = New password
hd-own-confirm = New password again
hd-own-rules = The same rules as everyone's apply, and it cannot be one of your last passwords.
hd-own-submit = Change my password
hd-own-current-wrong = That is not your current password. Nothing was changed.
hd-own-refused = This password cannot be used. Nothing was changed:
rp-range-not-a-day = "{ $text }" is not a day: write it as YYYY-MM-DD.
rp-range-backwards = The range ends ({ $until }) before it starts ({ $since }).
rp-range-too-long = The range is { $days } days long; a report covers at most { $most }.
