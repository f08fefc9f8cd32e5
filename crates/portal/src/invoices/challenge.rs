//! The simulated 3-D Secure challenge of an invoice's payment, shown by the portal and the hosted invoice page
//! when the card asks for authentication: the customer completes or fails it, which runs the logic of
//! `POST /v1/test_helpers/payment_intents/{id}/authenticate` and settles the invoice.

use askama::Template;
use portico_core::Scope;
use portico_core::objects::invoice::{Invoice, Status};
use portico_core::objects::payment_intent::{PaymentIntent, PaymentIntentStatus};
use portico_core::objects::payment_method::PaymentMethod;
use portico_core::objects::setup_intent::AuthenticationOutcome;
use portico_store::{StoreError, Tx, TxExt};

use crate::form::Form;
use crate::i18n::Lang;
use crate::render::{Chrome, Page};
use crate::views;

#[derive(Template)]
#[template(path = "invoices_authenticate.html")]
pub struct Challenge {
    chrome: Chrome,
    /// Where the answer is posted.
    action: String,
    /// "Visa •••• 3184"
    card: String,
    number: String,
    amount: String,
}

impl Page for Challenge {
    fn chrome(&self) -> &Chrome {
        &self.chrome
    }
}

impl Challenge {
    pub fn new(chrome: Chrome, action: String, card: String, invoice: &Invoice, lang: &Lang) -> Challenge {
        Challenge {
            chrome,
            action,
            card,
            number: invoice.number.clone().unwrap_or_default(),
            amount: lang.money(invoice.amount_remaining, &invoice.currency),
        }
    }
}

/// The card whose payment of `invoice` awaits authentication, if one does.
pub async fn awaiting(
    lang: &Lang,
    tx: &mut dyn Tx,
    scope: &Scope,
    invoice: &Invoice,
) -> Result<Option<String>, StoreError> {
    if invoice.status != Status::Open {
        return Ok(None);
    }
    let Some(intent) = &invoice.engine.payment_intent else { return Ok(None) };
    let Some(intent) = tx.load::<PaymentIntent>(scope, intent).await? else { return Ok(None) };
    if intent.status != PaymentIntentStatus::RequiresAction {
        return Ok(None);
    }
    let method = match &intent.payment_method {
        Some(id) => tx.load::<PaymentMethod>(scope, id).await?,
        None => None,
    };
    Ok(Some(method.map(|pm| views::payment_method_row(lang, &pm, None).label).unwrap_or_default()))
}

/// The customer's answer: `outcome=fail` fails the challenge; anything else completes it.
pub fn outcome(form: &Form) -> AuthenticationOutcome {
    match form.get("outcome") {
        Some("fail") => AuthenticationOutcome::Fail,
        _ => AuthenticationOutcome::Succeed,
    }
}
