//! CI output formats (SARIF, GitHub workflow commands, JUnit XML) and `--stdin`.
//!
//! The rules come from a pack written here, with ids in a category of their own (`fmttest`), so
//! the tests hold whatever the built-in packs flag: assertions look only at this pack's rules.

use std::fs;
use std::path::{Path, PathBuf};

mod common;
use common::Project;
use serde_json::Value;

const PACK: &str = r#"
[pack]
id = "formats-test"
name = "Formats test pack"
version = "1.0.0"

[[rule]]
id = "fmttest.share_for_reward"
category = "fmttest"
severity = "restrict"
message = "诱导分享: 转发, 100%"
help = "删去转发要求\n再发布"
clause = "测试条款 · 诱导分享"
phrases = ["转发到朋友圈"]
flag = ["请转发到朋友圈"]
pass = ["今天天气很好"]

[[rule]]
id = "fmttest.absolute"
category = "fmttest"
severity = "warning"
message = "绝对化用语 <广告法> & \"第九条\""
help = "改为具体的说法"
clause = "广告法第九条"
description = "Absolute terms such as 全网最低价."
replace = "超值价"
fix = "safe"
phrases = ["全网最低价"]
flag = ["全网最低价"]
pass = ["价格实惠"]
"#;

/// Line 3 has 转发到朋友圈 at columns 2–7, line 5 has 全网最低价 at columns 1–5.
const DRAFT: &str = "第一段文字。\n\n请转发到朋友圈。\n\n全网最低价！\n";
const CLEAN: &str = "今天天气很好。\n";
/// A name with every character GitHub escapes in a property value.
const ODD_NAME: &str = "a,b:c%d.md";

fn run_stdout(p: &Project, args: &[&str], stdin: Option<&str>, code: i32) -> String {
    let mut cmd = p.check(args);
    if let Some(input) = stdin {
        cmd.write_stdin(input);
    }
    let output = cmd.output().unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(
        output.status.code(),
        Some(code),
        "gzhlint check {args:?}\nstdout:\n{stdout}\nstderr:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

fn schema_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/schemas/sarif-2.1.0-rtm.5.json")
}

/// Validates against the official SARIF 2.1.0 schema; a missing schema is a failure.
fn assert_valid_sarif(sarif: &Value) {
    let errors = sarif_errors(sarif);
    assert!(
        errors.is_empty(),
        "SARIF report does not match the schema:\n{}\n{}",
        errors.join("\n"),
        serde_json::to_string_pretty(sarif).unwrap()
    );
}

/// The schema violations of `sarif`.
fn sarif_errors(sarif: &Value) -> Vec<String> {
    let path = schema_path();
    let text = fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "the SARIF 2.1.0 schema is needed to validate the SARIF report, but {} cannot be read: {e}",
            path.display()
        )
    });
    let mut schema: Value = serde_json::from_str(&text).expect("the SARIF schema is JSON");
    drop_broken_language_pattern(&mut schema);
    let validator = jsonschema::draft4::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles");
    validator
        .iter_errors(sarif)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

/// The published SARIF 2.1.0 schema's `language` pattern has a stray `]`
/// (`^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$`, on `run` and `toolComponent`), which the
/// meta-schema's `regex` format rejects, so the schema does not compile. gzhlint never writes a
/// `language`; the in-memory copy drops that one `pattern` keyword and nothing else.
fn drop_broken_language_pattern(schema: &mut Value) {
    const BROKEN: &str = "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$";
    match schema {
        Value::Object(map) => {
            if map.get("pattern").and_then(Value::as_str) == Some(BROKEN) {
                map.remove("pattern");
            }
            map.values_mut().for_each(drop_broken_language_pattern);
        }
        Value::Array(values) => values.iter_mut().for_each(drop_broken_language_pattern),
        _ => {}
    }
}

fn results_of<'a>(sarif: &'a Value, rule: &str) -> Vec<&'a Value> {
    sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["ruleId"] == rule)
        .collect()
}

#[test]
fn the_schema_is_there() {
    // Guards against the validation silently not happening.
    assert!(
        schema_path().is_file(),
        "missing SARIF schema at {}",
        schema_path().display()
    );
}

#[test]
fn sarif_report_matches_the_schema_and_the_findings() {
    let p = Project::with_pack(PACK);
    p.write("draft.md", DRAFT);
    p.write("clean.md", CLEAN);
    let stdout = run_stdout(
        &p,
        &["--no-builtin", "--format", "sarif", "draft.md", "clean.md"],
        None,
        1,
    );
    let sarif: Value = serde_json::from_str(&stdout).unwrap();
    assert_valid_sarif(&sarif);

    assert_eq!(
        sarif["$schema"],
        "https://json.schemastore.org/sarif-2.1.0.json"
    );
    assert_eq!(sarif["version"], "2.1.0");
    let runs = sarif["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let run = &runs[0];
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "gzhlint");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    assert!(driver["informationUri"].is_string());
    assert_eq!(run["columnKind"], "unicodeCodePoints");

    let rules = driver["rules"].as_array().unwrap();
    let index = rules
        .iter()
        .position(|r| r["id"] == "fmttest.absolute")
        .expect("every loaded rule is listed");
    let rule = &rules[index];
    assert_eq!(rule["name"], "absolute");
    assert_eq!(
        rule["shortDescription"]["text"],
        "绝对化用语 <广告法> & \"第九条\""
    );
    assert_eq!(
        rule["fullDescription"]["text"],
        "Absolute terms such as 全网最低价."
    );
    let help = rule["help"]["text"].as_str().unwrap();
    assert!(
        help.contains("改为具体的说法") && help.contains("广告法第九条"),
        "{help}"
    );
    assert_eq!(rule["defaultConfiguration"]["level"], "warning");
    assert_eq!(rule["properties"]["category"], "fmttest");
    assert_eq!(rule["properties"]["clause"], "广告法第九条");
    assert_eq!(rule["properties"]["severity"], "warning");
    let share = rules
        .iter()
        .find(|r| r["id"] == "fmttest.share_for_reward")
        .unwrap();
    assert_eq!(share["defaultConfiguration"]["level"], "error");
    // No description: the full description is the message.
    assert_eq!(share["fullDescription"]["text"], "诱导分享: 转发, 100%");

    let shares = results_of(&sarif, "fmttest.share_for_reward");
    assert_eq!(shares.len(), 1);
    let share = shares[0];
    assert_eq!(share["level"], "error");
    assert_eq!(
        share["message"]["text"],
        "诱导分享: 转发, 100%「转发到朋友圈」"
    );
    let location = &share["locations"][0]["physicalLocation"];
    assert_eq!(location["artifactLocation"]["uri"], "draft.md");
    let region = &location["region"];
    let start = DRAFT.find("转发").unwrap();
    assert_eq!(region["startLine"], 3);
    assert_eq!(region["startColumn"], 2);
    assert_eq!(region["endLine"], 3);
    assert_eq!(region["endColumn"], 8);
    assert_eq!(region["byteOffset"], start);
    assert_eq!(region["byteLength"], "转发到朋友圈".len());
    assert_eq!(region["charOffset"], DRAFT[..start].chars().count());
    assert_eq!(region["charLength"], 6);
    assert!(share.get("fixes").is_none(), "no replace, no fix");
    assert!(share.get("relatedLocations").is_none(), "one piece");

    let absolutes = results_of(&sarif, "fmttest.absolute");
    assert_eq!(absolutes.len(), 1);
    let absolute = absolutes[0];
    assert_eq!(absolute["level"], "warning");
    assert_eq!(absolute["ruleIndex"], index);
    let fix = &absolute["fixes"][0];
    let change = &fix["artifactChanges"][0];
    assert_eq!(change["artifactLocation"]["uri"], "draft.md");
    let replacement = &change["replacements"][0];
    assert_eq!(replacement["insertedContent"]["text"], "超值价");
    assert_eq!(replacement["deletedRegion"]["startLine"], 5);
    assert_eq!(replacement["deletedRegion"]["startColumn"], 1);
    assert_eq!(replacement["deletedRegion"]["endColumn"], 6);
    assert_eq!(
        replacement["deletedRegion"]["byteOffset"],
        DRAFT.find("全网").unwrap()
    );
    assert_eq!(
        replacement["deletedRegion"]["byteLength"],
        "全网最低价".len()
    );

    // Every result's ruleIndex points at its rule.
    for result in run["results"].as_array().unwrap() {
        let i = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[i]["id"], result["ruleId"]);
    }
}

#[test]
fn the_schema_check_catches_a_broken_log() {
    let p = Project::with_pack(PACK);
    p.write("draft.md", DRAFT);
    let stdout = run_stdout(&p, &["--format", "sarif", "draft.md"], None, 1);
    let mut sarif: Value = serde_json::from_str(&stdout).unwrap();
    assert!(sarif_errors(&sarif).is_empty());
    sarif["runs"][0]["results"][0]["level"] = "fatal".into();
    sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
        0.into();
    let errors = sarif_errors(&sarif);
    assert_eq!(errors.len(), 2, "{errors:#?}");
}

#[test]
fn sarif_of_a_clean_run_is_valid() {
    let p = Project::with_pack(PACK);
    p.write("clean.md", CLEAN);
    let stdout = run_stdout(&p, &["--format", "sarif", "clean.md"], None, 0);
    let sarif: Value = serde_json::from_str(&stdout).unwrap();
    assert_valid_sarif(&sarif);
    assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len(), 0);
}

/// A file the run could not lint is in every machine-readable report, not only on stderr: a
/// CI job reading the report must see that a draft went unread.
#[test]
fn skipped_files_are_listed_in_every_machine_report() {
    let p = Project::with_pack(PACK);
    p.write("d/clean.md", CLEAN);
    p.write_bytes("d/image.md", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0");
    let reason = "binary file, not a draft";
    let json: Value =
        serde_json::from_str(&run_stdout(&p, &["--format", "json", "d"], None, 0)).unwrap();
    assert_eq!(
        json["skipped"],
        serde_json::json!([{ "path": "d/image.md", "reason": reason }])
    );
    assert_eq!(json["summary"]["skipped"], 1);
    let sarif: Value =
        serde_json::from_str(&run_stdout(&p, &["--format", "sarif", "d"], None, 0)).unwrap();
    assert_valid_sarif(&sarif);
    let note = &sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"][0];
    assert_eq!(note["level"], "note");
    assert_eq!(note["message"]["text"], format!("skipped: {reason}"));
    assert_eq!(
        note["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "d/image.md"
    );
    let xml = run_stdout(&p, &["--format", "junit", "d"], None, 0);
    assert_well_formed(&xml);
    assert!(
        xml.contains("tests=\"2\" failures=\"0\" errors=\"0\" skipped=\"1\"")
            && xml.contains(&format!(
                "<testcase classname=\"gzhlint\" name=\"d/image.md\">\n    <skipped message=\"{reason}\"/>"
            )),
        "{xml}"
    );
    let github = run_stdout(&p, &["--format", "github", "d"], None, 0);
    assert!(
        github.contains(&format!(
            "::notice file=d/image.md,title=gzhlint::skipped: {reason}\n"
        )),
        "{github}"
    );
}

#[test]
fn github_lines_are_escaped() {
    let p = Project::with_pack(PACK);
    p.write(ODD_NAME, DRAFT);
    let stdout = run_stdout(&p, &["--format", "github", ODD_NAME], None, 1);
    let ours: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with("::") && l.contains(",title=fmttest."))
        .collect();
    assert_eq!(
        ours,
        [
            "::error file=a%2Cb%3Ac%25d.md,line=3,col=2,endLine=3,endColumn=8,\
             title=fmttest.share_for_reward (限制功能 restrict)::\
             诱导分享: 转发, 100%25「转发到朋友圈」 — 删去转发要求%0A再发布",
            "::warning file=a%2Cb%3Ac%25d.md,line=5,col=1,endLine=5,endColumn=6,\
             title=fmttest.absolute (警告 warning)::\
             绝对化用语 <广告法> & \"第九条\"「全网最低价」 — 改为具体的说法",
        ],
        "{stdout}"
    );
    // Every other line is a workflow command or the summary, never a raw message line.
    for line in stdout.lines() {
        assert!(
            line.starts_with("::error ")
                || line.starts_with("::warning ")
                || line.starts_with("checked "),
            "{line:?}"
        );
    }
}

#[test]
fn junit_has_a_testcase_per_file_and_a_failure_per_diagnostic() {
    let p = Project::with_pack(PACK);
    p.write("draft.md", DRAFT);
    p.write("clean.md", CLEAN);
    let xml = run_stdout(&p, &["--format", "junit", "clean.md", "draft.md"], None, 1);
    assert!(
        xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"),
        "{xml}"
    );
    assert_well_formed(&xml);
    assert_eq!(xml.matches("<testsuite ").count(), 1, "{xml}");
    assert!(
        xml.contains("<testsuite name=\"gzhlint\" tests=\"2\" failures=\"1\""),
        "{xml}"
    );
    assert_eq!(xml.matches("<testcase ").count(), 2, "{xml}");
    assert!(
        xml.contains("<testcase classname=\"gzhlint\" name=\"clean.md\"/>"),
        "{xml}"
    );
    assert!(
        xml.contains("<testcase classname=\"gzhlint\" name=\"draft.md\">"),
        "{xml}"
    );
    assert_eq!(
        xml.matches("<failure type=\"fmttest.share_for_reward\"")
            .count(),
        1,
        "{xml}"
    );
    // Attribute values are escaped: & < > " in the message.
    assert!(
        xml.contains(
            "<failure type=\"fmttest.absolute\" message=\"绝对化用语 &lt;广告法&gt; &amp; \
             &quot;第九条&quot;「全网最低价」\">draft.md:5:1: warning"
        ),
        "{xml}"
    );
    assert!(xml.contains("help: 改为具体的说法"), "{xml}");
}

/// A small structural check: tags nest and close, attributes are quoted, no raw `&`/`<`.
fn assert_well_formed(xml: &str) {
    let body = xml.split_once("?>\n").expect("an XML declaration").1;
    let mut stack: Vec<String> = Vec::new();
    let mut rest = body;
    while let Some(open) = rest.find('<') {
        let text = &rest[..open];
        assert_entities(text);
        let close = rest[open..].find('>').expect("a closed tag") + open;
        let tag = &rest[open + 1..close];
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(stack.pop().as_deref(), Some(name), "mismatched </{name}>");
        } else {
            let self_closing = tag.ends_with('/');
            let tag = tag.trim_end_matches('/');
            let name = tag.split_whitespace().next().unwrap().to_string();
            let attributes = &tag[name.len()..];
            assert_eq!(attributes.matches('"').count() % 2, 0, "quotes in <{tag}>");
            assert!(!attributes.contains('<'), "raw < in <{tag}>");
            assert_entities(attributes);
            if !self_closing {
                stack.push(name);
            }
        }
        rest = &rest[close + 1..];
    }
    assert!(rest.trim().is_empty(), "text after the root: {rest:?}");
    assert!(stack.is_empty(), "unclosed {stack:?}");
}

fn assert_entities(text: &str) {
    for (i, _) in text.match_indices('&') {
        let entity = &text[i..text[i..].find(';').map_or(text.len(), |e| i + e + 1)];
        assert!(
            ["&amp;", "&lt;", "&gt;", "&quot;", "&apos;"].contains(&entity)
                || entity.starts_with("&#"),
            "raw & in {text:?}"
        );
    }
}

#[test]
fn stdin_with_a_filename_reads_html_and_reports_that_path() {
    let p = Project::with_pack(PACK);
    let html = "<p>标题</p>\n<p>今天<span>全网</span><span>最低</span>价！</p>\n";
    let stdout = run_stdout(
        &p,
        &[
            "--no-builtin",
            "--format",
            "sarif",
            "--stdin",
            "--stdin-filename",
            "a.html",
        ],
        Some(html),
        1,
    );
    let sarif: Value = serde_json::from_str(&stdout).unwrap();
    assert_valid_sarif(&sarif);
    let results = results_of(&sarif, "fmttest.absolute");
    assert_eq!(results.len(), 1, "{stdout}");
    let result = results[0];
    assert_eq!(
        result["message"]["text"],
        "绝对化用语 <广告法> & \"第九条\"「全网最低价」"
    );
    let location = &result["locations"][0]["physicalLocation"];
    assert_eq!(location["artifactLocation"]["uri"], "a.html");
    assert_eq!(location["region"]["startLine"], 2);
    assert_eq!(location["region"]["startColumn"], 12);
    // Three pieces (全网 / 最低 / 价), each a related location; the fix keeps the markup.
    let related = result["relatedLocations"].as_array().unwrap();
    assert_eq!(related.len(), 3, "{stdout}");
    let offsets: Vec<u64> = related
        .iter()
        .map(|r| {
            r["physicalLocation"]["region"]["byteOffset"]
                .as_u64()
                .unwrap()
        })
        .collect();
    let at = |needle: &str| html.find(needle).unwrap() as u64;
    assert_eq!(offsets, [at("全网"), at("最低"), at("价！")]);
    let replacements = result["fixes"][0]["artifactChanges"][0]["replacements"]
        .as_array()
        .unwrap();
    assert_eq!(replacements.len(), 3);
    assert_eq!(replacements[0]["insertedContent"]["text"], "超值价");
    assert!(replacements[1].get("insertedContent").is_none());

    let concise = run_stdout(
        &p,
        &[
            "--format",
            "concise",
            "--stdin",
            "--stdin-filename",
            "a.html",
        ],
        Some(html),
        1,
    );
    assert!(
        concise
            .lines()
            .any(|l| l == "a.html:2:12: warning fmttest.absolute 绝对化用语 <广告法> & \"第九条\"「全网最低价」"),
        "{concise}"
    );
}

#[test]
fn stdin_without_a_filename_is_markdown() {
    let p = Project::with_pack(PACK);
    // As Markdown, the code span is not linted and the emphasis does not split the phrase.
    let draft = "`全网最低价`\n\n请**转发到朋友圈**。\n";
    let concise = run_stdout(&p, &["--format", "concise", "--stdin"], Some(draft), 1);
    let ours: Vec<&str> = concise
        .lines()
        .filter(|l| l.contains(" fmttest."))
        .collect();
    assert_eq!(
        ours,
        ["<stdin>:3:4: restrict fmttest.share_for_reward 诱导分享: 转发, 100%「转发到朋友圈」"],
        "{concise}"
    );
}

#[test]
fn stdin_with_paths_is_a_usage_error() {
    let p = Project::with_pack(PACK);
    p.write("draft.md", DRAFT);
    let output = p
        .check(&["--stdin", "draft.md"])
        .write_stdin(CLEAN)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    let output = p
        .check(&["--stdin-filename", "a.md", "draft.md"])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(2),
        "--stdin-filename needs --stdin"
    );
}

/// A file with bytes invalid in its encoding is not fixed (writing would lose them), so SARIF
/// offers no fix there either, and gives no byte offsets: U+FFFD does not stand for the bytes
/// it replaced.
#[test]
fn sarif_offers_no_fix_where_the_file_cannot_be_written() {
    let p = Project::with_pack(PACK);
    let mut bytes = "正文内容".repeat(5).into_bytes();
    bytes.extend_from_slice(b"\xff\n");
    bytes.extend_from_slice("今天全网最低价！\n".as_bytes());
    p.write_bytes("invalid.md", &bytes);
    let stdout = run_stdout(
        &p,
        &["--no-builtin", "--format", "sarif", "invalid.md"],
        None,
        1,
    );
    let sarif: Value = serde_json::from_str(&stdout).unwrap();
    assert_valid_sarif(&sarif);
    let result = results_of(&sarif, "fmttest.absolute")[0];
    assert!(result.get("fixes").is_none(), "{result}");
    let region = &result["locations"][0]["physicalLocation"]["region"];
    assert!(region.get("byteOffset").is_none(), "{region}");
    assert_eq!(region["startLine"], 2);
}

/// A SARIF fix is what `--fix` writes: a replacement with markup characters stays text in HTML
/// (entities) and in Markdown (character references), a phrase split by markup gets the
/// replacement in its first piece and its other pieces emptied, and where `--fix` refuses (the
/// emphasis would be left empty, a character reference lies inside) SARIF offers no fix.
#[test]
fn sarif_fixes_are_what_fix_writes() {
    let pack = PACK.replace(
        r#"replace = "超值价""#,
        r#"replace = "“优惠”<b>*价*</b> & 更多""#,
    );
    let p = Project::with_pack(&pack);
    let drafts = [
        ("a.html", "<p>今天全网最低价！</p>\n"),
        ("b.md", "今天全网最低价！\n"),
        (
            "split.html",
            "<p>今天<span>全网</span><b>最低</b>价！</p>\n",
        ),
        ("split.md", "今天全网**最低**价！\n"),
        ("entity.html", "<p>今天全网&#26368;低价！</p>\n"),
        // Separators are text: the whole span is replaced, not only the pieces between them.
        ("separated.md", "今天全-网-最-低-价！\n"),
    ];
    let mut markdown_inserted = String::new();
    for (name, text) in drafts {
        p.write(name, text);
        // Built-in rules offer their own fix for 全网最低价: only this pack's rule runs.
        let stdout = run_stdout(&p, &["--no-builtin", "--format", "sarif", name], None, 1);
        let sarif: Value = serde_json::from_str(&stdout).unwrap();
        assert_valid_sarif(&sarif);
        let result = results_of(&sarif, "fmttest.absolute")[0];
        let offered = result["fixes"][0]["artifactChanges"][0]["replacements"]
            .as_array()
            .map(|replacements| {
                let mut offered = text.to_string();
                for replacement in replacements.iter().rev() {
                    let region = &replacement["deletedRegion"];
                    let start = region["byteOffset"].as_u64().unwrap() as usize;
                    let length = region["byteLength"].as_u64().unwrap() as usize;
                    let inserted = replacement["insertedContent"]["text"].as_str();
                    offered.replace_range(start..start + length, inserted.unwrap_or(""));
                }
                offered
            });

        let mut fix = p.check(&["--no-builtin", "--fix", "--fail-on", "never", name]);
        assert!(fix.output().unwrap().status.success());
        let fixed = String::from_utf8(p.read(name)).unwrap();
        match name {
            "split.md" | "entity.html" => {
                assert_eq!(offered, None, "{name}: no fix offered");
                assert_eq!(fixed, text, "{name}: --fix refuses");
                continue;
            }
            "split.html" => assert_eq!(
                fixed,
                "<p>今天<span>“优惠”&lt;b&gt;*价*&lt;/b&gt; &amp; 更多</span><b></b>！</p>\n"
            ),
            _ => {}
        }
        assert_eq!(
            offered.as_deref(),
            Some(fixed.as_str()),
            "{name}: the SARIF fix is what --fix writes"
        );
        let inserted = result["fixes"][0]["artifactChanges"][0]["replacements"][0]
            ["insertedContent"]["text"]
            .as_str()
            .unwrap();
        assert!(!inserted.contains('<'), "{name}: {inserted}");
        if name == "b.md" {
            assert!(!inserted.contains('*'), "{name}: {inserted}");
            markdown_inserted = inserted.to_string();
        }
        assert_eq!(
            result["fixes"][0]["description"]["text"], "改为「“优惠”<b>*价*</b> & 更多」",
            "the description shows the replacement as it reads"
        );
    }
    // Standard input without a name is read as Markdown, so its fix is written as Markdown's.
    let stdout = run_stdout(
        &p,
        &["--no-builtin", "--format", "sarif", "--stdin"],
        Some(drafts[1].1),
        1,
    );
    let sarif: Value = serde_json::from_str(&stdout).unwrap();
    let result = results_of(&sarif, "fmttest.absolute")[0];
    let replacement = &result["fixes"][0]["artifactChanges"][0]["replacements"][0];
    assert_eq!(
        replacement["insertedContent"]["text"],
        markdown_inserted.as_str()
    );
}
