//! Criterion benchmarks, one group per pipeline stage, plus rule compilation and rendering.
//!
//! Run with `cargo bench --bench pipeline` (add a filter such as `-- match` for one group).
//! Inputs are built deterministically from `fixtures/drafts/*.md|html`, repeated to reach a
//! fixed size, so figures are comparable between runs and machines.
//!
//! Rule sets:
//! - `builtin`: the built-in packs of `rules/*.toml`, whatever they hold today;
//! - `builtin+rules-dev`: the built-ins plus every pack in `rules-dev/` loaded as a user pack,
//!   its `[pack]` id suffixed `-dev` so it does not clash with the built-in placeholder (only
//!   when that folder holds packs; falls back to `rules-dev-only` if rule ids clash);
//! - `builtin+50k`: the built-ins plus a generated user pack of 50,000 phrases.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};

use gzhlint::extract::{extract_html, extract_markdown, Block, Format};
use gzhlint::lint::{lint_blocks, lint_bytes};
use gzhlint::matching::{match_block, ContextWanted};
use gzhlint::normalize::{normalize, View};
use gzhlint::report::human::HumanRenderer;
use gzhlint::report::FileResult;
use gzhlint::rules::pack::{load_pack, LoadedPack, PackSource};
use gzhlint::rules::{builtin, RuleSet};

/// Size of each stage corpus (Markdown, HTML), in bytes.
const CORPUS_BYTES: usize = 1 << 20;
/// Phrases in the generated user pack.
const BIG_PACK_PHRASES: usize = 50_000;
/// Hits in the render document.
const RENDER_HITS: usize = 10_000;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The fixture drafts with extension `ext`, sorted by name.
fn fixtures(ext: &str) -> Vec<Vec<u8>> {
    let dir = root().join("fixtures/drafts");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "no *.{ext} in {}", dir.display());
    paths.iter().map(|p| std::fs::read(p).unwrap()).collect()
}

/// The fixture documents repeated in order until they total at least `bytes`.
fn corpus(ext: &str, bytes: usize) -> Vec<Vec<u8>> {
    let docs = fixtures(ext);
    let mut out = Vec::new();
    let mut total = 0;
    for doc in docs.iter().cycle() {
        if total >= bytes {
            break;
        }
        total += doc.len();
        out.push(doc.clone());
    }
    out
}

fn total_len<T: AsRef<[u8]>>(docs: &[T]) -> u64 {
    docs.iter().map(|d| d.as_ref().len() as u64).sum()
}

fn texts(docs: &[Vec<u8>]) -> Vec<String> {
    docs.iter()
        .map(|d| String::from_utf8(d.clone()).expect("fixtures are UTF-8"))
        .collect()
}

fn builtin_packs() -> Vec<LoadedPack> {
    builtin::load().expect("built-in packs load")
}

/// Every `*.toml` in `rules-dev/`, sorted; empty when the folder is absent.
fn rules_dev_packs() -> Vec<LoadedPack> {
    let dir = root().join("rules-dev");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> = entries
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    paths.sort();
    paths
        .iter()
        .filter_map(|p| {
            let text = dev_pack_id(&std::fs::read_to_string(p).ok()?);
            match load_pack(&PackSource::new(p.display().to_string(), text)) {
                Ok(pack) => Some(pack),
                Err(e) => {
                    eprintln!("note: skipping {}: {}", p.display(), e.message);
                    None
                }
            }
        })
        .collect()
}

/// Suffixes the `[pack]` id with `-dev`, so a rules-dev pack does not clash with the built-in
/// placeholder of the same name (rule ids are left alone).
fn dev_pack_id(text: &str) -> String {
    let Some(pack) = text.find("[pack]") else {
        return text.to_string();
    };
    let Some(id) = text[pack..]
        .find("\nid = \"")
        .map(|i| pack + i + "\nid = \"".len())
    else {
        return text.to_string();
    };
    let Some(end) = text[id..].find('"').map(|i| id + i) else {
        return text.to_string();
    };
    format!("{}-dev{}", &text[..end], &text[end..])
}

/// Distinct CJK characters of the fixtures, in code-point order: the alphabet of generated phrases.
fn cjk_alphabet() -> Vec<char> {
    let mut chars: Vec<char> = fixtures("md")
        .into_iter()
        .chain(fixtures("html"))
        .flat_map(|d| String::from_utf8(d).unwrap().chars().collect::<Vec<_>>())
        .filter(|c| ('\u{4E00}'..='\u{9FFF}').contains(c))
        .collect();
    chars.sort_unstable();
    chars.dedup();
    chars
}

/// A deterministic pseudo-random sequence (xorshift64*, fixed seed).
fn xorshift() -> impl FnMut() -> u64 {
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    move || {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        state.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

/// One Markdown paragraph of about `chars` characters with no sentence end, made of words
/// the packs react to: the worst case for context filtering (every match shares one sentence
/// with thousands of context terms). It took 413 s before context reach was bounded.
fn dense_paragraph(chars: usize) -> String {
    const WORDS: [&str; 14] = [
        "转发",
        "分享",
        "红包",
        "关注",
        "最",
        "第一",
        "加微信",
        "扫码",
        "免费",
        "领取",
        "抽奖",
        "保证",
        "稳赚",
        "收益",
    ];
    let mut next = xorshift();
    let mut text = String::new();
    let mut count = 0;
    while count < chars {
        let word = WORDS[(next() % WORDS.len() as u64) as usize];
        text.push_str(word);
        count += word.chars().count();
    }
    text.push('\n');
    text
}

/// A deterministic user pack of `phrases` distinct 3–5 character phrases, 500 per rule.
fn big_pack_source(phrases: usize) -> PackSource {
    let alphabet = cjk_alphabet();
    let mut next = xorshift();
    let mut seen = std::collections::HashSet::new();
    let mut all = Vec::with_capacity(phrases);
    while all.len() < phrases {
        let len = 3 + (next() % 3) as usize;
        let phrase: String = (0..len)
            .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
            .collect();
        if seen.insert(phrase.clone()) {
            all.push(phrase);
        }
    }
    let mut toml =
        String::from("[pack]\nid = \"bench-50k\"\nname = \"bench 50k\"\nversion = \"0.0.0\"\n");
    for (i, chunk) in all.chunks(500).enumerate() {
        toml.push_str(&format!(
            "\n[[rule]]\nid = \"benchword.list_{i}\"\ncategory = \"benchword\"\nseverity = \"warning\"\nmessage = \"m\"\nhelp = \"h\"\nclause = \"c\"\nphrases = [",
        ));
        for (j, p) in chunk.iter().enumerate() {
            if j > 0 {
                toml.push_str(", ");
            }
            toml.push('"');
            toml.push_str(p);
            toml.push('"');
        }
        toml.push_str("]\n");
    }
    PackSource::new("generated:bench-50k.toml", toml)
}

fn compile(packs: Vec<LoadedPack>) -> RuleSet {
    RuleSet::compile(packs).expect("packs compile")
}

/// The rule sets to measure matching against, labelled.
fn rule_sets() -> Vec<(String, RuleSet)> {
    let mut sets = vec![("builtin".to_string(), compile(builtin_packs()))];
    let dev = rules_dev_packs();
    if !dev.is_empty() {
        let mut packs = builtin_packs();
        packs.extend(dev.iter().cloned());
        match RuleSet::compile(packs) {
            Ok(rules) => sets.push(("builtin+rules-dev".to_string(), rules)),
            Err(e) => {
                eprintln!("note: built-ins + rules-dev do not compile together ({}); using rules-dev alone", e.message);
                if let Ok(rules) = RuleSet::compile(dev) {
                    sets.push(("rules-dev-only".to_string(), rules));
                }
            }
        }
    }
    let mut packs = builtin_packs();
    packs.push(load_pack(&big_pack_source(BIG_PACK_PHRASES)).expect("generated pack loads"));
    sets.push(("builtin+50k".to_string(), compile(packs)));
    for (label, rules) in &sets {
        eprintln!(
            "rule set {label}: {} packs, {} rules, {} views",
            rules.packs.len(),
            rules.rules.len(),
            rules.views.len()
        );
    }
    sets
}

fn bench_decode(c: &mut Criterion) {
    let md = corpus("md", CORPUS_BYTES);
    let html = corpus("html", CORPUS_BYTES);
    // Legacy encoding: the Markdown corpus in GBK, so chardetng runs.
    let gbk: Vec<Vec<u8>> = texts(&md)
        .iter()
        .map(|t| encoding_rs::GBK.encode(t).0.into_owned())
        .collect();
    let mut group = c.benchmark_group("decode");
    for (label, docs) in [("utf8-md", &md), ("utf8-html", &html), ("gbk-md", &gbk)] {
        group.throughput(Throughput::Bytes(total_len(docs)));
        group.bench_with_input(BenchmarkId::from_parameter(label), docs, |b, docs| {
            b.iter(|| {
                for d in docs {
                    black_box(gzhlint::source::decode(black_box(d)).unwrap());
                }
            })
        });
    }
    group.finish();
}

fn bench_extract(c: &mut Criterion) {
    for (group_name, ext, extract) in [
        ("extract_markdown", "md", extract_markdown as fn(&str) -> _),
        ("extract_html", "html", extract_html as fn(&str) -> _),
    ] {
        let docs = texts(&corpus(ext, CORPUS_BYTES));
        let mut group = c.benchmark_group(group_name);
        group.throughput(Throughput::Bytes(total_len(&docs)));
        group.bench_function("fixtures-1MiB", |b| {
            b.iter(|| {
                for d in &docs {
                    black_box(extract(black_box(d)));
                }
            })
        });
        group.finish();
    }
}

/// The blocks of the Markdown and HTML stage corpora, with the text they come from.
fn extracted_blocks() -> Vec<(String, Vec<Block>)> {
    let mut out = Vec::new();
    for d in texts(&corpus("md", CORPUS_BYTES)) {
        let blocks = extract_markdown(&d).blocks;
        out.push((d, blocks));
    }
    for d in texts(&corpus("html", CORPUS_BYTES)) {
        let blocks = extract_html(&d).blocks;
        out.push((d, blocks));
    }
    out
}

fn block_bytes(docs: &[(String, Vec<Block>)]) -> u64 {
    docs.iter()
        .flat_map(|(_, blocks)| blocks)
        .map(|b| b.text.len() as u64)
        .sum()
}

fn bench_normalize(c: &mut Criterion) {
    let docs = extracted_blocks();
    let mut group = c.benchmark_group("normalize");
    // Throughput counts block text (what normalization reads), not file bytes.
    group.throughput(Throughput::Bytes(block_bytes(&docs)));
    for (label, view) in [
        ("plain-view", View { digits: false }),
        ("digits-view", View { digits: true }),
    ] {
        group.bench_function(label, |b| {
            b.iter(|| {
                for (_, blocks) in &docs {
                    for block in blocks {
                        black_box(normalize(black_box(&block.text), view));
                    }
                }
            })
        });
    }
    group.finish();
}

fn bench_match(c: &mut Criterion, sets: &[(String, RuleSet)]) {
    let docs = extracted_blocks();
    let bytes = block_bytes(&docs);
    {
        let mut group = c.benchmark_group("match");
        // match_block alone, over every view of the rule set (blocks normalized beforehand).
        group.throughput(Throughput::Bytes(bytes));
        for (label, rules) in sets {
            let normalized: Vec<Vec<String>> = rules
                .views
                .iter()
                .map(|m| {
                    docs.iter()
                        .flat_map(|(_, blocks)| blocks)
                        .map(|b| normalize(&b.text, m.view).text)
                        .collect()
                })
                .collect();
            group.bench_function(BenchmarkId::new("match_block", label), |b| {
                b.iter(|| {
                    for (matcher, texts) in rules.views.iter().zip(&normalized) {
                        for t in texts {
                            black_box(match_block(
                                matcher,
                                black_box(t),
                                ContextWanted::WithSectionFrames,
                            ));
                        }
                    }
                })
            });
        }
        group.finish();
    }
    {
        // normalize + match + filter + diagnostics over extracted blocks (lint_blocks).
        let mut group = c.benchmark_group("lint_blocks");
        group.throughput(Throughput::Bytes(bytes));
        for (label, rules) in sets {
            group.bench_function(label.as_str(), |b| {
                b.iter(|| {
                    for (text, blocks) in &docs {
                        black_box(lint_blocks(rules, text, blocks));
                    }
                })
            });
        }
        group.finish();
    }
    {
        // Whole pipeline per file (decode → diagnostics), file bytes: the throughput target.
        let mut group = c.benchmark_group("lint_bytes");
        for (ext, format) in [("md", Format::Markdown), ("html", Format::Html)] {
            let files = corpus(ext, CORPUS_BYTES);
            group.throughput(Throughput::Bytes(total_len(&files)));
            for (label, rules) in sets {
                group.bench_function(BenchmarkId::new(ext, label), |b| {
                    b.iter(|| {
                        for f in &files {
                            black_box(lint_bytes(rules, f, format).unwrap());
                        }
                    })
                });
            }
        }
        let dense = dense_paragraph(DENSE_CHARS);
        group.throughput(Throughput::Bytes(dense.len() as u64));
        let rules = &sets[0].1;
        group.bench_function(format!("dense-paragraph-{DENSE_CHARS}-chars"), |b| {
            b.iter(|| black_box(lint_bytes(rules, dense.as_bytes(), Format::Markdown).unwrap()))
        });
        group.finish();
    }
}

/// Characters in the dense-paragraph document ([`dense_paragraph`]).
const DENSE_CHARS: usize = 300_000;

/// A ~1 MB Markdown document with `hits` findings of a bench-only user rule, and those rules.
fn render_input(hits: usize) -> (RuleSet, FileResult) {
    let pack = "[pack]\nid = \"bench-render\"\nname = \"bench render\"\nversion = \"0.0.0\"\n\n\
        [[rule]]\nid = \"benchhit.marker\"\ncategory = \"benchhit\"\nseverity = \"restrict\"\n\
        message = \"基准测试命中\"\nhelp = \"删去基准标记词\"\nclause = \"基准测试\"\nphrases = [\"基准标记词\"]\n";
    let mut packs = builtin_packs();
    packs.push(load_pack(&PackSource::new("generated:bench-render.toml", pack)).unwrap());
    let rules = compile(packs);
    // ~100 bytes per paragraph, one hit each.
    let mut text = String::with_capacity(hits * 110);
    for i in 0..hits {
        text.push_str(&format!(
            "第{i}段：这是一段用于渲染测试的普通文字，其中的基准标记词应当被报告。\n\n"
        ));
    }
    let linted = lint_bytes(&rules, text.as_bytes(), Format::Markdown).unwrap();
    let file = FileResult::new(
        PathBuf::from("bench/render.md"),
        linted.source.text,
        linted.diagnostics,
    );
    eprintln!(
        "render input: {} bytes, {} diagnostics",
        file.text.len(),
        file.diagnostics.len()
    );
    (rules, file)
}

fn bench_render(c: &mut Criterion) {
    let (rules, file) = render_input(RENDER_HITS);
    let renderer = HumanRenderer::new(false);
    let mut group = c.benchmark_group("render_human");
    group.throughput(Throughput::Bytes(file.text.len() as u64));
    group.bench_function(format!("{}-hits", file.diagnostics.len()), |b| {
        b.iter(|| {
            let mut out = String::new();
            renderer.render(&rules, &file, &mut out);
            black_box(out)
        })
    });
    group.finish();
}

fn bench_compile(c: &mut Criterion) {
    let mut group = c.benchmark_group("compile");
    // Start-up: the built-in packs as build.rs stored them, decoded.
    group.bench_function("builtin", |b| {
        b.iter(|| black_box(builtin::compiled().unwrap()))
    });
    // What build.rs does (and what start-up did before): parse, validate, compile the TOML.
    group.bench_function("builtin-from-toml", |b| {
        b.iter(|| black_box(compile(builtin::load().unwrap())))
    });
    // User packs are compiled at start-up and added to the stored built-in set.
    let with_builtin = |user: &[PackSource]| {
        let packs = user.iter().map(|s| load_pack(s).unwrap()).collect();
        builtin::compiled().unwrap().with_packs(packs)
    };
    let dev_sources: Vec<PackSource> = rules_dev_packs().into_iter().map(|p| p.source).collect();
    if !dev_sources.is_empty() {
        let together = with_builtin(&dev_sources).is_ok();
        let label = if together {
            "builtin+rules-dev"
        } else {
            "rules-dev-only"
        };
        group.bench_function(label, |b| {
            b.iter(|| {
                if together {
                    black_box(with_builtin(&dev_sources).unwrap())
                } else {
                    let packs = dev_sources.iter().map(|s| load_pack(s).unwrap()).collect();
                    black_box(compile(packs))
                }
            })
        });
    }
    let big = [big_pack_source(BIG_PACK_PHRASES)];
    group.bench_function("builtin+50k", |b| {
        b.iter(|| black_box(with_builtin(&big).unwrap()))
    });
    group.finish();
}

fn stages(c: &mut Criterion) {
    bench_compile(c);
    bench_decode(c);
    bench_extract(c);
    bench_normalize(c);
    let sets = rule_sets();
    bench_match(c, &sets);
    bench_render(c);
}

fn short() -> Criterion {
    Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .configure_from_args()
}

criterion_group! {
    name = benches;
    config = short();
    targets = stages
}
criterion_main!(benches);
