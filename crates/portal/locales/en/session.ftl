# The pages for a portal link that cannot be opened, and for failures on our side.

session-unknown-title = This link is not valid
session-unknown-text = Ask for a new link to your billing portal where you found this one.

session-expired-title = This session has expired
session-expired-text = For your security, billing portal sessions end after a period of inactivity.
# The configuration's login page, offered when the session allows signing in again after it ends.
session-expired-login = Sign in again
# The link back to the business's website, which can open a new session.
session-expired-return = Return to the website

# The login page of a configuration: email sign-in is not built yet.
sign-in-unavailable-title = Signing in is not available yet
sign-in-unavailable-text = This billing portal cannot send sign-in links yet. Ask for a new link to your billing portal where you found the last one.

unavailable-title = Something went wrong
unavailable-text = Please try again in a moment.
