//! Errors in the user's own files (rule packs, configuration), reported with the file, the
//! line and the span of the offending TOML.

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

#[derive(Debug, Clone)]
pub struct SpannedError {
    /// The file, as the user knows it (a path, or `built-in:rules/…`).
    pub origin: String,
    pub source_text: Arc<String>,
    pub span: Option<Range<usize>>,
    pub message: String,
    pub help: Option<String>,
}

impl SpannedError {
    pub fn new(
        origin: &str,
        source_text: &Arc<String>,
        span: Option<Range<usize>>,
        message: impl Into<String>,
    ) -> SpannedError {
        SpannedError {
            origin: origin.to_string(),
            source_text: source_text.clone(),
            span,
            message: message.into(),
            help: None,
        }
    }

    /// Reads a user's file, or says which one could not be read and why.
    pub fn read(path: &std::path::Path, what: &str) -> Result<String, SpannedError> {
        std::fs::read_to_string(path).map_err(|e| {
            SpannedError::new(
                &path.display().to_string(),
                &Arc::new(String::new()),
                None,
                format!("cannot read {what}: {e}"),
            )
        })
    }

    pub fn with_help(mut self, help: impl Into<String>) -> SpannedError {
        self.help = Some(help.into());
        self
    }

    /// 1-based line of the error, when it has a place.
    pub fn line(&self) -> Option<usize> {
        self.span.as_ref().map(|s| {
            self.source_text[..s.start.min(self.source_text.len())]
                .matches('\n')
                .count()
                + 1
        })
    }
}

impl fmt::Display for SpannedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line() {
            Some(line) => write!(f, "{}:{}: {}", self.origin, line, self.message),
            None => write!(f, "{}: {}", self.origin, self.message),
        }
    }
}

impl std::error::Error for SpannedError {}

impl miette::Diagnostic for SpannedError {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new("gzhlint::input"))
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.span
            .as_ref()
            .map(|_| &*self.source_text as &dyn miette::SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        let span = self.span.clone()?;
        Some(Box::new(std::iter::once(
            miette::LabeledSpan::new_with_span(Some("here".to_string()), span),
        )))
    }
}
