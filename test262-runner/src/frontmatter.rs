//! The YAML frontmatter of a test262 test (`/*--- ... ---*/`), the subset test262 uses.

/// What a test declares about itself.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Frontmatter {
    pub includes: Vec<String>,
    pub flags: Vec<String>,
    pub features: Vec<String>,
    pub negative: Option<Negative>,
}

/// `negative: { phase, type }`: the test must fail in this phase with this error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Negative {
    /// `parse`, `resolution` or `runtime`.
    pub phase: String,
    /// The error constructor's name, such as `SyntaxError`.
    pub error_type: String,
}

impl Frontmatter {
    pub fn has_flag(&self, flag: &str) -> bool {
        self.flags.iter().any(|f| f == flag)
    }

    pub fn is_negative_in(&self, phase: &str) -> bool {
        self.negative.as_ref().is_some_and(|n| n.phase == phase)
    }
}

/// Parses the frontmatter of `source`; a test without one gets the defaults.
pub fn parse(source: &str) -> Frontmatter {
    let mut fm = Frontmatter::default();
    let Some(open) = source.find("/*---") else {
        return fm;
    };
    let Some(len) = source[open..].find("---*/") else {
        return fm;
    };
    let yaml = &source[open + 5..open + len];

    // The key whose block (indented lines or `- item` lists) we are in.
    let mut current: Option<&str> = None;
    let mut negative_phase = None;
    let mut negative_type = None;
    for line in yaml.lines() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let indented = line.starts_with(' ') || line.starts_with('\t');
        if indented {
            match current {
                Some("negative") => {
                    if let Some((k, v)) = trimmed.split_once(':') {
                        match k.trim() {
                            "phase" => negative_phase = Some(v.trim().to_string()),
                            "type" => negative_type = Some(v.trim().to_string()),
                            _ => {}
                        }
                    }
                }
                Some(key) => {
                    if let Some(item) = trimmed.strip_prefix("- ") {
                        push_list(&mut fm, key, item.trim());
                    }
                }
                None => {}
            }
            continue;
        }
        let Some((key, value)) = trimmed.split_once(':') else {
            current = None;
            continue;
        };
        let key = key.trim();
        let value = value.trim();
        current = Some(key);
        if let Some(list) = value.strip_prefix('[').and_then(|v| v.strip_suffix(']')) {
            for item in list.split(',') {
                let item = item.trim();
                if !item.is_empty() {
                    push_list(&mut fm, key, item);
                }
            }
        }
    }
    if let (Some(phase), Some(error_type)) = (negative_phase, negative_type) {
        fm.negative = Some(Negative { phase, error_type });
    }
    fm
}

fn push_list(fm: &mut Frontmatter, key: &str, item: &str) {
    let item = item.trim_matches(|c| c == '\'' || c == '"').to_string();
    match key {
        "includes" => fm.includes.push(item),
        "flags" => fm.flags.push(item),
        "features" => fm.features.push(item),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_inline_and_block_lists_and_negative() {
        let src = "/*---\nesid: x\ndescription: >\n  text: with colon\nincludes: [a.js, b.js]\nflags:\n  - onlyStrict\n  - module\nnegative:\n  phase: parse\n  type: SyntaxError\nfeatures: [class, 'async-iteration']\n---*/\n$DONOTEVALUATE();";
        let fm = parse(src);
        assert_eq!(fm.includes, ["a.js", "b.js"]);
        assert_eq!(fm.flags, ["onlyStrict", "module"]);
        assert_eq!(fm.features, ["class", "async-iteration"]);
        assert_eq!(
            fm.negative,
            Some(Negative {
                phase: "parse".into(),
                error_type: "SyntaxError".into()
            })
        );
        assert!(fm.is_negative_in("parse"));
    }

    #[test]
    fn description_lines_do_not_leak_into_lists() {
        let src = "/*---\ndescription: |\n  - not a flag\nflags: [raw]\n---*/";
        let fm = parse(src);
        assert_eq!(fm.flags, ["raw"]);
        assert!(fm.features.is_empty());
    }

    #[test]
    fn no_frontmatter_means_defaults() {
        assert_eq!(parse("var x;"), Frontmatter::default());
    }
}
