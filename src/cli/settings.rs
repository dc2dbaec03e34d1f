//! `halqa admin settings {show, set}`: the node settings (registration mode, allowed email
//! domains, instance name, description, contact, rules, default language, hide counts, limits).
use activitypub_federation::config::Data;
use clap::Subcommand;
use halqa::{AppState, service::settings};

#[derive(Subcommand)]
pub enum SettingsCommand {
    /// Print the settings in force.
    Show {
        #[arg(long)]
        json: bool,
    },
    /// Change one setting. Lists are comma-separated (rules: separated by `|`), or JSON.
    Set { key: String, value: String },
}

pub async fn run(data: &Data<AppState>, command: SettingsCommand) -> anyhow::Result<()> {
    match command {
        SettingsCommand::Show { json } => {
            let current = settings::current(&data.db.read, &data.config).await?;
            if json {
                super::print_json(&current)?;
            } else {
                let value = current.to_json();
                for key in settings::KEYS {
                    println!("{key:<38} {}", value[key]);
                }
            }
        }
        SettingsCommand::Set { key, value } => {
            let parsed = settings::parse_cli_value(&key, &value)?;
            let updated = settings::update(data, None, &[(key.clone(), parsed)]).await?;
            println!("{key} = {}", updated.to_json()[key.as_str()]);
        }
    }
    Ok(())
}
