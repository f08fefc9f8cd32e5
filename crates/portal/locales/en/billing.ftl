# The billing-information page (/p/billing): the customer's details and tax ids.

billing-back = Back
billing-details-title = Your details
billing-group-contact = Contact
billing-group-address = Billing address
billing-group-shipping = Shipping
# After a label: the input may be left blank.
billing-optional = (optional)
billing-field-recipient = Recipient name
billing-field-shipping-phone = Phone number for delivery
billing-field-line1 = Address line 1
billing-field-line2 = Address line 2
billing-field-city = City
billing-field-state = State, province or region
billing-field-postal-code = Postal code
billing-field-country = Country
billing-choose-country = Choose a country
billing-save = Save
billing-cancel = Cancel
# Shown on the home page after the details were saved.
billing-updated = Your billing information has been updated.

billing-tax-ids-none = No tax IDs on file.
billing-tax-id-remove = Remove
# The remove button's name for screen readers; $value is the tax ID, e.g. "DE123456789".
billing-tax-id-remove-named = Remove tax ID { $value }
billing-tax-id-add-title = Add a tax ID
billing-tax-id-type = Type
billing-tax-id-choose-type = Choose a type
billing-tax-id-value = Tax ID number
billing-tax-id-add = Add tax ID
billing-tax-id-added = Tax ID added.
billing-tax-id-removed = Tax ID removed.
billing-tax-id-verified = Verified
billing-tax-id-unverified = Not verified
billing-tax-id-pending = Verification pending

billing-error-summary = Please correct the following
# $max: the most characters the field takes.
billing-error-too-long = Enter at most { $max ->
    [one] { $max } character
   *[other] { $max } characters
}.
billing-error-too-long-plain = This is too long.
billing-error-required = This field is required.
billing-error-email = Enter an email address like name@example.com.
billing-error-recipient-required = Enter the name of the person receiving deliveries.
billing-error-line1-required = Enter the street address.
billing-error-country-required = Choose a country.
billing-error-country-unknown = Choose a country from the list.
billing-error-tax-id-type = Choose the type of tax ID.
billing-error-tax-id-required = Enter the tax ID number.
# $type: the tax ID type as listed, e.g. "European Union — EU VAT".
billing-error-tax-id-invalid = This is not a valid number for { $type }. Check it and try again.
# Before an error in the summary at the top of the page: which field it is about.
billing-error-in = { $field }:
