//! `latchkey policy check`: one password, or a list with `--batch`.

use std::io::{self, BufRead, BufWriter, Write};

use clap::{Args, Subcommand};
use latchkey_policy::{Person, Policy};

use super::{
    Outcome, UsageError, each_password_line, outcome, output_error, print_verdict,
    read_one_password,
};
use crate::config::LoadedConfig;

#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// Check a password read from standard input against the policy.
    ///
    /// Exit 0 when accepted, 1 when rejected, 2 on a usage or config error.
    Check(CheckArgs),
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The account's username (the password must not contain it).
    #[arg(long)]
    username: String,
    /// The person's full name (the password must not contain any part of it).
    #[arg(long)]
    name: String,
    /// The person's email address (its name part counts as a username).
    #[arg(long)]
    email: Option<String>,
    /// The person has no second factor registered (the password alone
    /// signs them in; `policy.min_length_single_factor` applies).
    #[arg(long)]
    single_factor: bool,
    /// Print the verdict as JSON: {"accepted": bool, "violations": [{"rule", "message"}]}.
    #[arg(long)]
    json: bool,
    /// Read one password per line and print one JSON verdict per line, in order.
    #[arg(long)]
    batch: bool,
}

pub fn run(command: PolicyCommand, config: &LoadedConfig) -> Result<Outcome, UsageError> {
    match command {
        PolicyCommand::Check(args) => check(&args, &config.policy()?),
    }
}

fn check(args: &CheckArgs, policy: &Policy) -> Result<Outcome, UsageError> {
    let person = Person {
        username: &args.username,
        name: &args.name,
        email: args.email.as_deref(),
        second_factor: !args.single_factor,
    };
    let stdin = io::stdin().lock();
    let stdout = io::stdout().lock();
    if args.batch {
        return check_batch(policy, &person, stdin, BufWriter::new(stdout));
    }
    let password = read_one_password(stdin)?;
    let verdict = policy.check(&password, &person);
    print_verdict(&verdict, args.json, stdout).map_err(output_error)?;
    Ok(outcome(verdict.accepted()))
}

fn check_batch(
    policy: &Policy,
    person: &Person<'_>,
    input: impl BufRead,
    mut output: impl Write,
) -> Result<Outcome, UsageError> {
    let mut all_accepted = true;
    each_password_line(input, |_, password| {
        let verdict = policy.check(password, person);
        all_accepted &= verdict.accepted();
        serde_json::to_writer(&mut output, &verdict).map_err(|e| output_error(e.into()))?;
        output.write_all(b"\n").map_err(output_error)
    })?;
    output.flush().map_err(output_error)?;
    Ok(outcome(all_accepted))
}
