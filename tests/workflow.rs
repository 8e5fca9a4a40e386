//! The workflow features as a user meets them: configuration, suppressions, fixes, baselines.
//! A test pack with nonsense phrases keeps these independent of the built-in vocabulary.

use std::fs;

mod common;
use common::Project;
use predicates::prelude::*;

const PACK: &str = r#"
[pack]
id = "wf-test"
name = "workflow test pack"
version = "1.0.0"

[[rule]]
id = "testing.purple_elephant"
category = "testing"
severity = "restrict"
message = "紫色大象"
help = "换颜色"
clause = "测试条款"
replace = "灰色大象"
fix = "safe"
phrases = ["紫色大象"]

[[rule]]
id = "testing.blue_whale"
category = "testing"
severity = "warning"
message = "蓝色鲸鱼"
help = "换动物"
clause = "测试条款"
replace = "海豚"
phrases = ["蓝色鲸鱼"]

[[rule]]
id = "others.red_fox"
category = "others"
severity = "ban"
message = "红色狐狸"
help = "换"
clause = "测试条款"
phrases = ["红色狐狸"]
"#;

fn concise(p: &Project, args: &[&str]) -> String {
    let mut all = vec!["check", "--format", "concise"];
    all.extend_from_slice(args);
    let output = p.gzhlint(&all).output().unwrap();
    String::from_utf8(output.stdout).unwrap()
}

fn rules_of(concise: &str) -> Vec<String> {
    concise
        .lines()
        .filter(|l| !l.starts_with("checked"))
        .map(|l| {
            let fields: Vec<&str> = l.split(' ').collect();
            format!("{} {} {}", fields[0], fields[1], fields[2])
        })
        .collect()
}

const ANIMALS: &str = "紫色大象，蓝色鲸鱼，红色狐狸。\n";

#[test]
fn nearest_configuration_wins_and_packs_come_from_it() {
    let p = Project::with_pack(PACK);
    p.write(
        "gzhlint.toml",
        "packs = [\"pack.toml\"]\n[rules]\n\"testing.blue_whale\" = \"off\"\n",
    );
    p.write("a.md", ANIMALS);
    p.write(
        "sub/gzhlint.toml",
        "packs = [\"../pack.toml\"]\n[rules]\n\"testing\" = \"ban\"\n\"others\" = \"off\"\n",
    );
    p.write("sub/b.md", ANIMALS);
    let out = concise(&p, &["."]);
    assert_eq!(
        rules_of(&out),
        [
            "./a.md:1:1: restrict testing.purple_elephant",
            "./a.md:1:11: ban others.red_fox",
            "./sub/b.md:1:1: ban testing.purple_elephant",
            "./sub/b.md:1:6: ban testing.blue_whale",
        ]
    );
    // --isolated ignores configuration files (and so their packs).
    let out = concise(&p, &["--isolated", "--rules", "pack.toml", "sub/b.md"]);
    assert_eq!(rules_of(&out).len(), 3);
    // --config names one file for every draft.
    p.write(
        "strict.toml",
        "packs = [\"pack.toml\"]\nfail_on = \"ban\"\n",
    );
    p.gzhlint(&["check", "--config", "strict.toml", "sub/b.md"])
        .assert()
        .code(1);
    p.gzhlint(&[
        "check",
        "--config",
        "strict.toml",
        "--fail-on",
        "never",
        "sub/b.md",
    ])
    .assert()
    .code(0);
}

#[test]
fn overrides_fail_on_and_include_exclude() {
    let p = Project::with_pack(PACK);
    p.write(
        "gzhlint.toml",
        r#"packs = ["pack.toml"]
fail_on = "ban"
include = ["articles/**"]
exclude = ["articles/old/**"]

[[override]]
paths = ["articles/ads/**"]
rules = { "others.red_fox" = "warning", "testing" = "off" }
"#,
    );
    p.write("articles/a.md", "紫色大象\n");
    p.write("articles/ads/b.md", ANIMALS);
    p.write("articles/old/c.md", ANIMALS);
    p.write("notes/d.md", ANIMALS);
    let out = concise(&p, &["."]);
    assert_eq!(
        rules_of(&out),
        [
            "./articles/a.md:1:1: restrict testing.purple_elephant",
            "./articles/ads/b.md:1:11: warning others.red_fox",
        ]
    );
    assert!(out.contains("checked 2 files"), "{out}");
    // fail_on = "ban": restrict findings do not fail the run.
    p.gzhlint(&["check", "."]).assert().code(0);
}

#[test]
fn configuration_errors_name_file_line_and_problem() {
    let p = Project::with_pack(PACK);
    p.write("a.md", "正文\n");
    for (text, expected) in [
        (
            "fail_on = \"warning\"\ncolour = 1\n",
            "gzhlint.toml:2: unknown field `colour`",
        ),
        (
            "fail_on = \"often\"\n",
            "gzhlint.toml:1: fail_on \"often\" must be",
        ),
        (
            "packs = [\"pack.toml\"]\n\n[rules]\n\"testing.nope\" = \"off\"\n",
            "gzhlint.toml:4: no rule or category \"testing.nope\" is loaded",
        ),
        (
            "[rules]\n\"testing\" = \"loud\"\n",
            "gzhlint.toml:2: \"loud\" must be",
        ),
    ] {
        p.write("gzhlint.toml", text);
        p.gzhlint(&["check", "a.md"])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(expected));
    }
}

#[test]
fn init_writes_a_starter_and_never_overwrites() {
    let p = Project::with_pack(PACK);
    p.gzhlint(&["init"]).assert().code(0);
    let written = String::from_utf8(p.read("gzhlint.toml")).unwrap();
    assert!(written.contains("require_reason = true"));
    p.write("a.md", "正文\n");
    p.gzhlint(&["check", "a.md"]).assert().code(0);
    p.gzhlint(&["init"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("already exists"));
    assert_eq!(String::from_utf8(p.read("gzhlint.toml")).unwrap(), written);
}

#[test]
fn config_command_shows_the_effective_settings() {
    let p = Project::with_pack(PACK);
    p.write(
        "gzhlint.toml",
        "packs = [\"pack.toml\"]\nrequire_reason = true\n[rules]\n\"testing\" = \"warning\"\n[[override]]\npaths = [\"ads/**\"]\nrules = { \"others\" = \"off\" }\n",
    );
    p.write("ads/a.md", "x\n");
    p.gzhlint(&["config", "ads/a.md"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("require_reason = true"))
        .stdout(predicate::str::contains(
            "\"testing.purple_elephant\" = \"warning\"  # default restrict",
        ))
        .stdout(predicate::str::contains(
            "\"others.red_fox\" = \"off\"  # default ban",
        ))
        .stdout(predicate::str::contains("\"testing.blue_whale\"").not());
}

#[test]
fn suppressions_hide_findings_and_json_lists_them_with_reasons() {
    let p = Project::with_pack(PACK);
    p.write(
        "gzhlint.toml",
        "packs = [\"pack.toml\"]\nrequire_reason = true\n",
    );
    p.write(
        "a.md",
        "<!-- gzhlint-disable testing reason=\"童话故事里的动物\" -->\n\n紫色大象和蓝色鲸鱼。\n\n<!-- gzhlint-enable -->\n\n<!-- gzhlint-disable-next-line others.red_fox -->\n红色狐狸。\n\n<!-- gzhlint-disable others.red_fox reason=\"无用\" -->\n\n紫色大象。\n",
    );
    let output = p
        .gzhlint(&["check", "--format", "json", "a.md"])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let shown: Vec<String> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| format!("{}:{}", d["line"], d["rule"].as_str().unwrap()))
        .collect();
    assert_eq!(
        shown,
        [
            "7:gzhlint.suppression_without_reason",
            "10:gzhlint.unused_suppression",
            "12:testing.purple_elephant"
        ]
    );
    let suppressed: Vec<String> = json["suppressed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{}:{}:{}",
                d["line"],
                d["rule"].as_str().unwrap(),
                d["reason"]
            )
        })
        .collect();
    assert_eq!(
        suppressed,
        [
            "3:testing.purple_elephant:\"童话故事里的动物\"",
            "3:testing.blue_whale:\"童话故事里的动物\"",
            "8:others.red_fox:null"
        ]
    );
    assert_eq!(json["summary"]["suppressed"], 3);
}

#[test]
fn fix_rewrites_safely_in_the_original_encoding() {
    let p = Project::with_pack(PACK);
    // GBK with CRLF line endings; one safe fix, one unsafe suggestion, one split by markup.
    let text = "第一行说明文字，用来让编码检测更有把握。\r\n\r\n这里有紫色大象，还有蓝色鲸鱼，以及**紫色**大象。\r\n";
    let (gbk, _, _) = encoding_rs::GBK.encode(text);
    p.write_bytes("gbk.md", &gbk);
    let mut bom = vec![0xEF, 0xBB, 0xBF];
    bom.extend_from_slice("紫色大象\n".as_bytes());
    p.write_bytes("bom.md", &bom);
    p.write("clean.md", "没有问题的稿件\n");
    let clean_before = fs::metadata(p.path().join("clean.md"))
        .unwrap()
        .modified()
        .unwrap();

    p.gzhlint(&["check", "--diff", "--rules", "pack.toml", "gbk.md"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("-这里有紫色大象"))
        .stdout(predicate::str::contains("+这里有灰色大象"));
    assert_eq!(p.read("gbk.md"), gbk.to_vec(), "--diff writes nothing");

    p.gzhlint(&[
        "check",
        "--fix",
        "--format",
        "concise",
        "--rules",
        "pack.toml",
        "gbk.md",
        "bom.md",
        "clean.md",
    ])
    .assert()
    .code(1)
    .stderr(predicate::str::contains("fixed 2 findings in 2 files"))
    .stdout(predicate::str::contains("gbk.md:3:1: restrict testing.purple_elephant").not())
    .stdout(predicate::str::contains(
        "gbk.md:3:11: warning testing.blue_whale",
    ))
    // Split by Markdown emphasis: emptying 大象's piece would leave `****`, so it stays.
    .stdout(predicate::str::contains(
        "gbk.md:3:20: restrict testing.purple_elephant",
    ));
    let fixed = p.read("gbk.md");
    let (decoded, _, errors) = encoding_rs::GBK.decode(&fixed);
    assert!(!errors);
    assert_eq!(
        decoded,
        text.replacen("这里有紫色大象", "这里有灰色大象", 1)
    );
    assert_eq!(
        p.read("bom.md"),
        [&[0xEF, 0xBB, 0xBF][..], "灰色大象\n".as_bytes()].concat()
    );
    let clean_after = fs::metadata(p.path().join("clean.md"))
        .unwrap()
        .modified()
        .unwrap();
    assert_eq!(
        clean_before, clean_after,
        "files without fixes are not touched"
    );
    // Nothing left to fix.
    p.gzhlint(&[
        "check",
        "--diff",
        "--rules",
        "pack.toml",
        "gbk.md",
        "bom.md",
    ])
    .assert()
    .code(0);
}

#[test]
fn baseline_reports_only_new_findings() {
    let p = Project::with_pack(PACK);
    p.write("a.md", "第一段。\n\n这里有紫色大象。\n");
    p.gzhlint(&[
        "check",
        "--rules",
        "pack.toml",
        "--write-baseline",
        "baseline.json",
        "a.md",
    ])
    .assert()
    .code(0)
    .stderr(predicate::str::contains(
        "wrote 1 finding to baseline baseline.json",
    ));
    p.gzhlint(&[
        "check",
        "--rules",
        "pack.toml",
        "--baseline",
        "baseline.json",
        "a.md",
    ])
    .assert()
    .code(0)
    .stdout(predicate::str::contains("0 diagnostics"))
    .stdout(predicate::str::contains("1 in baseline"));
    // A copy saved with a byte-order mark (as Windows editors save JSON) reads the same.
    let mut with_bom = "\u{feff}".as_bytes().to_vec();
    with_bom.extend(p.read("baseline.json"));
    p.write_bytes("bom.json", &with_bom);
    p.gzhlint(&[
        "check",
        "--rules",
        "pack.toml",
        "--baseline",
        "bom.json",
        "a.md",
    ])
    .assert()
    .code(0)
    .stdout(predicate::str::contains("1 in baseline"));
    // Edits elsewhere do not bring the known finding back; a new one is reported.
    p.write(
        "a.md",
        "新加的开头。\n\n第一段改写了。\n\n这里有紫色大象。\n\n那边又来了一头紫色大象！\n",
    );
    let out = concise(
        &p,
        &[
            "--rules",
            "pack.toml",
            "--baseline",
            "baseline.json",
            "a.md",
        ],
    );
    assert_eq!(
        rules_of(&out),
        ["a.md:7:8: restrict testing.purple_elephant"]
    );
    p.write("broken.json", "{\"version\": 1,\n \"findings\": [}\n");
    p.gzhlint(&[
        "check",
        "--rules",
        "pack.toml",
        "--baseline",
        "broken.json",
        "a.md",
    ])
    .assert()
    .code(2)
    .stderr(predicate::str::contains("broken.json:2: invalid baseline"));
}

/// A baseline names files relative to its own folder: the same file matches however its path
/// is typed and from whichever folder gzhlint runs (pre-commit passes file names, CI folders).
#[test]
fn baseline_matches_a_file_however_its_path_is_typed() {
    let p = Project::with_pack(PACK);
    p.write("drafts/a.md", "这里有紫色大象。\n");
    p.check(&["--write-baseline", "baseline.json", "drafts/"])
        .assert()
        .code(0);
    let recorded = String::from_utf8(p.read("baseline.json")).unwrap();
    assert!(recorded.contains("\"path\": \"drafts/a.md\""), "{recorded}");
    let absolute = p.path().join("drafts").display().to_string();
    for path in [
        "drafts",
        "./drafts",
        "drafts/a.md",
        "./drafts/../drafts/a.md",
        &absolute,
    ] {
        p.check(&["--baseline", "baseline.json", path])
            .assert()
            .code(0)
            .stdout(predicate::str::contains("1 in baseline"));
    }
    let mut from_inside = assert_cmd::Command::cargo_bin("gzhlint").unwrap();
    from_inside
        .current_dir(p.path().join("drafts"))
        .args([
            "check",
            "--rules",
            "../pack.toml",
            "--baseline",
            "../baseline.json",
            "a.md",
        ])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("1 in baseline"));
}

/// The configuration and suppression examples users copy must work with the built-in packs:
/// the starter `init` writes with its commented rule lines switched on, and the README's own
/// configuration and suppression blocks.
#[test]
fn documented_examples_name_real_rules() {
    let p = Project::with_pack(PACK);
    p.gzhlint(&["init"]).assert().code(0);
    let starter = String::from_utf8(p.read("gzhlint.toml")).unwrap();
    let uncommented = starter.replace("# \"", "\"");
    assert_ne!(
        uncommented, starter,
        "the starter has no commented rule line"
    );
    p.write("gzhlint.toml", &uncommented);
    p.write("a.md", "正文\n");
    p.gzhlint(&["config", "a.md"]).assert().code(0);

    let readme = include_str!("../README.md");
    let block_after = |heading: &str, fence: &str| -> String {
        let section = &readme[readme.find(heading).unwrap()..];
        let start = section.find(fence).unwrap() + fence.len();
        section[start..start + section[start..].find("```").unwrap()].to_string()
    };
    p.write(
        "gzhlint.toml",
        &block_after("## Configuration", "```toml\n"),
    );
    p.write("rules/our-brand.toml", PACK);
    p.write("articles/a.md", "正文\n");
    p.gzhlint(&["config", "articles/a.md"]).assert().code(0);

    let suppressions = block_after("## Inline suppressions", "```markdown\n");
    p.write(
        "s.md",
        &format!("{suppressions}\n欠款人张三，手机 13752908164，请尽快还款。\n"),
    );
    let out = p
        .gzhlint(&["check", "--isolated", "--format", "concise", "s.md"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(!stdout.contains("invalid_suppression"), "{stdout}");
    assert!(stdout.contains("1 suppressed"), "{stdout}");
}

/// encoding_rs reads GB18030 as "GBK", whose encoder has no four-byte sequences and writes €
/// as 0x80: a fix changes the bytes of its span and no others.
#[test]
fn fix_keeps_every_other_byte_of_a_gb18030_draft() {
    let p = Project::with_pack(PACK);
    let encode = |text: &str| encoding_rs::GB18030.encode(text).0.into_owned();
    let head = [
        encode("第一行说明文字，用来让编码检测更有把握。😀𠀀，价格€5，"),
        vec![0x80], // the same € as GBK writes it
        encode("元。\r\n\r\n这里有"),
    ]
    .concat();
    let tail = encode("，结尾。\r\n");
    let draft = [head.clone(), encode("紫色大象"), tail.clone()].concat();
    p.write_bytes("a.md", &draft);
    p.check(&["--diff", "a.md"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("+这里有灰色大象，结尾。"));
    p.check(&["--fix", "a.md"])
        .assert()
        .code(0)
        .stderr(predicate::str::contains("fixed 1 finding in 1 file"));
    assert_eq!(p.read("a.md"), [head, encode("灰色大象"), tail].concat());
}

/// Classic Mac line breaks (a CR alone) count as lines, and a fix leaves them as they were.
#[test]
fn a_draft_with_cr_line_breaks_is_read_by_line_and_fixed_in_place() {
    let p = Project::with_pack(PACK);
    p.write("a.md", "# 标题\r\r第一段。\r\r这里有紫色大象。\r");
    p.check(&["--format", "concise", "a.md"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("a.md:5:4: restrict"));
    p.check(&["--fix", "a.md"]).assert().code(0);
    assert_eq!(
        String::from_utf8(p.read("a.md")).unwrap(),
        "# 标题\r\r第一段。\r\r这里有灰色大象。\r"
    );
}

const SMILEY_PACK: &str = r#"
[pack]
id = "wf-smiley"
name = "a replacement outside GBK"
version = "1.0.0"

[[rule]]
id = "testing.smiley"
category = "testing"
severity = "warning"
message = "笑脸"
help = "用表情"
clause = "测试条款"
replace = "😀"
fix = "safe"
phrases = ["笑脸符号"]
"#;

/// A replacement the file's encoding cannot hold is refused, and --diff says so rather than
/// show a change --fix will not make; a GB18030 draft takes it in a four-byte sequence.
#[test]
fn a_replacement_the_encoding_lacks_is_refused_alike_by_diff_and_fix() {
    let p = Project::with_pack(SMILEY_PACK);
    let gbk = encoding_rs::GBK
        .encode("第一行说明文字，用来让编码检测更有把握。\n\n这里有笑脸符号。\n")
        .0
        .into_owned();
    p.write_bytes("gbk.md", &gbk);
    p.check(&["--diff", "gbk.md"])
        .assert()
        .code(0)
        .stdout("")
        .stderr(predicate::str::contains(
        "gzhlint: note: gbk.md: GBK cannot encode the replacement “😀”, --fix will not change it",
    ));
    p.check(&["--fix", "gbk.md"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "gzhlint: note: gbk.md: GBK cannot encode the replacement “😀”, not fixed",
        ));
    assert_eq!(p.read("gbk.md"), gbk);

    let gb18030 = |text: &str| encoding_rs::GB18030.encode(text).0.into_owned();
    p.write_bytes(
        "gb18030.md",
        &gb18030("第一行说明文字，用来让编码检测更有把握。𠀀\n\n这里有笑脸符号。\n"),
    );
    p.check(&["--fix", "gb18030.md"]).assert().code(0);
    assert_eq!(
        p.read("gb18030.md"),
        gb18030("第一行说明文字，用来让编码检测更有把握。𠀀\n\n这里有😀。\n")
    );
}

#[cfg(unix)]
#[test]
fn fix_rewrites_a_links_target_and_leaves_hard_links_whole() {
    use std::os::unix::fs::MetadataExt;
    let p = Project::with_pack(PACK);
    p.write("real/a.md", "这里有紫色大象。\n");
    std::os::unix::fs::symlink("real/a.md", p.path().join("link.md")).unwrap();
    p.check(&["--fix", "link.md"]).assert().code(0);
    let link = fs::symlink_metadata(p.path().join("link.md")).unwrap();
    assert!(link.file_type().is_symlink(), "the link is kept");
    assert_eq!(p.read("real/a.md"), "这里有灰色大象。\n".as_bytes());

    p.write("b.md", "这里有紫色大象。\n");
    fs::hard_link(p.path().join("b.md"), p.path().join("c.md")).unwrap();
    p.check(&["--fix", "--format", "concise", "b.md"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("b.md:1:4: restrict"))
        .stderr(predicate::str::contains(
            "gzhlint: note: b.md: has 2 hard links, not fixed",
        ));
    assert_eq!(p.read("c.md"), "这里有紫色大象。\n".as_bytes());
    let ino = |name: &str| fs::metadata(p.path().join(name)).unwrap().ino();
    assert_eq!(ino("b.md"), ino("c.md"));
}

#[cfg(unix)]
#[test]
fn fix_leaves_read_only_drafts_alone_and_keeps_owner_and_group() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let p = Project::with_pack(PACK);
    p.write("a.md", "这里有紫色大象。\n");
    let path = p.path().join("a.md");
    fs::set_permissions(&path, fs::Permissions::from_mode(0o444)).unwrap();
    p.check(&["--fix", "--format", "concise", "a.md"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("a.md:1:4: restrict"))
        .stderr(predicate::str::contains(
            "gzhlint: note: a.md: read-only, not fixed",
        ));
    assert_eq!(p.read("a.md"), "这里有紫色大象。\n".as_bytes());

    fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
    // Giving a file away takes root; elsewhere only the read-only half runs.
    if std::os::unix::fs::chown(&path, Some(4321), Some(4322)).is_ok() {
        p.check(&["--fix", "a.md"]).assert().code(0);
        let fixed = fs::metadata(&path).unwrap();
        assert_eq!((fixed.uid(), fixed.gid()), (4321, 4322));
        assert_eq!(fixed.mode() & 0o777, 0o640);
        assert_eq!(p.read("a.md"), "这里有灰色大象。\n".as_bytes());
    }
}

/// A failed write is an error about the draft (not the temporary file), and the draft's
/// findings are still reported.
#[cfg(unix)]
#[test]
fn a_failed_fix_names_the_draft_and_keeps_its_findings() {
    let p = Project::with_pack(PACK);
    p.write("a.md", "这里有紫色大象。\n");
    // No file may grow (the signal it would raise is ignored, so the write fails instead): a
    // failure that root meets too, unlike a read-only folder.
    let output = std::process::Command::new("sh")
        .current_dir(p.path())
        .args(["-c", "trap '' XFSZ; ulimit -f 0; exec \"$0\" \"$@\""])
        .arg(assert_cmd::cargo::cargo_bin("gzhlint"))
        .args(["check", "--rules", "pack.toml", "--format", "concise"])
        .args(["--fix", "a.md"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("gzhlint: error: a.md: cannot write fixes: File too large"),
        "{stderr}"
    );
    assert!(!stderr.contains(&*p.path().to_string_lossy()), "{stderr}");
    assert!(
        stdout.contains("a.md:1:4: restrict testing.purple_elephant"),
        "{stdout}"
    );
    assert!(stdout.contains("checked 1 file"), "{stdout}");
    assert_eq!(p.read("a.md"), "这里有紫色大象。\n".as_bytes());
    assert_eq!(
        fs::read_dir(p.path()).unwrap().count(),
        2,
        "no temporary file left"
    );
}

#[test]
fn write_baseline_overwrites_only_a_baseline() {
    let p = Project::with_pack(PACK);
    p.write("one.md", "这里有紫色大象。\n");
    p.write("two.md", "紫色大象。\n");
    p.check(&["--write-baseline", "one.md", "two.md"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(
            "gzhlint: error: one.md: exists and is not a gzhlint baseline; not overwritten",
        ));
    assert_eq!(p.read("one.md"), "这里有紫色大象。\n".as_bytes());

    p.check(&["--write-baseline", "baseline.json", "one.md"])
        .assert()
        .code(0);
    p.check(&["--write-baseline", "baseline.json", "one.md", "two.md"])
        .assert()
        .code(0)
        .stderr(predicate::str::contains("wrote 2 findings to baseline"));
}

/// A link whose text is also its address or its reference label would point elsewhere if the
/// text changed: its findings stay reported and no fix rewrites it; the same words in a
/// paragraph are fixed.
#[test]
fn fixes_leave_link_addresses_and_labels_alone() {
    let p = Project::with_pack(PACK);
    let draft = "<https://shop.example.cn/紫色大象>\n\n\
                 [紫色大象] 和 [蓝色鲸鱼]\n\n\
                 [紫色大象]: https://a.cn\n[蓝色鲸鱼]: https://b.cn\n\n\
                 这里有紫色大象。\n";
    p.write("links.md", draft);
    p.check(&["--fix", "links.md"]).assert().code(1);
    assert_eq!(
        String::from_utf8(p.read("links.md")).unwrap(),
        draft.replace("这里有紫色大象", "这里有灰色大象")
    );
}

/// A replacement is text: in HTML its markup characters are written as entities, so a user
/// pack's fix can neither open an element nor close an attribute.
#[test]
fn fixes_in_html_escape_their_replacement() {
    let p = Project::with_pack(
        r#"
[pack]
id = "markup-test"
name = "markup test"
version = "1.0.0"

[[rule]]
id = "testing.rival"
category = "testing"
severity = "warning"
message = "竞品"
help = "换说法"
clause = "测试条款"
replace = "“优惠”<b>价</b> & \"特价\""
fix = "safe"
phrases = ["竞品甲"]
"#,
    );
    p.write("q.html", "<p title=\"竞品甲\">我们的竞品甲。</p>\n");
    p.write(
        "q.md",
        "---\ntitle: 竞品甲\n---\n\n我们的竞品甲。\n\n<div>\n竞品甲\n</div>\n",
    );
    p.check(&["--fix", "q.html", "q.md"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
        "gzhlint: note: q.md: 1 fix not applied: the replacement would not read as written there",
    ));
    let escaped = "“优惠”&lt;b&gt;价&lt;/b&gt; &amp; &quot;特价&quot;";
    assert_eq!(
        String::from_utf8(p.read("q.html")).unwrap(),
        format!("<p title=\"{escaped}\">我们的{escaped}。</p>\n")
    );
    // In Markdown as in its HTML blocks, character references read as the replacement's text;
    // the front matter's value is left for the author (YAML would need its own quoting).
    let referenced = "“优惠”&#60;b&#62;价&#60;/b&#62; &#38; &#34;特价&#34;";
    assert_eq!(
        String::from_utf8(p.read("q.md")).unwrap(),
        format!("---\ntitle: 竞品甲\n---\n\n我们的{referenced}。\n\n<div>\n{referenced}\n</div>\n")
    );
    p.check(&["--format", "concise", "q.md"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("q.md:2:8: warning testing.rival"))
        .stdout(predicate::str::contains("checked 1 file: 1 diagnostic"));
}

/// A phrase split by markup (全网<b>最低</b>价) is fixed in place: the replacement goes into its
/// first piece, its other pieces are emptied and the markup stays. Where that would not read as
/// written (Markdown emphasis left empty) or cannot be checked (a character reference inside),
/// the file is left alone and the note says so.
#[test]
fn fixes_cover_phrases_split_by_markup() {
    let p = Project::with_pack(
        r#"
[pack]
id = "split-test"
name = "split test"
version = "1.0.0"

[[rule]]
id = "testing.lowest"
category = "testing"
severity = "warning"
message = "最低价"
help = "换说法"
clause = "测试条款"
replace = "超值价"
fix = "safe"
phrases = ["全网最低价"]
"#,
    );
    let split_html = "<p>今天<span>全网</span><b>最低</b>价！</p>\n";
    let split_md = "今天全网**最低**价！\n";
    let entity = "<p>今天全网&#26368;低价！</p>\n";
    // Emptying a piece that is a link's text would lose the link.
    let links = [
        (
            "l1.html",
            "<p><a href=\"https://a.cn\">全网</a><a href=\"https://b.cn\">最低价</a>！</p>\n",
        ),
        ("l2.md", "全网<a href=\"https://x.cn\">最低价</a>！\n"),
        ("l3.md", "看[全网](https://a.cn)[最低价](https://b.cn)！\n"),
    ];
    p.write("s.html", split_html);
    p.write("s.md", split_md);
    p.write("e.html", entity);
    for (name, text) in links {
        p.write(name, text);
    }
    p.check(&["--no-builtin", "--fix", "l1.html", "l2.md", "l3.md"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("fixed").not());
    for (name, text) in links {
        assert_eq!(String::from_utf8(p.read(name)).unwrap(), text, "{name}");
    }
    p.check(&["--no-builtin", "--fix", "s.html", "s.md", "e.html"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "gzhlint: note: s.md: 1 fix not applied: the replacement would not read as written there",
        ))
        .stderr(predicate::str::contains(
            "gzhlint: note: e.html: 1 fix not applied: the replacement would not read as written there",
        ))
        .stderr(predicate::str::contains("fixed 1 finding in 1 file"));
    assert_eq!(
        String::from_utf8(p.read("s.html")).unwrap(),
        "<p>今天<span>超值价</span><b></b>！</p>\n"
    );
    assert_eq!(String::from_utf8(p.read("s.md")).unwrap(), split_md);
    assert_eq!(String::from_utf8(p.read("e.html")).unwrap(), entity);
    p.check(&["--no-builtin", "s.html"]).assert().code(0);
}
