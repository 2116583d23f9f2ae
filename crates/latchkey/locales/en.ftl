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
demo-banner-html = Demo: these are demo accounts; texts, calls and mails land on the <a href="/demo/phone">demo phone</a>.
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
