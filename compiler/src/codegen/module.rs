//! A module's import and export entries (ECMA-262 16.2.1.6.1 ParseModule), for the linker.

use super::Compiler;
use crate::code::{ImportEntry, IndirectExport, ModuleInfo, import_phase};
use crate::scope::{BindingKind, node};
use kiln_parser::ast::*;

impl<'a> Compiler<'a> {
    /// How many functions enclose the one being compiled (0 at the top level).
    pub fn parked_depth(&self) -> usize {
        self.parked.len()
    }

    fn export_name(&mut self, name: &ModuleExportName<'a>) -> u32 {
        match name {
            ModuleExportName::Identifier(id) => self.name(id.name).0,
            ModuleExportName::String(s) => self.string(s.value),
        }
    }

    fn export_name_text(name: &ModuleExportName<'a>) -> Option<&'a str> {
        match name {
            ModuleExportName::Identifier(id) => Some(id.name),
            ModuleExportName::String(_) => None,
        }
    }

    pub fn module_info(&mut self, program: &'a Program<'a>) -> ModuleInfo {
        let root = self
            .tree
            .scope_of(node(program, 0))
            .expect("the module scope");
        let slot = |c: &Compiler<'a>, name: &str| -> u32 {
            let scope = c.tree.get(root);
            scope.find(name).map_or(u32::MAX, |i| c.slot_of(root, i))
        };
        let mut info = ModuleInfo {
            env_scope: self.module_env_scope.unwrap_or(0),
            has_top_level_await: self.top_level_await,
            ..ModuleInfo::default()
        };
        info.functions = std::mem::take(&mut self.module_functions)
            .into_iter()
            .map(|(name, index)| (slot(self, name), index))
            .collect();
        // ModuleRequestsEqual: the same specifier, the same attributes in any order, and the same
        // phase (an `import defer` is a request of its own; the source phase shares the
        // evaluation phase's request).
        let request = |c: &mut Compiler<'a>,
                       info: &mut ModuleInfo,
                       s: &StringLiteral<'a>,
                       attributes: &'a [ImportAttribute<'a>],
                       phase: u8| {
            let id = c.string(s.value);
            let attributes: Vec<(u32, u32)> = attributes
                .iter()
                .map(|a| (c.export_name(&a.key), c.string(a.value.value)))
                .collect();
            let mut sorted = attributes.clone();
            sorted.sort_unstable();
            let same = |i: usize| {
                let mut other = info.request_attributes[i].clone();
                other.sort_unstable();
                info.requests[i] == id && other == sorted && info.request_phases[i] == phase
            };
            match (0..info.requests.len()).find(|&i| same(i)) {
                Some(i) => i as u32,
                None => {
                    info.requests.push(id);
                    info.request_attributes.push(attributes);
                    info.request_phases.push(phase);
                    (info.requests.len() - 1) as u32
                }
            }
        };
        // Imports first: local re-exports of imported names refer to them.
        let mut import_of: Vec<(&'a str, u32, Option<u32>)> = Vec::new();
        for statement in program.body {
            match statement {
                Statement::Import(d) => {
                    let phase = match d.phase {
                        ImportPhase::Evaluation => import_phase::EVALUATION,
                        ImportPhase::Source => import_phase::SOURCE,
                        ImportPhase::Defer => import_phase::DEFER,
                    };
                    let request_phase = if phase == import_phase::DEFER {
                        import_phase::DEFER
                    } else {
                        import_phase::EVALUATION
                    };
                    let req = request(self, &mut info, d.source, d.attributes, request_phase);
                    for spec in d.specifiers {
                        let (local, name) = match spec {
                            ImportSpecifier::Default(id) if phase == import_phase::SOURCE => {
                                (id.name, None)
                            }
                            ImportSpecifier::Default(id) => (id.name, Some(self.name("default").0)),
                            ImportSpecifier::Namespace(id) => (id.name, None),
                            ImportSpecifier::Named {
                                imported, local, ..
                            } => (local.name, Some(self.export_name(imported))),
                        };
                        info.imports.push(ImportEntry {
                            request: req,
                            name,
                            slot: slot(self, local),
                            phase,
                        });
                        import_of.push((local, req, name));
                    }
                }
                Statement::ExportNamed(e) if e.source.is_some() => {
                    let req = request(
                        self,
                        &mut info,
                        e.source.expect("a source"),
                        e.attributes,
                        import_phase::EVALUATION,
                    );
                    let _ = req;
                }
                Statement::ExportAll(e) => {
                    request(
                        self,
                        &mut info,
                        e.source,
                        e.attributes,
                        import_phase::EVALUATION,
                    );
                }
                _ => {}
            }
        }
        for statement in program.body {
            match statement {
                Statement::ExportNamed(e) => {
                    if let Some(d) = &e.declaration {
                        let mut names: Vec<&'a str> = Vec::new();
                        match d {
                            Statement::Variable(v) => {
                                for decl in v.declarations {
                                    decl.target.bound_names(&mut |id| names.push(id.name));
                                }
                            }
                            Statement::Function(f) => names.extend(f.id.map(|id| id.name)),
                            Statement::Class(c) => names.extend(c.id.map(|id| id.name)),
                            _ => {}
                        }
                        for n in names {
                            let export = self.name(n).0;
                            let s = slot(self, n);
                            info.local_exports.push((export, s));
                        }
                    }
                    match e.source {
                        Some(source) => {
                            let req = request(
                                self,
                                &mut info,
                                source,
                                e.attributes,
                                import_phase::EVALUATION,
                            );
                            for spec in e.specifiers {
                                let export_name = self.export_name(&spec.exported);
                                let import_name = self.export_name(&spec.local);
                                info.indirect_exports.push(IndirectExport {
                                    export_name,
                                    request: req,
                                    import_name: Some(import_name),
                                });
                            }
                        }
                        None => {
                            for spec in e.specifiers {
                                let export_name = self.export_name(&spec.exported);
                                let Some(local) = Self::export_name_text(&spec.local) else {
                                    continue;
                                };
                                let imported = import_of.iter().find(|(l, _, _)| *l == local);
                                match imported {
                                    Some(&(_, req, Some(name))) => {
                                        info.indirect_exports.push(IndirectExport {
                                            export_name,
                                            request: req,
                                            import_name: Some(name),
                                        })
                                    }
                                    _ => {
                                        let s = slot(self, local);
                                        info.local_exports.push((export_name, s));
                                    }
                                }
                            }
                        }
                    }
                }
                Statement::ExportDefault(d) => {
                    let local = match &d.kind {
                        ExportDefaultKind::Function(f) => f.id.map_or("*default*", |id| id.name),
                        ExportDefaultKind::Class(c) => c.id.map_or("*default*", |id| id.name),
                        ExportDefaultKind::Expression(_) => "*default*",
                    };
                    let export = self.name("default").0;
                    let s = slot(self, local);
                    info.local_exports.push((export, s));
                }
                Statement::ExportAll(e) => {
                    let req = request(
                        self,
                        &mut info,
                        e.source,
                        e.attributes,
                        import_phase::EVALUATION,
                    );
                    match &e.exported {
                        Some(name) => {
                            let export_name = self.export_name(name);
                            info.indirect_exports.push(IndirectExport {
                                export_name,
                                request: req,
                                import_name: None,
                            });
                        }
                        None => info.star_exports.push(req),
                    }
                }
                _ => {}
            }
        }
        let _ = BindingKind::Import;
        info
    }
}
