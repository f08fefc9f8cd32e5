//! `portico serve | migrate | demo`.

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
    },
    /// Apply database migrations and exit.
    Migrate {
        #[command(flatten)]
        database: Database,
    },
    /// Fill a fresh database with a demo catalogue and customers, and print what to open.
    Demo {
        #[arg(long, env = "PORTICO_DATABASE_URL", default_value = "sqlite://portico-demo.db")]
        database_url: String,
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
        Command::Serve { database, listen, public_url, secret_key } => {
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
            portico::serve(listener, portico::app(store.clone(), public_url, &boot), store).await?;
        }
        Command::Demo { database_url, secret_key } => {
            portico::demo::run(&database_url, secret_key.as_deref(), now()).await?;
        }
    }
    Ok(())
}
