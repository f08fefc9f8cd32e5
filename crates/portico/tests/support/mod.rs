//! Real `portico` processes for the tests of this crate: spawned, read line by line, killed when dropped.

// Each test binary uses part of these helpers.
#![allow(dead_code)]

use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader, Lines};
use tokio::process::{Child, ChildStdout, Command};

/// `portico` with `args`, its stdout read line by line; killed when dropped.
pub fn portico(args: &[&str], env: &[(&str, &str)]) -> (Child, Lines<BufReader<ChildStdout>>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_portico"))
        .args(args)
        .envs(env.iter().copied())
        .env("PORTICO_LOG", "warn")
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("spawn portico");
    let lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    (child, lines)
}

/// Reads lines until one starts with `prefix`; returns the rest of it.
pub async fn line_after(lines: &mut Lines<BufReader<ChildStdout>>, prefix: &str) -> String {
    let found = tokio::time::timeout(Duration::from_secs(60), async {
        while let Some(line) = lines.next_line().await.expect("read stdout") {
            if let Some(rest) = line.strip_prefix(prefix) {
                return rest.to_owned();
            }
        }
        panic!("portico exited before printing `{prefix}`");
    });
    found.await.expect("portico printed in time")
}

/// Reads lines until one contains `needle`; returns it.
pub async fn line_with(lines: &mut Lines<BufReader<ChildStdout>>, needle: &str) -> String {
    let found = tokio::time::timeout(Duration::from_secs(60), async {
        while let Some(line) = lines.next_line().await.expect("read stdout") {
            if line.contains(needle) {
                return line;
            }
        }
        panic!("portico exited before printing `{needle}`");
    });
    found.await.expect("portico printed in time")
}

/// A `portico serve` on `database_url`; returns the process, its stdout and its base URL.
pub async fn serve(database_url: &str, key: &str) -> (Child, Lines<BufReader<ChildStdout>>, String) {
    let env = [("PORTICO_SECRET_KEY", key), ("PORTICO_WEBHOOK_RETRY_FIRST_SECS", "1")];
    let (child, mut lines) = portico(&["serve", "--listen", "127.0.0.1:0", "--database-url", database_url], &env);
    let rest = line_after(&mut lines, "Portico is listening on ").await;
    let url = rest.split_whitespace().next().expect("url").to_owned();
    (child, lines, url)
}
