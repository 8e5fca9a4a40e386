//! The sentences the sentence model reads, for `scripts/train-model.py`: each draft named on
//! the command line is decoded, extracted and normalized as `gzhlint check` does, and every
//! sentence is printed as a JSON line `{"file": …, "scopes": […], "sentence": …}`. With
//! `--texts`, reads JSON strings one per line from standard input instead (labelled phrases,
//! rule examples) and prints for each, as a JSON line, its normalized text and the sentences
//! the model would read in it: `{"normalized": …, "sentences": […]}`.

use std::io::{BufRead, Write};
use std::path::Path;

use gzhlint::extract::{extract, Format};
use gzhlint::normalize::{normalize, View};
use gzhlint::rules::model::sentences;
use gzhlint::source::decode;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if args.first().map(String::as_str) == Some("--texts") {
        for line in std::io::stdin().lock().lines() {
            let text: String = serde_json::from_str(&line?)?;
            let normalized = normalize(&text, View::default()).text;
            let read: Vec<&str> = sentences(&normalized).map(|r| &normalized[r]).collect();
            let line = serde_json::json!({"normalized": &normalized, "sentences": read});
            writeln!(out, "{line}")?;
        }
        return Ok(());
    }
    for file in &args {
        let path = Path::new(file);
        let bytes = std::fs::read(path).map_err(|e| format!("{file}: {e}"))?;
        let source = decode(&bytes).map_err(|_| format!("{file}: not a text file"))?;
        for block in extract(&source.text, Format::from_path(path)).blocks {
            let normalized = normalize(&block.text, View::default()).text;
            let scopes: Vec<&str> = block.scopes.iter().map(|s| s.name()).collect();
            for sentence in sentences(&normalized) {
                let line = serde_json::json!({
                    "file": file,
                    "scopes": scopes,
                    "sentence": &normalized[sentence],
                });
                writeln!(out, "{line}")?;
            }
        }
    }
    Ok(())
}
