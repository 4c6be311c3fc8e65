//! The folder tree is the architecture: engine → sim → codec / check → lab → ui (and the CLI
//! on top). This test reads every source file and fails when a lower layer names a higher
//! one, when a UI file names anything but the lab, or when a UI file goes back to spelling
//! actions as strings or building markup as text.

use std::fs;
use std::path::{Path, PathBuf};

/// What each layer may not name (as `crate::X` or `super::…::X` reaching out of its folder).
const FORBIDDEN: &[(&str, &[&str])] = &[
    ("engine", &["sim", "codec", "check", "lab", "ui", "bench"]),
    ("sim", &["codec", "check", "lab", "ui", "bench"]),
    ("codec", &["check", "lab", "ui", "bench"]),
    ("check", &["lab", "ui", "bench"]),
    ("lab", &["ui", "bench"]),
    ("ui", &["engine", "sim", "codec", "check"]),
];

/// Texts a UI file must not contain: the world itself, actions spelled as strings and parsed
/// back, markup built as a string.
const UI_FORBIDDEN_TEXT: &[&str] = &[
    "World",
    ".world()",
    "data-act",
    "from_html_unchecked",
    "set_inner_html",
    "insert_adjacent_html",
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("a source folder") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code of a file without its comments (a doc comment may name any module).
fn code(text: &str) -> String {
    text.lines()
        .map(|l| match l.find("//") {
            // A `//` inside a string ("http://") is rare in this code base; keep such a
            // line whole rather than guess.
            Some(i) if !l[..i].contains('"') => &l[..i],
            _ => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The top-level modules a file names as `crate::X…` or inside `crate::{X, Y::…}`.
fn named_modules(code: &str) -> Vec<String> {
    let ident = |s: &str| -> String {
        s.trim()
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    let mut out = Vec::new();
    for (i, _) in code.match_indices("crate::") {
        let rest = &code[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // Top level of the group only: `crate::{sim::{a, b}, lab}` names sim and lab.
            let (mut depth, mut start) = (0usize, 0usize);
            for (j, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => {
                        out.push(ident(&group[start..j]));
                        break;
                    }
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        out.push(ident(&group[start..j]));
                        start = j + 1;
                    }
                    _ => {}
                }
            }
        } else {
            out.push(ident(rest));
        }
    }
    out.retain(|m| !m.is_empty());
    out
}

/// The problems of one file of layer `layer`, as "path: what".
fn problems(layer: &str, name: &str, text: &str) -> Vec<String> {
    let code = code(text);
    let mut found = Vec::new();
    if let Some((_, banned)) = FORBIDDEN.iter().find(|(l, _)| *l == layer) {
        for module in named_modules(&code) {
            if banned.contains(&module.as_str()) {
                found.push(format!("{name}: the {layer} layer names `crate::{module}`"));
            }
        }
    }
    // `super::super` would walk out of a folder without naming it.
    if code.contains("super::super") {
        found.push(format!("{name}: `super::super` reaches out of its folder"));
    }
    if layer == "ui" {
        for t in UI_FORBIDDEN_TEXT {
            if code.contains(t) {
                found.push(format!("{name}: a UI file contains `{t}`"));
            }
        }
    }
    found
}

#[test]
fn no_layer_names_a_layer_above_it_and_the_ui_sees_only_the_lab() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut all = Vec::new();
    let mut checked = 0;
    for (layer, _) in FORBIDDEN {
        let mut files = Vec::new();
        rust_files(&src.join(layer), &mut files);
        assert!(!files.is_empty(), "src/{layer} has no Rust files");
        for f in files {
            let text = fs::read_to_string(&f).expect("a readable source file");
            let name = f.strip_prefix(&src).unwrap().display().to_string();
            all.extend(problems(layer, &name, &text));
            checked += 1;
        }
    }
    assert!(checked > 40, "only {checked} files checked");
    assert!(all.is_empty(), "layering broken:\n{}", all.join("\n"));
}

#[test]
fn the_check_catches_what_it_is_for() {
    // A lower layer naming a higher one, in each of the `use` shapes.
    assert_eq!(
        problems("sim", "x.rs", "use crate::lab::view;").len(),
        1,
        "path"
    );
    assert!(!problems("engine", "x.rs", "use crate::{sim, engine};").is_empty());
    assert!(!problems("codec", "x.rs", "let x = crate::lab::Lab::scenario(\"a\");").is_empty());
    // The UI naming the simulator or the world, or parsing an action from a string.
    assert!(!problems("ui", "x.rs", "use crate::sim::Run;").is_empty());
    assert!(!problems("ui", "x.rs", "let w = lab.run.world();").is_empty());
    assert!(!problems("ui", "x.rs", r#"html! { <b data-act="crash:1" /> }"#).is_empty());
    assert!(!problems("ui", "x.rs", "Html::from_html_unchecked(s.into())").is_empty());
    // Comments may name anything; the lab may name the simulator.
    assert!(problems("ui", "x.rs", "/// Built by [`crate::sim::World`].").is_empty());
    assert!(problems("lab", "x.rs", "use crate::sim::Run;").is_empty());
    assert!(!problems("lab", "x.rs", "use super::super::ui::App;").is_empty());
}
