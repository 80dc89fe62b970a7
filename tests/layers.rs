//! The architecture as a test: modules form layers that import only downwards, no two
//! source files import each other (directly or through others), and no source file
//! grows past the size where it stops being readable in one sitting.
//! `docs/architecture.md` describes the same layers.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Each top-level module and its layer; a module may import its own layer's files and
/// any lower layer. A new top-level module must be placed here on purpose.
const LAYERS: &[(&str, u8)] = &[
    ("base", 0),
    ("domain", 1),
    ("project", 2),
    ("analysis", 3),
    ("rules", 4),
    ("engine", 5),
    ("change", 5),
    ("autofix", 5),
    ("output", 6),
    ("cli", 7),
    ("lsp", 7),
];

/// "About 600 lines" with a little slack, so a file is split along a seam instead of
/// by a line count.
const MAX_LINES: usize = 650;

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("src is readable")
        .map(|e| e.expect("entry").path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            sources(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// `src/a/b.rs` and `src/a/b/mod.rs` are module `a::b`; `lib.rs` is the crate root.
fn module_of(src: &Path, file: &Path) -> Vec<String> {
    let rel = file
        .strip_prefix(src)
        .expect("inside src")
        .with_extension("");
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib")) {
        parts.pop();
    }
    parts
}

/// Drops `//` comments (doc comments mention paths in prose) and string literals.
fn code_only(text: &str) -> String {
    text.lines()
        .map(|l| match l.find("//") {
            Some(i) if !l[..i].contains('"') => &l[..i],
            _ => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every `crate::…`, `super::…` and `self::…` path in the text, made absolute.
fn paths(text: &str, me: &[String]) -> Vec<Vec<String>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    for start in ["crate::", "super::", "self::"] {
        let mut from = 0;
        while let Some(i) = text[from..].find(start) {
            let at = from + i;
            from = at + start.len();
            if at > 0 && (bytes[at - 1].is_ascii_alphanumeric() || bytes[at - 1] == b'_') {
                continue;
            }
            if at > 0 && bytes[at - 1] == b'$' {
                continue;
            }
            let rest: String = text[at..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == ':')
                .collect();
            let mut segs: Vec<String> = rest
                .split("::")
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect();
            // `me` is the file's module (a `mod.rs` is its folder's module), so `super`
            // is always one step up from it.
            let mut base: Vec<String> = me.to_vec();
            match segs.first().map(String::as_str) {
                Some("crate") => {
                    base.clear();
                    segs.remove(0);
                }
                Some("self") => {
                    segs.remove(0);
                }
                _ => {
                    while segs.first().is_some_and(|s| s == "super") {
                        segs.remove(0);
                        base.pop();
                    }
                }
            }
            base.extend(segs);
            out.push(base);
        }
    }
    out
}

struct Graph {
    files: BTreeMap<Vec<String>, PathBuf>,
    edges: BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
}

fn graph() -> Graph {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut list = Vec::new();
    sources(&src, &mut list);
    let files: BTreeMap<Vec<String>, PathBuf> = list
        .into_iter()
        .filter(|p| !p.ends_with("main.rs"))
        .map(|p| (module_of(&src, &p), p))
        .collect();
    let mut edges = BTreeMap::new();
    for (module, path) in &files {
        let text = code_only(&std::fs::read_to_string(path).expect("readable"));
        let mut to = BTreeSet::new();
        // Inside an inline `mod tests { ... }`, `super` is the file's own module.
        let (main, tests) = text.split_at(text.find("#[cfg(test)]").unwrap_or(text.len()));
        let mut inner = module.clone();
        inner.push("tests".to_string());
        let found = paths(main, module).into_iter().chain(paths(tests, &inner));
        for p in found {
            // The longest prefix of the path that is a file is what it imports.
            let target = (0..=p.len())
                .rev()
                .map(|n| p[..n].to_vec())
                .find(|m| files.contains_key(m));
            if let Some(t) = target {
                if &t != module && !t.is_empty() {
                    to.insert(t);
                }
            }
        }
        edges.insert(module.clone(), to);
    }
    Graph { files, edges }
}

fn layer(module: &[String]) -> Option<u8> {
    let top = module.first()?;
    LAYERS
        .iter()
        .find(|(name, _)| name == top)
        .map(|(_, rank)| *rank)
}

#[test]
fn every_top_level_module_has_a_layer() {
    let g = graph();
    let unplaced: BTreeSet<&String> = g
        .files
        .keys()
        .filter_map(|m| m.first())
        .filter(|top| !LAYERS.iter().any(|(name, _)| name == top))
        .collect();
    assert!(
        unplaced.is_empty(),
        "place these modules in LAYERS and docs/architecture.md: {unplaced:?}"
    );
}

#[test]
fn imports_only_point_down() {
    let g = graph();
    let mut wrong = Vec::new();
    for (from, tos) in &g.edges {
        let Some(a) = layer(from) else { continue };
        for to in tos {
            if let Some(b) = layer(to) {
                if b > a {
                    wrong.push(format!("{} imports {}", from.join("::"), to.join("::")));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "upward imports:\n{}", wrong.join("\n"));
}

#[test]
fn no_two_files_import_each_other() {
    let g = graph();
    // Tarjan's strongly connected components over the file graph.
    struct State<'a> {
        g: &'a Graph,
        index: BTreeMap<&'a Vec<String>, usize>,
        low: BTreeMap<&'a Vec<String>, usize>,
        stack: Vec<&'a Vec<String>>,
        on: BTreeSet<&'a Vec<String>>,
        cycles: Vec<Vec<String>>,
    }
    fn visit<'a>(s: &mut State<'a>, v: &'a Vec<String>) {
        let n = s.index.len();
        s.index.insert(v, n);
        s.low.insert(v, n);
        s.stack.push(v);
        s.on.insert(v);
        let g = s.g;
        for w in g.edges.get(v).into_iter().flatten() {
            if !s.index.contains_key(w) {
                visit(s, w);
                let lw = s.low[w];
                let lv = s.low.get_mut(v).expect("visited");
                *lv = (*lv).min(lw);
            } else if s.on.contains(w) {
                let iw = s.index[w];
                let lv = s.low.get_mut(v).expect("visited");
                *lv = (*lv).min(iw);
            }
        }
        if s.low[v] == s.index[v] {
            let mut comp = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on.remove(w);
                comp.push(w.join("::"));
                if w == v {
                    break;
                }
            }
            if comp.len() > 1 {
                comp.sort();
                s.cycles.push(comp);
            }
        }
    }
    let mut s = State {
        g: &g,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on: BTreeSet::new(),
        cycles: Vec::new(),
    };
    for v in g.files.keys() {
        if !s.index.contains_key(v) {
            visit(&mut s, v);
        }
    }
    assert!(
        s.cycles.is_empty(),
        "files in an import loop: {:?}",
        s.cycles
    );
}

#[test]
fn no_source_file_is_too_long_to_read() {
    let g = graph();
    let long: Vec<String> = g
        .files
        .values()
        .filter_map(|p| {
            let n = std::fs::read_to_string(p).ok()?.lines().count();
            (n > MAX_LINES).then(|| format!("{} ({n} lines)", p.display()))
        })
        .collect();
    assert!(
        long.is_empty(),
        "split these along a seam a reader recognises: {long:?}"
    );
}

#[test]
fn the_checker_sees_a_loop_and_an_upward_import() {
    // The checks above must be able to fail: feed them a known-bad pair of files.
    let me = vec!["base".to_string(), "a".to_string()];
    let found = paths("use crate::rules::Rule; use super::b::X;", &me);
    assert_eq!(
        found,
        vec![
            vec!["rules".to_string(), "Rule".to_string()],
            vec!["base".to_string(), "b".to_string(), "X".to_string()],
        ]
    );
    assert!(layer(&found[0]) > layer(&me));
}
