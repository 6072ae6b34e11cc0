//! How the command line shows long work ([`crate::progress`]): a bar per stage on a terminal
//! (indicatif: items done of the total, files planned and written, bytes, rate, time left),
//! a few plain lines elsewhere (one when a stage ends, one every [`LINE_EVERY`] while it
//! runs), nothing with `--quiet`. Everything goes to stderr; the summary line a command
//! prints at the end stays on stdout.

use std::{
    io::IsTerminal as _,
    sync::{Arc, Mutex, PoisonError},
    time::{Duration, Instant},
};

use indicatif::{HumanBytes, HumanCount, ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::progress::{Progress, Tally};

/// How often a plain line is printed while a stage runs.
pub const LINE_EVERY: Duration = Duration::from_secs(5);

/// How progress is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// A bar redrawn in place (stderr is a terminal).
    Bar,
    /// Plain lines (a log, a pipe, CI).
    Lines,
    /// Nothing (`--quiet`).
    Quiet,
}

impl Style {
    /// The style for this process: quiet when asked, a bar when stderr is a terminal
    /// (and not a dumb one), plain lines otherwise.
    #[must_use]
    pub fn detect(quiet: bool) -> Self {
        let dumb = std::env::var("TERM").is_ok_and(|t| t == "dumb");
        if quiet {
            Style::Quiet
        } else if std::io::stderr().is_terminal() && !dumb {
            Style::Bar
        } else {
            Style::Lines
        }
    }
}

/// The stage being shown.
struct Stage {
    name: String,
    unit: &'static str,
    total: Option<u64>,
    started: Instant,
    /// When the last plain line was printed (or the stage began).
    said: Instant,
    tally: Tally,
    bar: Option<ProgressBar>,
}

/// A [`Progress`] that draws for one command (`build`, `check`…).
pub struct Shown {
    style: Style,
    command: &'static str,
    stage: Mutex<Option<Stage>>,
}

impl Shown {
    /// Progress of `command` in `style`.
    #[must_use]
    pub fn new(style: Style, command: &'static str) -> Arc<Self> {
        Arc::new(Shown {
            style,
            command,
            stage: Mutex::new(None),
        })
    }

    /// Ends the last stage (its bar left at its end, or its closing line printed); call
    /// before the command's summary.
    pub fn finish(&self) {
        let mut current = self.stage.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(stage) = current.take() {
            self.end(stage);
        }
    }

    fn end(&self, stage: Stage) {
        match self.style {
            Style::Bar => {
                if let Some(bar) = &stage.bar {
                    bar.set_message(message(&stage));
                    bar.finish();
                }
            }
            Style::Lines => eprintln!("{}: {}", self.command, line(&stage, true)),
            Style::Quiet => {}
        }
    }
}

impl Progress for Shown {
    fn stage(&self, name: &str, unit: &'static str, total: Option<u64>) {
        if self.style == Style::Quiet {
            return;
        }
        let mut current = self.stage.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(stage) = current.take() {
            self.end(stage);
        }
        let bar = (self.style == Style::Bar).then(|| bar(self.command, name, total));
        let now = Instant::now();
        *current = Some(Stage {
            name: name.to_owned(),
            unit,
            total,
            started: now,
            said: now,
            tally: Tally::default(),
            bar,
        });
    }

    fn tally(&self, tally: Tally) {
        if self.style == Style::Quiet {
            return;
        }
        let mut current = self.stage.lock().unwrap_or_else(PoisonError::into_inner);
        let Some(stage) = current.as_mut() else {
            return;
        };
        stage.tally = tally;
        if let Some(bar) = &stage.bar {
            bar.set_position(tally.done);
            let rate = tally.done as f64 / stage.started.elapsed().as_secs_f64().max(0.001);
            bar.set_message(format!("{}, {rate:.0}/s", message(stage)));
        } else if stage.said.elapsed() >= LINE_EVERY {
            stage.said = Instant::now();
            eprintln!("{}: {}", self.command, line(stage, false));
        }
    }
}

/// A stage's bar on stderr: a bar when the total is known, a spinner otherwise.
fn bar(command: &str, name: &str, total: Option<u64>) -> ProgressBar {
    let template = if total.is_some() {
        "{prefix} [{bar:30}] {human_pos}/{human_len} {msg} ({eta} left)"
    } else {
        "{prefix} {spinner} {human_pos} {msg} ({elapsed})"
    };
    let style = ProgressStyle::with_template(template)
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ");
    let bar = ProgressBar::with_draw_target(total, ProgressDrawTarget::stderr()).with_style(style);
    bar.set_prefix(format!("{command}: {name}"));
    bar
}

/// What follows a bar's count: the unit, then files and bytes when there are any.
fn message(stage: &Stage) -> String {
    let Tally {
        files,
        written,
        bytes,
        ..
    } = stage.tally;
    let mut text = stage.unit.to_owned();
    if files > 0 {
        text.push_str(&format!(
            ", {} files ({} written)",
            HumanCount(files),
            HumanCount(written)
        ));
    }
    if bytes > 0 {
        text.push_str(&format!(", {}", HumanBytes(bytes)));
    }
    text
}

/// A plain line: where the stage is (or how it ended), its rate and what is left.
fn line(stage: &Stage, ended: bool) -> String {
    let elapsed = stage.started.elapsed();
    let done = stage.tally.done;
    let count = match stage.total {
        Some(total) => format!("{}/{}", HumanCount(done), HumanCount(total)),
        None => HumanCount(done).to_string(),
    };
    if ended {
        let took = elapsed.as_secs_f64();
        if done == 0 && stage.total.is_none() {
            return format!("{}: done in {took:.1}s", stage.name);
        }
        return format!(
            "{}: {count} {}, done in {took:.1}s",
            stage.name,
            message(stage)
        );
    }
    let mut text = format!("{}: {count} {}", stage.name, message(stage));
    let rate = done as f64 / elapsed.as_secs_f64().max(0.001);
    text.push_str(&format!(", {rate:.0}/s"));
    if let Some(total) = stage.total
        && rate > 0.0
    {
        let left = total.saturating_sub(done) as f64 / rate;
        text.push_str(&format!(", about {left:.0}s left"));
    }
    text
}
