//! Where a command's settings come from: its flags, `NEWSDESK_…`
//! environment variables, and an optional TOML file (`--config FILE` or
//! `NEWSDESK_CONFIG`), in that order of precedence, then the defaults.
//!
//! The settings are the flags that have an environment variable; the
//! others (ingest's `--outlet`, search's filters) belong to one run. The
//! file's keys are the settings' long names (`addr = "0.0.0.0:8080"`,
//! `max-queued = 128`, `cors-origin = ["https://a.example"]`). Each command
//! takes the keys it has and leaves the others, so one file can serve
//! `serve` and `ingest`; a key that no command has is an error, named with
//! its line, as a misspelt setting would otherwise be ignored in silence.
//!
//! clap does the parsing and checking of every value, wherever it comes
//! from: the file's settings that neither a flag nor the environment gave
//! are added to the command line as flags, and the whole is parsed again.

use std::collections::BTreeSet;
use std::ffi::OsString;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use clap::parser::ValueSource;
use clap::{ArgMatches, CommandFactory, FromArgMatches};
use toml::de::{DeTable, DeValue};

use super::args::Cli;

/// The command line, read with its settings file.
pub struct Parsed {
    pub cli: Cli,
    /// What `--print-settings` shows: each setting, its value, and where
    /// that came from.
    pub report: String,
}

/// A setting taken from the file.
struct FromFile {
    key: String,
    line: usize,
    flags: Vec<OsString>,
}

/// Parses `args` (the program name first) with the settings file they name.
/// clap's own errors (and `--help`) come back as `Err(clap::Error)` for the
/// caller to print; problems with the file as an error that names it.
pub fn parse_from(args: Vec<OsString>) -> Result<Result<Parsed, String>, clap::Error> {
    let mut command = Cli::command();
    command.build();
    let matches = command.clone().try_get_matches_from(&args)?;
    if let Some(message) = misplaced(&command, &matches) {
        return Ok(Err(message));
    }
    let Some(file) = matches.get_one::<PathBuf>("config").cloned() else {
        let cli = Cli::from_arg_matches(&matches)?;
        let report = report(&command, &matches, &[], None);
        return Ok(Ok(Parsed { cli, report }));
    };
    let taken = match from_file(&file, &command, &matches) {
        Ok(taken) => taken,
        Err(message) => return Ok(Err(message)),
    };
    let mut args = args;
    // Before a `--`, after which everything is a positional argument.
    let at = args
        .iter()
        .position(|arg| arg == "--")
        .unwrap_or(args.len());
    args.splice(at..at, taken.iter().flat_map(|set| set.flags.clone()));
    let matches = match command.clone().try_get_matches_from(&args) {
        Ok(matches) => matches,
        Err(err) => return Ok(Err(explain(err, &file, &taken))),
    };
    let cli = Cli::from_arg_matches(&matches)?;
    let report = report(&command, &matches, &taken, Some(&file));
    Ok(Ok(Parsed { cli, report }))
}

/// The settings of `file` that the running command has and that neither a
/// flag nor the environment gave, as flags.
fn from_file(
    file: &Path,
    command: &clap::Command,
    matches: &ArgMatches,
) -> Result<Vec<FromFile>, String> {
    let name = file.display();
    let text = std::fs::read_to_string(file)
        .map_err(|err| format!("could not read the settings file {name}: {err}"))?;
    let table = DeTable::parse(&text).map_err(|err| {
        format!(
            "the settings file {name} is not valid TOML: {}",
            err.to_string().trim_end()
        )
    })?;
    let (running, matches) = leaf(command, matches);
    let known = every_setting(command);
    let folder = file.parent().unwrap_or(Path::new("."));
    let mut taken = Vec::new();
    for (key, value) in table.get_ref() {
        let line = line_of(&text, key.span().start);
        let key = key.get_ref().as_ref();
        if !known.contains(key) {
            return Err(format!(
                "{name}:{line}: `{key}` is not a setting; the settings are the flags' long \
                 names: {}",
                known.iter().cloned().collect::<Vec<_>>().join(", ")
            ));
        }
        let Some(arg) = running
            .get_arguments()
            .find(|arg| arg.get_long() == Some(key) && arg.get_env().is_some())
        else {
            continue;
        };
        let id = arg.get_id().as_str();
        if matches!(
            matches.value_source(id),
            Some(ValueSource::CommandLine | ValueSource::EnvVariable)
        ) {
            continue;
        }
        let is_path = arg
            .get_value_names()
            .is_some_and(|names| names.iter().any(|n| *n == "FILE" || *n == "DIR"));
        let values =
            scalars(value.get_ref()).map_err(|what| format!("{name}:{line}: `{key}` {what}"))?;
        let mut flags = Vec::new();
        for value in values {
            if !arg.get_action().takes_values() {
                match value.as_str() {
                    "true" => flags.push(OsString::from(format!("--{key}"))),
                    "false" => {}
                    _ => {
                        return Err(format!(
                            "{name}:{line}: `{key}` is true or false, not {value}"
                        ));
                    }
                }
                continue;
            }
            let value = if is_path && Path::new(&value).is_relative() {
                folder.join(&value).into_os_string()
            } else {
                OsString::from(value)
            };
            let mut flag = OsString::from(format!("--{key}="));
            flag.push(value);
            flags.push(flag);
        }
        taken.push(FromFile {
            key: key.to_string(),
            line,
            flags,
        });
    }
    Ok(taken)
}

/// `newsdesk --addr X ingest …`: one of the server's flags, which may come
/// without a command, given with another command. (clap's
/// `args_conflicts_with_subcommands` would say so, but also refuses global
/// flags such as `--config` before the command.)
fn misplaced(command: &clap::Command, matches: &ArgMatches) -> Option<String> {
    let (name, _) = matches.subcommand()?;
    let flag = command
        .get_arguments()
        .filter(|arg| !arg.is_global_set())
        .filter(|arg| matches.value_source(arg.get_id().as_str()) == Some(ValueSource::CommandLine))
        .find_map(|arg| arg.get_long())?;
    Some(format!(
        "--{flag} is given before the command `{name}`: flags go after the command they are \
         for (`newsdesk serve --{flag} …` for the server)"
    ))
}

/// The subcommand that runs, and its matches.
fn leaf<'a>(
    command: &'a clap::Command,
    matches: &'a ArgMatches,
) -> (&'a clap::Command, &'a ArgMatches) {
    match matches.subcommand() {
        Some((name, sub)) => match command.find_subcommand(name) {
            Some(found) => leaf(found, sub),
            None => (command, matches),
        },
        None => (command, matches),
    }
}

/// The long names of the settings of every command; not `--config`, which
/// names the file.
fn every_setting(command: &clap::Command) -> BTreeSet<String> {
    let mut names: BTreeSet<String> = command
        .get_arguments()
        .filter(|arg| arg.get_env().is_some())
        .filter_map(|arg| arg.get_long())
        .filter(|long| *long != "config")
        .map(str::to_string)
        .collect();
    for sub in command.get_subcommands() {
        names.extend(every_setting(sub));
    }
    names
}

/// A value as the strings to give its flag: one, or one an element.
fn scalars(value: &DeValue<'_>) -> Result<Vec<String>, &'static str> {
    match value {
        DeValue::String(text) => Ok(vec![text.to_string()]),
        DeValue::Integer(number) => Ok(vec![number.as_str().replace('_', "")]),
        DeValue::Float(number) => Ok(vec![number.as_str().replace('_', "")]),
        DeValue::Boolean(flag) => Ok(vec![flag.to_string()]),
        DeValue::Datetime(datetime) => Ok(vec![datetime.to_string()]),
        DeValue::Array(items) => {
            let mut all = Vec::new();
            for item in items {
                match item.get_ref() {
                    DeValue::Array(_) | DeValue::Table(_) => {
                        return Err("is a list of values, not of lists or tables");
                    }
                    item => all.extend(scalars(item)?),
                }
            }
            Ok(all)
        }
        DeValue::Table(_) => Err("is a value (or a list of values), not a table"),
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    1 + text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&byte| byte == b'\n')
        .count()
}

/// clap's complaint about a value, told as one about the file when the
/// value came from there.
fn explain(err: clap::Error, file: &Path, taken: &[FromFile]) -> String {
    let message = err.render().to_string();
    let first = message
        .lines()
        .next()
        .unwrap_or_default()
        .trim_start_matches("error: ");
    let culprit = taken.iter().find(|set| {
        let flag = format!("'--{} ", set.key);
        let bare = format!("'--{}'", set.key);
        first.contains(&flag) || first.contains(&bare)
    });
    match culprit {
        Some(set) => format!("{}:{}: `{}`: {first}", file.display(), set.line, set.key),
        None => format!("{first} (with the settings of {})", file.display()),
    }
}

/// Each setting of the running command: its value and where it came from.
fn report(
    command: &clap::Command,
    matches: &ArgMatches,
    taken: &[FromFile],
    file: Option<&Path>,
) -> String {
    let (running, matches) = leaf(command, matches);
    let mut out = String::new();
    for arg in running.get_arguments() {
        let Some(long) = arg.get_long() else { continue };
        if arg.get_env().is_none() {
            continue;
        }
        let id = arg.get_id().as_str();
        let value = match matches.get_raw(id) {
            Some(_) if arg.is_hide_env_values_set() => "(set, not shown)".to_string(),
            Some(values) => values
                .map(|value| value.to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join(","),
            None => "(none)".to_string(),
        };
        let source = match (
            matches.value_source(id),
            taken.iter().find(|set| set.key == long),
            file,
        ) {
            (Some(ValueSource::CommandLine), Some(set), Some(file)) => {
                format!("{}:{}", file.display(), set.line)
            }
            (Some(ValueSource::CommandLine), _, _) => "flag".to_string(),
            (Some(ValueSource::EnvVariable), _, _) => {
                arg.get_env().map_or("environment".to_string(), |name| {
                    format!("${}", name.to_string_lossy())
                })
            }
            (Some(ValueSource::DefaultValue), _, _) => "default".to_string(),
            _ => "unset".to_string(),
        };
        let _ = writeln!(out, "{long:<20} {value:<32} {source}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(file: &str, args: &[&str]) -> Result<Parsed, String> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("newsdesk.toml");
        std::fs::write(&path, file).unwrap();
        let mut argv = vec![
            OsString::from("newsdesk"),
            OsString::from("--config"),
            path.clone().into_os_string(),
        ];
        argv.extend(args.iter().map(OsString::from));
        parse_from(argv)
            .map_err(|err| err.to_string())
            .and_then(|parsed| parsed)
            .map_err(|message| message.replace(&path.display().to_string(), "FILE"))
    }

    fn serve_args(parsed: &Parsed) -> &crate::cli::args::ServeArgs {
        match &parsed.cli.command {
            Some(crate::cli::args::Command::Serve(args)) => args,
            None => &parsed.cli.serve,
            Some(other) => panic!("not serve: {other:?}"),
        }
    }

    #[test]
    fn the_file_gives_what_no_flag_gives() {
        let parsed = parse(
            "max-queued = 7\ncors-origin = [\"https://a.example\", \"https://b.example\"]\n",
            &["serve"],
        )
        .unwrap();
        let args = serve_args(&parsed);
        assert_eq!(args.max_queued, 7);
        assert_eq!(
            args.cors_origins,
            ["https://a.example", "https://b.example"]
        );
        assert!(
            parsed
                .report
                .lines()
                .any(|line| line.starts_with("max-queued") && line.ends_with("newsdesk.toml:1")),
            "{}",
            parsed.report
        );
    }

    #[test]
    fn a_flag_beats_the_file() {
        let parsed = parse("max-queued = 7\n", &["serve", "--max-queued", "9"]).unwrap();
        assert_eq!(serve_args(&parsed).max_queued, 9);
        // The default command reads the file too.
        let parsed = parse("max-queued = 7\n", &[]).unwrap();
        assert_eq!(serve_args(&parsed).max_queued, 7);
    }

    #[test]
    fn relative_paths_in_the_file_are_relative_to_the_file() {
        let parsed = parse("index = \"data/index\"\nno-sample = true\n", &["serve"]).unwrap();
        let args = serve_args(&parsed);
        assert!(args.index.index.ends_with("data/index"));
        assert!(args.index.index.is_absolute());
        assert!(args.no_sample);
    }

    #[test]
    fn settings_of_other_commands_are_left_alone() {
        // `commit-interval` is ingest's; serve does not have it.
        let parsed = parse(
            "commit-interval = 5\naddr = \"127.0.0.1:9999\"\n",
            &["serve"],
        );
        assert_eq!(serve_args(&parsed.unwrap()).addr.port(), 9999);
    }

    #[test]
    fn an_unknown_setting_is_named_with_its_line() {
        let err = parse("addr = \"127.0.0.1:1\"\nmax-queue = 7\n", &["serve"])
            .err()
            .unwrap();
        assert!(
            err.starts_with("FILE:2: `max-queue` is not a setting"),
            "{err}"
        );
        assert!(err.contains("max-queued"), "{err}");
    }

    #[test]
    fn a_bad_value_is_named_with_its_line() {
        let err = parse("\n\nmax-queued = \"lots\"\n", &["serve"])
            .err()
            .unwrap();
        assert!(err.starts_with("FILE:3: `max-queued`"), "{err}");
        assert!(err.contains("lots"), "{err}");
        let err = parse("max-queued = { a = 1 }\n", &["serve"]).err().unwrap();
        assert!(err.starts_with("FILE:1: `max-queued` is a value"), "{err}");
        let err = parse("max-queued = [\n", &["serve"]).err().unwrap();
        assert!(
            err.starts_with("the settings file FILE is not valid TOML"),
            "{err}"
        );
    }

    #[test]
    fn a_flag_before_another_command_is_refused() {
        let argv = ["newsdesk", "--addr", "127.0.0.1:1", "ingest", "x"];
        let err = parse_from(argv.iter().map(OsString::from).collect())
            .unwrap()
            .err()
            .unwrap();
        assert!(
            err.starts_with("--addr is given before the command `ingest`"),
            "{err}"
        );
    }

    #[test]
    fn a_missing_file_is_an_error_that_names_it() {
        let err = parse_from(vec![
            OsString::from("newsdesk"),
            OsString::from("--config"),
            OsString::from("/nonexistent/newsdesk.toml"),
        ])
        .unwrap()
        .err()
        .unwrap();
        assert!(err.contains("/nonexistent/newsdesk.toml"), "{err}");
    }
}
