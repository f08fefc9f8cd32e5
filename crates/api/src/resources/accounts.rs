//! Connected accounts: https://docs.stripe.com/api/accounts
//! Connected accounts are stored in the platform's scope; their own objects live in their own scope.

use axum::extract::Path;
use portico_core::objects::account::{Account, AccountCreate, AccountUpdate};
use portico_core::objects::{Deleted, Event, Object};
use portico_store::TxExt;
use serde_json::json;

use crate::context::Ctx;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ListParams, NoParams, Params};
use crate::respond;

fn platform_only(ctx: &Ctx) -> Result<(), ApiError> {
    if ctx.connected_account().is_some() {
        return Err(ApiError::invalid_request(
            "Connected accounts cannot manage other accounts: omit the Stripe-Account header.",
        ));
    }
    Ok(())
}

/// https://docs.stripe.com/api/accounts/create
pub async fn create(ctx: Ctx, Params { params, expand }: Params<AccountCreate>) -> ApiResult {
    platform_only(&ctx)?;
    let account = Account::create(params, ctx.now())?;
    let mut tx = ctx.tx().await;
    tx.create(ctx.scope(), &account).await?;
    // Stripe has no `account.created` event; a new connected account is announced with `account.updated`.
    respond::emit(&ctx, &mut **tx, "account.updated", &account, None).await?;
    respond::object(&ctx, &mut **tx, &account, &expand).await
}

/// The account the request acts as (`GET /v1/account`): https://docs.stripe.com/api/accounts/retrieve
pub async fn retrieve_current(ctx: Ctx, Params { expand, .. }: Params<NoParams>) -> ApiResult {
    let key_scope = ctx.key_scope();
    let id = ctx.connected_account().map(str::to_owned).unwrap_or_else(|| key_scope.account.clone());
    let mut tx = ctx.tx().await;
    let account =
        tx.load::<Account>(&key_scope, &id).await?.ok_or_else(|| ApiError::no_such("account", &id, "account"))?;
    respond::object(&ctx, &mut **tx, &account, &expand).await
}

/// https://docs.stripe.com/api/accounts/retrieve
pub async fn retrieve(ctx: Ctx, Path(id): Path<String>, Params { expand, .. }: Params<NoParams>) -> ApiResult {
    let key_scope = ctx.key_scope();
    if ctx.connected_account().is_some_and(|acting| acting != id) {
        return Err(ApiError::no_such("account", &id, "account"));
    }
    let mut tx = ctx.tx().await;
    let account =
        tx.load::<Account>(&key_scope, &id).await?.ok_or_else(|| ApiError::no_such("account", &id, "account"))?;
    respond::object(&ctx, &mut **tx, &account, &expand).await
}

/// https://docs.stripe.com/api/accounts/update
pub async fn update(ctx: Ctx, Path(id): Path<String>, Params { params, expand }: Params<AccountUpdate>) -> ApiResult {
    platform_only(&ctx)?;
    let mut tx = ctx.tx().await;
    let mut account = tx
        .load_for_update::<Account>(ctx.scope(), &id)
        .await?
        .ok_or_else(|| ApiError::no_such("account", &id, "account"))?;
    let before = serde_json::to_value(&account).map_err(ApiError::internal)?;
    account.update(params)?;
    tx.save(ctx.scope(), &account).await?;
    respond::emit(&ctx, &mut **tx, "account.updated", &account, Some(&before)).await?;
    respond::object(&ctx, &mut **tx, &account, &expand).await
}

/// https://docs.stripe.com/api/accounts/delete
pub async fn delete(ctx: Ctx, Path(id): Path<String>, _: Params<NoParams>) -> ApiResult {
    platform_only(&ctx)?;
    if id == ctx.scope().account {
        return Err(
            ApiError::invalid_request("The platform account cannot be deleted through the API.").with_param("account")
        );
    }
    let mut tx = ctx.tx().await;
    let account = tx
        .load_for_update::<Account>(ctx.scope(), &id)
        .await?
        .ok_or_else(|| ApiError::no_such("account", &id, "account"))?;
    tx.remove(ctx.scope(), &account).await?;
    // The event names the connected account and carries the platform's application, as Stripe's does.
    let application = json!({
        "id": format!("ca_{}", ctx.scope().account.trim_start_matches("acct_")),
        "object": "application",
        "name": null,
    });
    let event = Event::new(
        "account.application.deauthorized",
        application,
        None,
        ctx.scope().livemode,
        Some(account.id.clone()),
        ctx.request(),
        ctx.now(),
    );
    tx.create(ctx.scope(), &event).await?;
    Ok(respond::json_response(&serde_json::to_value(Deleted::of(&account)).map_err(ApiError::internal)?))
}

/// https://docs.stripe.com/api/accounts/list — the platform's connected accounts.
pub async fn list(ctx: Ctx, ListParams { page, expand, .. }: ListParams<NoParams>) -> ApiResult {
    platform_only(&ctx)?;
    let mut tx = ctx.tx().await;
    let (mut accounts, has_more) = tx.list_typed::<Account>(ctx.scope(), &page).await?;
    // The platform's own account object lives in the same scope; it is not one of its connected accounts.
    accounts.retain(|a| a.id != ctx.scope().account);
    respond::list(&ctx, &mut **tx, Account::KIND, "/v1/accounts", &accounts, has_more, &expand).await
}
