//! The README's first command, as a newcomer types it at the repository
//! root: it must name one program to run whatever binaries the workspace
//! grows (the surge harness once made it fail with "could not determine
//! which binary to run").

use std::process::Command;

use crate::support::workspace;

/// The first command of the README's first `sh` block.
fn first_readme_command() -> String {
    let readme = std::fs::read_to_string(workspace().join("README.md")).unwrap();
    let block = readme.split("```sh\n").nth(1).expect("a sh block");
    block.lines().next().unwrap().trim().to_owned()
}

#[test]
fn the_readmes_first_command_runs_from_the_repository_root() {
    let command = first_readme_command();
    let (cargo_part, args) = command.split_once(" -- ").expect("cargo run … -- ARGS");
    assert!(cargo_part.starts_with("cargo run"), "{command}");
    assert!(args.starts_with("serve --demo"), "{command}");
    // The same cargo invocation in the test profile (what this test build
    // compiled already), asking for the version instead of serving.
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let flags: Vec<&str> = cargo_part
        .split_whitespace()
        .skip(2)
        .filter(|flag| *flag != "--release")
        .collect();
    let output = Command::new(cargo)
        .args(["run", "--quiet"])
        .args(&flags)
        .args(["--", "--version"])
        .current_dir(workspace())
        .output()
        .unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
    );
    assert!(output.status.success(), "{command}: {stderr}");
    assert!(stdout.starts_with("latchkey "), "{stdout}");
}
