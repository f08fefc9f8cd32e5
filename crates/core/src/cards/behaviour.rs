//! How each Stripe test card behaves when it is attached to a customer, set up for later use, or charged.
//! The behaviour is derived once from the number when the card is created and stored in its place, so the
//! processor can still tell what a saved card does without the number ever being kept.

use serde::{Deserialize, Serialize};

use super::CardError;

/// The test-mode personality of a card. Any valid number that is not one of Stripe's special test cards
/// behaves like 4242 4242 4242 4242: `Succeeds`. Stored by its snake_case name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CardBehaviour {
    /// Every operation succeeds.
    Succeeds,
    /// Succeeds, and the funds skip the pending balance (4000 0000 0000 0077).
    BypassPending,
    /// Succeeds, then the charge is disputed (0259 fraudulent, 2685 not received, 1976 inquiry).
    CreateDispute,
    /// `card_declined` / `generic_decline` (0002).
    ChargeDeclined,
    /// `card_declined` / `insufficient_funds` (9995).
    InsufficientFunds,
    /// `card_declined` / `lost_card` (9987).
    LostCard,
    /// `card_declined` / `stolen_card` (9979).
    StolenCard,
    /// `expired_card` (0069).
    ExpiredCard,
    /// `incorrect_cvc` whenever a CVC is supplied (0127).
    IncorrectCvc,
    /// `processing_error` (0119).
    ProcessingError,
    /// `card_declined` / `card_velocity_exceeded` (6975).
    VelocityLimitExceeded,
    /// Attaches and sets up fine; every charge is declined (0341), the card for renewal-failure tests.
    ChargeCustomerFail,
    /// Radar blocks it: `card_declined` / `fraudulent` (4100 0000 0000 0019, 4954).
    RadarBlock,
    /// The CVC check fails when a CVC is supplied, and the payment is refused with `incorrect_cvc` (0101).
    CvcCheckFail,
    /// Needs 3-D Secure unless it was set up for off-session use first (3155).
    AuthenticationRequiredOnSetup,
    /// Needs 3-D Secure on every payment, even off-session after a setup (3184).
    AuthenticationRequired,
    /// Already set up: off-session payments succeed, on-session ones need 3-D Secure (0446).
    AuthenticationRequiredSetupForOffSession,
    /// Needs 3-D Secure, then is declined for `insufficient_funds`, off-session ones too (3178).
    AuthenticationRequiredChargeDeclinedInsufficientFunds,
    /// 3-D Secure is required on every payment and setup, then it succeeds (3220, 3063).
    ThreeDSecureRequired,
    /// 3-D Secure is required, then the payment is declined (1629).
    ThreeDSecureRequiredChargeDeclined,
}

/// The result of confirming a SetupIntent with a card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SetupOutcome {
    Succeeded,
    /// The customer must pass 3-D Secure; the card's `after_authentication` says what happens next.
    RequiresAction,
    /// Becomes the SetupIntent's `last_setup_error`.
    Failed(CardError),
}

/// The result of confirming a payment with a card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChargeOutcome {
    Succeeded,
    /// The issuer wants 3-D Secure. For a subscription's invoice this is `requires_action`; a PaymentIntent
    /// confirmed with `off_session=true` answers `CardError::authentication_required()` instead, as Stripe does.
    RequiresAction,
    /// Becomes `last_payment_error`.
    Failed(CardError),
}

/// The behaviour of a (validated) card number.
pub fn behaviour(number: &str) -> CardBehaviour {
    use CardBehaviour::*;
    match number {
        "4000000000000077" | "4000003720000278" => BypassPending,
        "4000000000000259" | "4000000000002685" | "4000000000001976" => CreateDispute,
        "4000000000000002" => ChargeDeclined,
        "4000000000009995" => InsufficientFunds,
        "4000000000009987" => LostCard,
        "4000000000009979" => StolenCard,
        "4000000000000069" => ExpiredCard,
        "4000000000000127" => IncorrectCvc,
        "4000000000000119" => ProcessingError,
        "4000000000006975" => VelocityLimitExceeded,
        "4000000000000341" => ChargeCustomerFail,
        "4100000000000019" | "4000000000004954" => RadarBlock,
        "4000000000000101" => CvcCheckFail,
        "4000002500003155" => AuthenticationRequiredOnSetup,
        "4000002760003184" => AuthenticationRequired,
        "4000003800000446" => AuthenticationRequiredSetupForOffSession,
        "4000008260003178" => AuthenticationRequiredChargeDeclinedInsufficientFunds,
        "4000000000003220" | "4000000000003063" => ThreeDSecureRequired,
        "4000008400001629" => ThreeDSecureRequiredChargeDeclined,
        _ => Succeeds,
    }
}

impl CardBehaviour {
    /// Every behaviour, for exhaustive tests and for listing.
    pub const ALL: [Self; 20] = {
        use CardBehaviour::*;
        [
            Succeeds,
            BypassPending,
            CreateDispute,
            ChargeDeclined,
            InsufficientFunds,
            LostCard,
            StolenCard,
            ExpiredCard,
            IncorrectCvc,
            ProcessingError,
            VelocityLimitExceeded,
            ChargeCustomerFail,
            RadarBlock,
            CvcCheckFail,
            AuthenticationRequiredOnSetup,
            AuthenticationRequired,
            AuthenticationRequiredSetupForOffSession,
            AuthenticationRequiredChargeDeclinedInsufficientFunds,
            ThreeDSecureRequired,
            ThreeDSecureRequiredChargeDeclined,
        ]
    };

    /// The stored key, the same text serde writes.
    pub fn as_str(self) -> &'static str {
        use CardBehaviour::*;
        match self {
            Succeeds => "succeeds",
            BypassPending => "bypass_pending",
            CreateDispute => "create_dispute",
            ChargeDeclined => "charge_declined",
            InsufficientFunds => "insufficient_funds",
            LostCard => "lost_card",
            StolenCard => "stolen_card",
            ExpiredCard => "expired_card",
            IncorrectCvc => "incorrect_cvc",
            ProcessingError => "processing_error",
            VelocityLimitExceeded => "velocity_limit_exceeded",
            ChargeCustomerFail => "charge_customer_fail",
            RadarBlock => "radar_block",
            CvcCheckFail => "cvc_check_fail",
            AuthenticationRequiredOnSetup => "authentication_required_on_setup",
            AuthenticationRequired => "authentication_required",
            AuthenticationRequiredSetupForOffSession => "authentication_required_setup_for_off_session",
            AuthenticationRequiredChargeDeclinedInsufficientFunds => {
                "authentication_required_charge_declined_insufficient_funds"
            }
            ThreeDSecureRequired => "three_d_secure_required",
            ThreeDSecureRequiredChargeDeclined => "three_d_secure_required_charge_declined",
        }
    }

    /// Reads a stored key back.
    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|b| b.as_str() == key)
    }

    /// The error the issuer answers with for the cards that refuse outright, before any authentication.
    fn decline(self, cvc_supplied: bool) -> Option<CardError> {
        use CardBehaviour::*;
        Some(match self {
            ChargeDeclined => CardError::declined("generic_decline"),
            InsufficientFunds => CardError::declined("insufficient_funds"),
            LostCard => CardError::declined("lost_card"),
            StolenCard => CardError::declined("stolen_card"),
            VelocityLimitExceeded => CardError::declined("card_velocity_exceeded"),
            RadarBlock => CardError::declined("fraudulent"),
            ExpiredCard => CardError::expired_card(),
            ProcessingError => CardError::processing_error(),
            // Verification checks only run on what was provided: no CVC, nothing to fail.
            IncorrectCvc | CvcCheckFail if cvc_supplied => CardError::incorrect_cvc(),
            _ => return None,
        })
    }

    /// Attaching a card to a customer verifies it with the issuer, so the declining cards fail here already;
    /// 0341 is the exception that attaches fine and fails later. Authentication is not asked on attach.
    pub fn attach(self, cvc_supplied: bool) -> Result<(), CardError> {
        self.decline(cvc_supplied).map_or(Ok(()), Err)
    }

    /// Confirming a SetupIntent. The 3-D Secure cards ask for authentication whatever the `usage`, except 0446
    /// which Stripe treats as already set up; the caller records a succeeded `off_session` setup and passes it
    /// back to [`charge`](Self::charge) as `set_up_for_off_session`.
    pub fn setup(self, off_session_usage: bool, cvc_supplied: bool) -> SetupOutcome {
        use CardBehaviour::*;
        // Stripe's test cards behave the same for either usage; kept so a real processor can differ.
        let _ = off_session_usage;
        if let Err(error) = self.attach(cvc_supplied) {
            return SetupOutcome::Failed(error);
        }
        match self {
            AuthenticationRequiredOnSetup
            | AuthenticationRequired
            | AuthenticationRequiredChargeDeclinedInsufficientFunds
            | ThreeDSecureRequired
            | ThreeDSecureRequiredChargeDeclined => SetupOutcome::RequiresAction,
            _ => SetupOutcome::Succeeded,
        }
    }

    /// Confirming a payment. `off_session` is whether the customer is absent (a renewal, `off_session=true`);
    /// `set_up_for_off_session` whether an off-session setup of this card has succeeded before.
    pub fn charge(self, off_session: bool, set_up_for_off_session: bool, cvc_supplied: bool) -> ChargeOutcome {
        use CardBehaviour::*;
        if let Some(error) = self.decline(cvc_supplied) {
            return ChargeOutcome::Failed(error);
        }
        match self {
            ChargeCustomerFail => ChargeOutcome::Failed(CardError::declined("generic_decline")),
            AuthenticationRequiredOnSetup if set_up_for_off_session => ChargeOutcome::Succeeded,
            AuthenticationRequiredSetupForOffSession if off_session => ChargeOutcome::Succeeded,
            AuthenticationRequiredChargeDeclinedInsufficientFunds if off_session && set_up_for_off_session => {
                ChargeOutcome::Failed(CardError::declined("insufficient_funds"))
            }
            AuthenticationRequiredOnSetup
            | AuthenticationRequired
            | AuthenticationRequiredSetupForOffSession
            | AuthenticationRequiredChargeDeclinedInsufficientFunds
            | ThreeDSecureRequired
            | ThreeDSecureRequiredChargeDeclined => ChargeOutcome::RequiresAction,
            _ => ChargeOutcome::Succeeded,
        }
    }

    /// What happens once the customer passes 3-D Secure on a payment: most cards go through, two are declined
    /// anyway. A setup always succeeds after authentication.
    pub fn after_authentication(self) -> Result<(), CardError> {
        match self {
            Self::AuthenticationRequiredChargeDeclinedInsufficientFunds => {
                Err(CardError::declined("insufficient_funds"))
            }
            Self::ThreeDSecureRequiredChargeDeclined => Err(CardError::declined("generic_decline")),
            _ => Ok(()),
        }
    }

    /// `card.checks.cvc_check` after the issuer has seen the card: null when no CVC was given.
    pub fn cvc_check(self, cvc_supplied: bool) -> Option<&'static str> {
        match self {
            _ if !cvc_supplied => None,
            Self::IncorrectCvc | Self::CvcCheckFail => Some("fail"),
            _ => Some("pass"),
        }
    }

    /// Whether a successful charge on this card is disputed straight away.
    pub fn creates_dispute(self) -> bool {
        self == Self::CreateDispute
    }

    /// Whether a successful charge is available at once instead of pending.
    pub fn bypasses_pending(self) -> bool {
        self == Self::BypassPending
    }
}

#[cfg(test)]
mod tests;
