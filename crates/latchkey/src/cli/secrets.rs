//! `latchkey secrets …`: rotating the server's secret key. The procedure
//! (docs/operations.md#rotating-the-secret-key): every instance learns the
//! new key as retired, then as current with the old one retired; then
//! `rotate` moves every sealed secret to it; then the old key goes.

use clap::Subcommand;

use super::{Outcome, UsageError};
use crate::config::LoadedConfig;
use crate::store::{SEALED_PLACES, Store};

#[derive(Debug, Subcommand)]
pub enum SecretsCommand {
    /// The current key's id and the retired keys' ids (fingerprints, never
    /// the keys), and how many sealed secrets each place holds under which.
    Status,
    /// Re-seal every stored secret under the current key. Exit 0 when every
    /// one is under it now, 1 when some could be opened by no key given.
    Rotate,
}

pub fn run(command: SecretsCommand, config: &LoadedConfig) -> Result<Outcome, UsageError> {
    let key = super::secret_key(&config.config, false)?;
    println!("Current key: {}", key.id());
    for id in key.retired_ids() {
        println!("Retired key: {id}");
    }
    super::runtime()?.block_on(async {
        let store = Store::open(&config.config.database.url)
            .await
            .map_err(|e| UsageError(e.to_string()))?;
        let mut unreadable = 0;
        for place in &SEALED_PLACES {
            let apply = matches!(command, SecretsCommand::Rotate);
            let outcome = store
                .reseal(place, &key, apply)
                .await
                .map_err(|e| UsageError(e.to_string()))?;
            unreadable += outcome.unreadable;
            match command {
                SecretsCommand::Status => println!(
                    "{}: {} under the current key, {} under a retired one, {} under no key given",
                    place.name, outcome.current, outcome.moved, outcome.unreadable
                ),
                SecretsCommand::Rotate => println!(
                    "{}: {} moved to the current key, {} were already, {} opened by no key given",
                    place.name, outcome.moved, outcome.current, outcome.unreadable
                ),
            }
        }
        store.close().await;
        Ok(match (command, unreadable) {
            (SecretsCommand::Rotate, 1..) => Outcome::Refused,
            _ => Outcome::Success,
        })
    })
}
