# Around every page: skip link, header, policy links, footer, and refusals raised by forms and ids.

# The way back when the business has no name on file.
return-to-site = Return to the website
skip-to-content = Skip to content
# Shown under the business name when the configuration sets no headline.
headline-default = { $business } partners with Portico for simplified billing.
terms-of-service = Terms of service
privacy-policy = Privacy policy
powered-by = Powered by Portico

form-forged-title = This form has expired
form-forged-text = Please go back, reload the page and try again.
not-found-title = Not found
not-found-text = This page does not exist, or it is not part of your account.
