# The pages for a portal link that cannot be opened, and for failures on our side.

session-unknown-title = This link is not valid
session-unknown-text = Ask for a new link to your billing portal where you found this one.

session-expired-title = This session has expired
session-expired-text = For your security, billing portal sessions end after a period of inactivity.
# The link back to the business's website, which can open a new session.
session-expired-return = Return to the website

unavailable-title = Something went wrong
unavailable-text = Please try again in a moment.
