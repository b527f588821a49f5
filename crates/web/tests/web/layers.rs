//! The web crate's modules depend one way, as its `//!` docs list them: a module uses only
//! modules of its own layer or below (`use crate::...` never points up), and no two modules
//! use each other, directly or around a loop.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Bottom first, as in `src/lib.rs`.
const LAYERS: &[&[&str]] = &[
    &[
        "config",
        "error",
        "headers",
        "links",
        "forms",
        "avatar",
        "views",
        "assets",
        "rate_limit",
        "session",
        "templates",
        "metrics",
    ],
    &["state"],
    &["render"],
    &["middleware", "extract"],
    &["handlers"],
    &["router"],
    &["lib"],
];

fn layer_of(module: &str) -> usize {
    LAYERS
        .iter()
        .position(|layer| layer.contains(&module))
        .unwrap_or_else(|| {
            panic!("the module {module} is in no layer: add it to the docs and here")
        })
}

/// The top-level modules each file's `crate::` paths name (an item of the crate root counts
/// as `lib`), by top-level module.
fn uses() -> BTreeMap<String, BTreeSet<String>> {
    let mut uses = BTreeMap::new();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut dirs = vec![src.clone()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            let relative = path.strip_prefix(&src).unwrap().to_str().unwrap();
            let module = relative.split('/').next().unwrap().trim_end_matches(".rs");
            let used: &mut BTreeSet<String> = uses.entry(module.to_owned()).or_default();
            let text = std::fs::read_to_string(&path).unwrap();
            for line in text.lines().filter(|l| !l.trim_start().starts_with("//")) {
                for after in line.split("crate::").skip(1) {
                    let name: String = after
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    assert!(
                        !name.is_empty(),
                        "{relative}: one module per `use crate::` line"
                    );
                    let target = if name.starts_with(char::is_uppercase) {
                        "lib".to_owned()
                    } else {
                        name
                    };
                    if target != module {
                        used.insert(target);
                    }
                }
            }
        }
    }
    uses
}

#[test]
fn modules_only_use_modules_of_their_layer_or_below_and_never_in_a_loop() {
    let uses = uses();
    for (module, used) in &uses {
        for target in used {
            assert!(
                layer_of(target) <= layer_of(module),
                "{module} uses {target}, which is in a higher layer"
            );
        }
    }
    // Take away modules that use nothing left; a loop is what remains.
    let mut left = uses.clone();
    while let Some(free) = left
        .iter()
        .find(|(_, used)| used.iter().all(|target| !left.contains_key(target)))
        .map(|(module, _)| module.clone())
    {
        left.remove(&free);
    }
    assert!(left.is_empty(), "modules using each other: {left:?}");
}
