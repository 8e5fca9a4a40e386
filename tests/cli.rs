//! CLI behaviour: commands, exit codes, output formats and errors, as a user meets them.
//!
//! A test pack with nonsense phrases (紫色大象, 蓝色鲸鱼) keeps these tests independent of the
//! built-in packs' vocabulary.

use assert_cmd::Command;

mod common;
use common::Project;
use predicates::prelude::*;

const PACK: &str = r#"
[pack]
id = "cli-test"
name = "CLI test pack"
version = "1.0.0"

[terms]
animal = ["大象", "鲸鱼"]

[[rule]]
id = "testing.purple_animal"
category = "testing"
severity = "restrict"
message = "出现了紫色动物"
help = "换一种颜色"
clause = "测试条款 1"
replace = "灰色大象"
fix = "safe"
phrases = ["紫色{animal}"]
unless = ["没有"]
flag = ["这里有紫色大象", "紫 色 鲸 鱼", "紫色鯨魚"]
pass = ["这里没有紫色大象", "灰色大象"]

[[rule]]
id = "testing.blue_whale"
category = "testing"
severity = "warning"
message = "出现了蓝色鲸鱼"
help = "换一种动物"
clause = "测试条款 2"
phrases = ["蓝色鲸鱼"]
flag = ["蓝色鲸鱼来了", "蓝-色-鲸-鱼", "藍色鯨魚"]
pass = ["蓝色的海"]
"#;

#[test]
fn clean_draft_exits_zero() {
    let p = Project::with_pack(PACK);
    p.write("drafts/a.md", "# 标题\n\n灰色大象在散步。\n");
    p.check(&["drafts"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("checked 1 file: 0 diagnostics"));
}

#[test]
fn findings_exit_one_and_concise_lines_point_at_characters() {
    let p = Project::with_pack(PACK);
    p.write("a.md", "前言\n\n看，**紫色**大象！\n");
    p.check(&["--format", "concise", "a.md"])
        .assert()
        .code(1)
        .stdout(predicate::str::starts_with(
            "a.md:3:5: restrict testing.purple_animal 出现了紫色动物「紫色大象」\n",
        ));
}

#[test]
fn fail_on_sets_the_level() {
    let p = Project::with_pack(PACK);
    p.write("a.md", "蓝色鲸鱼游过。\n");
    p.check(&["a.md"]).assert().code(1);
    p.check(&["--fail-on", "restrict", "a.md"]).assert().code(0);
    p.check(&["--fail-on", "never", "a.md"]).assert().code(0);
    p.write("b.md", "紫色大象。\n");
    p.check(&["--fail-on", "restrict", "b.md"]).assert().code(1);
    p.check(&["--fail-on", "ban", "b.md"]).assert().code(0);
}

#[test]
fn json_report_has_exact_spans_and_pieces() {
    let p = Project::with_pack(PACK);
    let html = r#"<p>前<span leaf="">紫</span><span leaf="">色</span>&#x5927;象</p>"#;
    p.write("a.html", html);
    let output = p.check(&["--format", "json", "a.html"]).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["version"], 1);
    let d = &json["diagnostics"][0];
    assert_eq!(d["path"], "a.html");
    assert_eq!(d["rule"], "testing.purple_animal");
    assert_eq!(d["category"], "testing");
    assert_eq!(d["severity"], "restrict");
    assert_eq!(d["clause"], "测试条款 1");
    assert_eq!(d["text"], "紫色大象");
    let start = d["start"].as_u64().unwrap() as usize;
    let end = d["end"].as_u64().unwrap() as usize;
    assert_eq!(
        &html[start..end],
        r#"紫</span><span leaf="">色</span>&#x5927;象"#
    );
    let pieces: Vec<&str> = d["pieces"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| &html[p["start"].as_u64().unwrap() as usize..p["end"].as_u64().unwrap() as usize])
        .collect();
    assert_eq!(pieces, ["紫", "色", "&#x5927;象"]);
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(1), Some(19))
    );
    assert_eq!(d["fix"]["replacement"], "灰色大象");
    assert_eq!(d["fix"]["safe"], true);
    assert_eq!(json["summary"]["files"], 1);
    assert_eq!(json["summary"]["restrict"], 1);
}

#[test]
fn human_report_shows_source_severity_help_and_clause() {
    let p = Project::with_pack(PACK);
    p.write("a.md", "第一行\n\n这里有紫色大象。\n");
    p.check(&["a.md"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "限制功能 restrict: 出现了紫色动物「紫色大象」",
        ))
        .stdout(predicate::str::contains("testing.purple_animal"))
        // Columns count characters, as in every other format.
        .stdout(predicate::str::contains("[a.md:3:4]"))
        .stdout(predicate::str::contains("这里有紫色大象。"))
        .stdout(predicate::str::contains("换一种颜色"))
        .stdout(predicate::str::contains("依据 clause: 测试条款 1"))
        .stdout(predicate::str::contains("1 限制功能 restrict"));
}

/// A minified export is one long line: the report shows a window of it around each finding
/// (miette panicked past column 65,535).
#[test]
fn human_report_of_a_finding_far_along_one_long_line() {
    let p = Project::with_pack(PACK);
    let line = format!(
        "<p>{}这里有紫色大象。</p>",
        "一段普通的文字，".repeat(10_000)
    );
    p.write("min.html", &line);
    let column = line[..line.find("紫色大象").unwrap()].chars().count() + 1;
    p.check(&["min.html"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(format!("[min.html:1:{column}]")))
        .stdout(predicate::str::contains("普通的文字，这里有紫色大象。"))
        .stderr(predicate::str::is_empty());
}

#[test]
fn output_is_identical_for_any_thread_count() {
    let p = Project::with_pack(PACK);
    for i in 0..40 {
        p.write(
            &format!("drafts/{i:02}.md"),
            &format!("第{i}篇\n\n紫色大象和蓝色鲸鱼。\n\n```\n紫色大象\n```\n"),
        );
    }
    let one = p
        .check(&["-j", "1", "--format", "json", "drafts"])
        .output()
        .unwrap();
    let two = p
        .check(&["-j", "2", "--format", "json", "drafts"])
        .output()
        .unwrap();
    let four = p
        .check(&["-j", "4", "--format", "json", "drafts"])
        .output()
        .unwrap();
    assert_eq!(one.stdout, two.stdout);
    assert_eq!(one.stdout, four.stdout);
    let json: serde_json::Value = serde_json::from_slice(&one.stdout).unwrap();
    assert_eq!(
        json["summary"]["diagnostics"], 80,
        "code blocks are not linted"
    );
    let paths: Vec<&str> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["path"].as_str().unwrap())
        .collect();
    let mut sorted = paths.clone();
    sorted.sort();
    assert_eq!(paths, sorted);
}

#[test]
fn folders_pick_draft_extensions_and_honour_ignore_files() {
    let p = Project::with_pack(PACK);
    p.write("d/a.md", "紫色大象\n");
    p.write("d/b.html", "<p>紫色大象</p>");
    p.write("d/c.txt", "紫色大象\n");
    p.write("d/d.markdown", "紫色大象\n");
    p.write("d/e.htm", "<p>紫色大象</p>");
    p.write("d/notes.rs", "// 紫色大象\n");
    p.write("d/skip/f.md", "紫色大象\n");
    p.write("d/.gzhlintignore", "skip/\n");
    p.check(&["--format", "concise", "d"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("checked 5 files"))
        .stdout(predicate::str::contains("notes.rs").not())
        .stdout(predicate::str::contains("f.md").not());
    // A file named explicitly is linted whatever its extension.
    p.check(&["--format", "concise", "d/notes.rs"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("d/notes.rs:1:4:"));
}

#[test]
fn unreadable_ignore_file_lines_are_reported_with_file_and_line() {
    let p = Project::with_pack(PACK);
    p.write("d/a.md", "紫色大象\n");
    p.write("d/sub/b.md", "紫色大象\n");
    // git skips a line it cannot read: a warning, once, and the run goes on.
    p.write("d/sub/.gitignore", "{draft\n");
    p.check(&["--format", "concise", "d"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("checked 2 files"))
        .stderr(
            predicate::str::contains("warning: d/sub/.gitignore: line 1:")
                .and(predicate::str::contains("unclosed alternate group"))
                .and(predicate::str::contains("line 1:").count(1)),
        );
    // .gzhlintignore is this tool's own: every line was meant, so a bad one stops the run.
    p.write("d/sub/.gzhlintignore", "old/\n[draft-*.md\n");
    p.check(&["--format", "concise", "d"])
        .assert()
        .code(2)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains(
            "error: d/sub/.gzhlintignore: line 2: error parsing glob '[draft-*.md'",
        ));
}

#[test]
fn legacy_encodings_are_decoded() {
    let p = Project::with_pack(PACK);
    let text =
        "这是一篇用国标编码保存的稿件，里面提到了紫色大象，还有一些普通的句子让检测更可靠。\n";
    let (gbk, _, _) = encoding_rs::GBK.encode(text);
    p.write_bytes("gbk.txt", &gbk);
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(text.encode_utf16().flat_map(|u| u.to_le_bytes()));
    p.write_bytes("utf16.txt", &utf16);
    p.check(&["--format", "concise", "gbk.txt", "utf16.txt"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "gbk.txt:1:21: restrict testing.purple_animal",
        ))
        .stdout(predicate::str::contains(
            "utf16.txt:1:21: restrict testing.purple_animal",
        ));
}

#[test]
fn binary_files_are_skipped_with_a_note() {
    let p = Project::with_pack(PACK);
    p.write_bytes("d/image.md", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0");
    p.write("d/ok.md", "正常\n");
    p.check(&["d"])
        .assert()
        .code(0)
        .stderr(predicate::str::contains("skipped d/image.md: binary file"))
        .stdout(predicate::str::contains("checked 1 file (1 skipped)"));
}

/// A named pipe (`check <(curl …)`) or device is read as a draft, once; `--fix` leaves it be.
#[cfg(unix)]
#[test]
fn pipes_and_devices_named_are_read_and_never_rewritten() {
    let p = Project::with_pack(PACK);
    p.check(&["--format", "concise", "/dev/null"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("checked 1 file: 0 diagnostics"));
    let fifo = p.path().join("draft.pipe");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let writer = std::thread::spawn(move || std::fs::write(fifo, "这里有紫色大象\n").unwrap());
    p.check(&["--format", "concise", "--fix", "draft.pipe"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "draft.pipe:1:4: restrict testing.purple_animal",
        ))
        .stderr(predicate::str::contains(
            "draft.pipe: not a regular file (a pipe or device), not fixed",
        ));
    writer.join().unwrap();
}

#[test]
fn missing_path_is_a_usage_error() {
    let p = Project::with_pack(PACK);
    p.check(&["nowhere.md"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "nowhere.md: no such file or folder",
        ));
}

#[test]
fn malformed_packs_are_errors_with_file_and_line() {
    let p = Project::with_pack(PACK);
    let cases = [
        (
            "[pack]\nid = \"x\"\nname = \"x\"\nversion = \"1\"\n[[rule]\n",
            "bad1.toml:5",
        ),
        (
            &PACK.replace("severity = \"warning\"", "severity = \"fatal\"") as &str,
            "unknown variant `fatal`",
        ),
        (
            &PACK.replace("unless = [", "unles = ["),
            "unknown field `unles`",
        ),
        (
            &PACK.replace("phrases = [\"蓝色鲸鱼\"]", "patterns = ['(蓝色']"),
            "invalid regex",
        ),
        (
            &PACK.replace("紫色{animal}", "紫色{animals}"),
            "undefined term set {animals}",
        ),
        (
            &PACK.replace("testing.blue_whale", "testing.purple_animal"),
            "duplicate rule id",
        ),
        (
            &PACK.replace("category = \"testing\"", "category = \"Testing!\""),
            "lowercase identifier",
        ),
    ];
    for (i, (text, expected)) in cases.iter().enumerate() {
        let name = format!("bad{}.toml", i + 1);
        p.write(&name, text);
        p.gzhlint(&[])
            .args(["check", "--rules", &name, "."])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(*expected))
            .stderr(predicate::str::contains(name.as_str()));
    }
}

#[test]
fn a_rule_defined_in_two_packs_is_an_error() {
    let p = Project::with_pack(PACK);
    p.write(
        "again.toml",
        &PACK.replace("id = \"cli-test\"", "id = \"again\""),
    );
    p.gzhlint(&[])
        .args([
            "rules",
            "list",
            "--rules",
            "pack.toml",
            "--rules",
            "again.toml",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "duplicate rule id \"testing.purple_animal\"",
        ));
}

#[test]
fn rules_list_and_explain() {
    let p = Project::with_pack(PACK);
    p.gzhlint(&[])
        .args(["rules", "list", "--rules", "pack.toml"])
        .assert()
        .code(0)
        .stdout(
            predicate::str::is_match(
                r"testing\.purple_animal\s+testing\s+restrict\s+purple-animal",
            )
            .unwrap(),
        );
    let output = p
        .gzhlint(&[])
        .args(["rules", "list", "--format", "json", "--rules", "pack.toml"])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let rule = json["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "testing.blue_whale")
        .unwrap();
    assert_eq!(rule["severity"], "warning");
    assert_eq!(rule["pack"], "cli-test");
    p.gzhlint(&[])
        .args([
            "rules",
            "explain",
            "testing.purple_animal",
            "--rules",
            "pack.toml",
        ])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("测试条款 1"))
        .stdout(predicate::str::contains("换一种颜色"))
        .stdout(predicate::str::contains("✘ 这里有紫色大象"))
        .stdout(predicate::str::contains("✔ 这里没有紫色大象"));
    p.gzhlint(&[])
        .args(["rules", "explain", "testing.purple", "--rules", "pack.toml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "did you mean: testing.purple_animal",
        ));
}

#[test]
fn no_builtin_loads_only_the_named_packs() {
    let p = Project::with_pack(PACK);
    p.gzhlint(&["rules", "list", "--no-builtin", "--rules", "pack.toml"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("2 rules in 1 packs"));
    p.gzhlint(&["rules", "test", "--no-builtin", "pack.toml"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("9 passed, 0 failed"));
    p.write("a.md", "转发本文到朋友圈领取红包，紫色大象。\n");
    p.check(&["--no-builtin", "--format", "concise", "a.md"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("checked 1 file: 1 diagnostic"));
}

#[test]
fn rules_test_runs_pack_examples() {
    let p = Project::with_pack(PACK);
    p.gzhlint(&[])
        .args(["rules", "test", "pack.toml"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("examples: 9 passed, 0 failed"));
    p.write(
        "failing.toml",
        &PACK
            .replace("id = \"cli-test\"", "id = \"failing\"")
            .replace("testing.", "failing.")
            .replace("category = \"testing\"", "category = \"failing\"")
            .replace(
                "pass = [\"蓝色的海\"]",
                "pass = [\"蓝色的海\", \"蓝色鲸鱼\"]",
            )
            .replace("\"紫 色 鲸 鱼\"", "\"紫色的鲸鱼\""),
    );
    p.gzhlint(&[])
        .args(["rules", "test", "failing.toml"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "failing.toml:21: FAIL failing.purple_animal: flag example not caught: «紫色的鲸鱼»",
        ))
        .stdout(predicate::str::contains(
            "failing.toml:33: FAIL failing.blue_whale: pass example flagged by failing.blue_whale at «蓝色鲸鱼»",
        ))
        .stdout(predicate::str::contains("2 failed"));
}

#[test]
fn built_in_packs_pass_their_own_examples() {
    Command::cargo_bin("gzhlint")
        .unwrap()
        .args(["rules", "test"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(" 0 failed"));
}

#[test]
fn usage_errors_exit_two() {
    let p = Project::with_pack(PACK);
    p.gzhlint(&[])
        .args(["check", "--format", "yaml"])
        .assert()
        .code(2);
    p.gzhlint(&[]).args(["frobnicate"]).assert().code(2);
    p.check(&["-j", "0", "."]).assert().code(2);
    p.check(&["-j", "100000", "."])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("1..=256"));
}

#[test]
fn explain_normalization_shows_the_matched_form() {
    let p = Project::with_pack(PACK);
    p.write("a.md", "轉\u{200b}發 到 朋友圈，加ＶＸ\n");
    p.check(&["--explain-normalization", "a.md"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("normalized: 转发到朋友圈,加vx"))
        // The user pack has automata of its own; each view is still shown once.
        .stdout(predicate::function(|out: &str| {
            out.matches("normalized:").count() == 1 && out.matches("digits:").count() == 1
        }));
}

/// SARIF and JUnit hold part of the document in a temporary file; when none can be made the
/// run fails before writing anything, rather than leave half a document on standard output.
#[test]
fn whole_document_formats_fail_cleanly_without_a_temporary_folder() {
    let p = Project::with_pack(PACK);
    p.write("a.md", "这里有紫色大象\n");
    for format in ["sarif", "junit"] {
        p.check(&["--format", format, "a.md"])
            .env("TMPDIR", p.path().join("no-such-folder"))
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains(
                "cannot create a temporary file for the report",
            ))
            .stderr(predicate::str::contains("no-such-folder"));
    }
}

/// A draft named twice, or named and inside a folder named too, is linted once: a repeated
/// finding would be noise, and two --fix workers would race on one file.
#[test]
fn a_draft_named_twice_is_linted_once() {
    let p = Project::with_pack(PACK);
    p.write("d/a.md", "这里有紫色大象。\n");
    p.write("d/sub/b.md", "这里有紫色大象。\n");
    for args in [
        &["d/a.md", "d/a.md", "./d/a.md"][..],
        &["d/a.md", "d"],
        &["d/sub", "d"],
        &["d", "d/sub", "d/a.md"],
    ] {
        let expected = if args.contains(&"d") {
            "checked 2 files"
        } else {
            "checked 1 file"
        };
        p.check(args)
            .assert()
            .code(1)
            .stdout(predicate::str::contains(expected));
    }
}
