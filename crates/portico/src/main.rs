//! `portico serve | migrate | demo | listen`.

use std::time::{SystemTime, UNIX_EPOCH};

use clap::{Parser, Subcommand};
use tokio::net::TcpListener;
use tracing_subscriber::EnvFilter;

#[derive(Parser)]
#[command(
    name = "portico",
    version,
    about = "Self-hosted, Stripe-API-compatible billing server with a customer portal"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Args, Clone)]
struct Database {
    /// `sqlite://path` (created if missing) or `postgres://user:password@host/db`.
    #[arg(long, env = "PORTICO_DATABASE_URL", default_value = "sqlite://portico.db")]
    database_url: String,
}

/// Webhook delivery: Stripe's retry policy by default (exponential backoff from one minute, at most 12 hours
/// apart, for three days); tests compress it.
#[derive(clap::Args, Clone)]
struct WebhookFlags {
    /// Seconds before the first retry of a failed delivery (doubling after each failure).
    #[arg(long, env = "PORTICO_WEBHOOK_RETRY_FIRST_SECS", default_value_t = 60)]
    webhook_retry_first_secs: i64,
    /// Longest wait between two retries, in seconds.
    #[arg(long, env = "PORTICO_WEBHOOK_RETRY_LONGEST_SECS", default_value_t = 12 * 3600)]
    webhook_retry_longest_secs: i64,
    /// Seconds after the first attempt when a delivery is given up.
    #[arg(long, env = "PORTICO_WEBHOOK_GIVE_UP_SECS", default_value_t = 3 * 86_400)]
    webhook_give_up_secs: i64,
    /// Seconds a receiver has to answer.
    #[arg(long, env = "PORTICO_WEBHOOK_TIMEOUT_SECS", default_value_t = 10)]
    webhook_timeout_secs: u64,
}

impl WebhookFlags {
    fn settings(&self) -> portico_api::state::WebhookSettings {
        portico_api::state::WebhookSettings {
            retries: portico_core::webhooks::RetryPolicy {
                first: self.webhook_retry_first_secs.max(1),
                longest: self.webhook_retry_longest_secs.max(1),
                give_up_after: self.webhook_give_up_secs.max(0),
            },
            timeout: std::time::Duration::from_secs(self.webhook_timeout_secs.max(1)),
        }
    }
}

/// Customer-portal sessions: a link never opened expires 5 minutes after creation; an opened session an hour
/// after the customer's latest activity (Stripe's lifetimes); tests shorten both.
#[derive(clap::Args, Clone)]
struct PortalFlags {
    /// Seconds a portal session link stays valid when it is never opened.
    #[arg(long, env = "PORTICO_PORTAL_SESSION_UNUSED_SECS", default_value_t = 5 * 60)]
    portal_session_unused_secs: i64,
    /// Seconds an opened portal session stays valid after the customer's latest activity.
    #[arg(long, env = "PORTICO_PORTAL_SESSION_IDLE_SECS", default_value_t = 60 * 60)]
    portal_session_idle_secs: i64,
}

impl PortalFlags {
    fn lifetime(&self) -> portico_core::objects::billing_portal::session::Lifetime {
        portico_core::objects::billing_portal::session::Lifetime {
            unused_secs: self.portal_session_unused_secs.max(1),
            idle_secs: self.portal_session_idle_secs.max(1),
        }
    }
}

#[derive(Subcommand)]
enum Command {
    /// Run the server (migrations run first).
    Serve {
        #[command(flatten)]
        database: Database,
        #[arg(long, env = "PORTICO_LISTEN", default_value = "127.0.0.1:8080")]
        listen: String,
        /// Base of the URLs Portico hands out; defaults to http://<listen>.
        #[arg(long, env = "PORTICO_PUBLIC_URL")]
        public_url: Option<String>,
        /// Pins the platform's secret key (sk_test_… or sk_live_…); otherwise one is generated on first start.
        #[arg(long, env = "PORTICO_SECRET_KEY", hide_env_values = true)]
        secret_key: Option<String>,
        #[command(flatten)]
        webhooks: WebhookFlags,
        #[command(flatten)]
        portal: PortalFlags,
    },
    /// Print events as they happen on a Portico and forward them, signed, to a local handler (like `stripe listen`).
    Listen {
        /// Where to POST each event.
        #[arg(long)]
        forward_to: String,
        /// The Portico to listen to.
        #[arg(long, env = "PORTICO_API_BASE", default_value = "http://127.0.0.1:8080")]
        api_base: String,
        /// Its secret key.
        #[arg(long, env = "PORTICO_SECRET_KEY", hide_env_values = true)]
        api_key: String,
        /// Event types to forward (comma-separated), `*` for all.
        #[arg(long, value_delimiter = ',', default_value = "*")]
        events: Vec<String>,
    },
    /// Apply database migrations and exit.
    Migrate {
        #[command(flatten)]
        database: Database,
    },
    /// Serve Portico with demo data (a catalogue, customers, subscriptions) and print portal links to open.
    Demo {
        #[arg(long, env = "PORTICO_DATABASE_URL", default_value = "sqlite://portico-demo.db")]
        database_url: String,
        #[arg(long, env = "PORTICO_LISTEN", default_value = "127.0.0.1:8080")]
        listen: String,
        #[arg(long, env = "PORTICO_SECRET_KEY", hide_env_values = true)]
        secret_key: Option<String>,
    },
}

fn now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or_default()
}

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_env("PORTICO_LOG").unwrap_or_else(|_| EnvFilter::new("info")))
        .init();
    if let Err(error) = run(Cli::parse()).await {
        eprintln!("portico: {error}");
        std::process::exit(1);
    }
}

async fn run(cli: Cli) -> Result<(), Box<dyn std::error::Error>> {
    match cli.command {
        Command::Migrate { database } => {
            let store = portico_store::connect(&database.database_url).await?;
            store.migrate().await?;
            println!("Migrations applied to {}.", portico_store::redact_url(&database.database_url));
        }
        Command::Serve { database, listen, public_url, secret_key, webhooks, portal } => {
            let store = portico_store::connect(&database.database_url).await?;
            store.migrate().await?;
            let boot = portico::bootstrap::bootstrap(&*store, secret_key.as_deref(), now()).await?;
            let listener = TcpListener::bind(&listen).await?;
            let address = listener.local_addr()?;
            let public_url = public_url.unwrap_or_else(|| format!("http://{address}"));
            println!(
                "Portico is listening on {public_url} ({} database {}).",
                store.backend(),
                portico_store::redact_url(&database.database_url)
            );
            println!("Platform account: {}", boot.platform_account);
            if let Some(key) = &boot.generated_key {
                println!("\nYour secret key (shown only once; set PORTICO_SECRET_KEY to pin your own):\n\n    {key}\n");
                println!("Try it:\n\n    curl {public_url}/v1/customers -u {key}: -d email=jenny@example.com\n");
                println!(
                    "Or point an official Stripe SDK at it, e.g. Python: stripe.api_key = \"{key}\"; stripe.api_base = \"{public_url}\"\n"
                );
            }
            tracing::info!(listen = %address, backend = store.backend(), "serving");
            let webhook_settings = std::sync::Arc::new(webhooks.settings());
            let app = portico::app_with(store.clone(), public_url, &boot, |state| {
                state.webhook_settings = webhook_settings;
                state.portal_sessions = portal.lifetime();
            });
            portico::serve(listener, app, store).await?;
        }
        Command::Listen { forward_to, api_base, api_key, events } => {
            portico::listen::run(portico::listen::Options { forward_to, api_base, api_key, events }).await?;
        }
        Command::Demo { database_url, listen, secret_key } => {
            portico::demo::run(&database_url, &listen, secret_key.as_deref(), now()).await?;
        }
    }
    Ok(())
}
