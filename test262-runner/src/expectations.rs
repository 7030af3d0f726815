//! The committed list of tests known to fail, grouped by reason.
//!
//! Format: `# reason: <text>` opens a group; each following non-empty line is a test path relative
//! to the suite's `test/` folder. Other `#` lines are comments.

use std::collections::{BTreeMap, BTreeSet};

pub const UNCLASSIFIED: &str = "unclassified";

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Expectations {
    /// Reason to the tests failing for it.
    pub groups: BTreeMap<String, BTreeSet<String>>,
}

impl Expectations {
    pub fn parse(text: &str) -> Expectations {
        let mut groups: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let mut reason = UNCLASSIFIED.to_string();
        for line in text.lines() {
            let line = line.trim();
            if let Some(r) = line.strip_prefix("# reason:") {
                reason = r.trim().to_string();
                groups.entry(reason.clone()).or_default();
            } else if !line.is_empty() && !line.starts_with('#') {
                groups
                    .entry(reason.clone())
                    .or_default()
                    .insert(line.to_string());
            }
        }
        Expectations { groups }
    }

    /// Adds another file's groups to this one (a test listed in both stays listed).
    pub fn merge(&mut self, other: Expectations) {
        for (reason, tests) in other.groups {
            self.groups.entry(reason).or_default().extend(tests);
        }
    }

    pub fn contains(&self, test: &str) -> bool {
        self.groups.values().any(|tests| tests.contains(test))
    }

    pub fn len(&self) -> usize {
        self.groups.values().map(BTreeSet::len).sum()
    }

    /// The list after a run over `selected`: tests that passed are dropped, new failures are
    /// added as unclassified, everything outside the selection is kept as it was.
    pub fn updated(
        &self,
        selected: &dyn Fn(&str) -> bool,
        failed: &BTreeSet<String>,
    ) -> Expectations {
        let mut groups: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (reason, tests) in &self.groups {
            let kept: BTreeSet<String> = tests
                .iter()
                .filter(|t| !selected(t) || failed.contains(*t))
                .cloned()
                .collect();
            if !kept.is_empty() {
                groups.insert(reason.clone(), kept);
            }
        }
        for test in failed {
            if !self.contains(test) {
                groups
                    .entry(UNCLASSIFIED.to_string())
                    .or_default()
                    .insert(test.clone());
            }
        }
        Expectations { groups }
    }

    pub fn render(&self, header: &str) -> String {
        let mut out = String::from(header);
        for (reason, tests) in &self.groups {
            out.push_str(&format!("\n# reason: {reason}\n"));
            for t in tests {
                out.push_str(t);
                out.push('\n');
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn update_keeps_reasons_drops_passes_and_adds_new_failures() {
        let e = Expectations::parse(
            "# header\n# reason: regexp\na.js\nb.js\n# reason: other\nz/c.js\n",
        );
        assert_eq!(e.len(), 3);
        let failed: BTreeSet<String> = ["a.js".to_string(), "new.js".to_string()].into();
        let u = e.updated(&|t: &str| !t.starts_with("z/"), &failed);
        assert!(u.groups["regexp"].contains("a.js"));
        assert!(!u.contains("b.js"));
        assert!(
            u.groups["other"].contains("z/c.js"),
            "outside the selection: kept"
        );
        assert!(u.groups[UNCLASSIFIED].contains("new.js"));
        assert_eq!(Expectations::parse(&u.render("# h\n")), u);
    }

    #[test]
    fn merged_files_list_the_union() {
        let mut e = Expectations::parse("# reason: a\nx.js\n");
        e.merge(Expectations::parse(
            "# reason: a\ny.js\n# reason: b\nz.js\n",
        ));
        assert_eq!(e.len(), 3);
        assert!(e.contains("x.js") && e.contains("y.js") && e.contains("z.js"));
    }
}
