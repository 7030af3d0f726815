//! kiln-parser: ECMAScript source text to an AST in a `bumpalo::Bump`, with every early error.
//!
//! [`parse`] returns the program and its diagnostics. The AST borrows from the arena and the
//! source; it never outlives compilation.

pub mod ast;
mod diagnostic;
mod early_errors;
mod parser;
mod regexp;

pub use diagnostic::{Diagnostic, LineColumn, LineIndex, line_column};
pub use kiln_lexer::Span;
pub use regexp::{MAX_REGEXP_DEPTH, compile_regexp};

use bumpalo::Bump;

/// What to parse the source as.
#[derive(Clone, Copy, Debug, Default)]
pub struct ParseOptions {
    /// `Module` for ES modules (always strict, `await` reserved, `import`/`export` allowed).
    pub kind: ast::SourceKind,
    /// For direct `eval` code: what the surrounding code allows.
    pub eval: Option<EvalContext>,
}

/// What direct `eval` code inherits from the code that calls it (ECMA-262 19.2.1.1 PerformEval).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct EvalContext {
    /// The caller is strict code.
    pub strict: bool,
    /// Inside a non-arrow function: `new.target` is allowed.
    pub new_target: bool,
    /// Inside a method: `super.x` is allowed.
    pub super_property: bool,
    /// Inside a derived constructor: `super()` is allowed.
    pub super_call: bool,
    /// Inside a class field initializer: `arguments` is not allowed.
    pub in_class_field: bool,
    /// The code is a function body parsed alone (`vm.compileFunction`'s): `return` is allowed.
    pub function_body: bool,
}

/// The outcome of a parse: a program and, when the source is not valid, its syntax errors.
/// When `errors` is not empty the program may be incomplete.
pub struct ParseResult<'a> {
    pub program: ast::Program<'a>,
    pub errors: Vec<Diagnostic>,
}

impl ParseResult<'_> {
    pub fn is_ok(&self) -> bool {
        self.errors.is_empty()
    }
}

/// Parses `source` as a script or module, reporting every early error of ECMA-262 and Annex B.
pub fn parse<'a>(arena: &'a Bump, source: &'a str, options: ParseOptions) -> ParseResult<'a> {
    let empty = ast::Program {
        span: Span::new(0, 0),
        kind: options.kind,
        strict: options.kind == ast::SourceKind::Module,
        hashbang: None,
        directives: &[],
        body: &[],
    };
    if u32::try_from(source.len()).is_err() {
        let error = Diagnostic::new("Source text is too long (over 4 GiB)", Span::new(0, 0));
        return ParseResult {
            program: empty,
            errors: vec![error],
        };
    }
    let mut parser = parser::Parser::new(arena, source, options.kind);
    if let Some(e) = options.eval {
        parser.ctx.strict |= e.strict;
        parser.ctx.new_target |= e.new_target;
        parser.ctx.super_property |= e.super_property;
        parser.ctx.super_call |= e.super_call;
        parser.ctx.in_class_field |= e.in_class_field;
        parser.ctx.in_function |= e.function_body;
    }
    match parser.parse_program(options.kind) {
        Ok(program) => {
            let mut errors = Vec::new();
            if parser.early_errors.finish(&program) {
                // Pieces are checked in the order they were finished, inner functions first:
                // the whole-tree pass finds the error that comes first in the source.
                let mut scope_starts = std::mem::take(&mut parser.scope_starts);
                scope_starts.sort_unstable();
                early_errors::check_program(&program, scope_starts, &mut errors);
            }
            ParseResult { program, errors }
        }
        Err(error) => ParseResult {
            program: empty,
            errors: vec![*error],
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ast::*;

    fn errors(source: &str, kind: SourceKind) -> Option<String> {
        let arena = Bump::new();
        parse(&arena, source, ParseOptions { kind, eval: None })
            .errors
            .first()
            .map(|e| e.message.clone())
    }

    fn valid(source: &str) {
        assert_eq!(errors(source, SourceKind::Script), None, "{source}");
    }

    fn invalid(source: &str) {
        assert!(
            errors(source, SourceKind::Script).is_some(),
            "should fail: {source}"
        );
    }

    #[test]
    fn automatic_semicolon_insertion() {
        valid("a\nb");
        valid("return_ = 1\n++b");
        valid("do x(); while (0) y()");
        valid("function f() { return\n1 }");
        invalid("a b");
        invalid("throw\nerr");
        invalid("for (a\n;)");
        invalid("x\n=>1");
        invalid("a\n++\n");
    }

    #[test]
    fn regexp_or_division() {
        valid("a = b / c / d");
        valid("a = /=/g.test(x)");
        valid("x = y\n/re/g");
        valid("if (a) /re/.exec(b)");
        valid("a = [/[/]/]");
        invalid("a = /(/");
        invalid("a = /x/gg");
    }

    #[test]
    fn cover_grammars() {
        valid("[a, {b = 1}] = c");
        valid("({a = 1} = b)");
        valid("({a = 1}) => a");
        valid("async ({a = 1}, ...b) => a");
        valid("(a, b) => a + b; async(a, b)");
        valid("[(a)] = b; (a.b) = c");
        invalid("({a = 1})");
        invalid("({a}) = 1");
        invalid("[...a, b] = c");
        invalid("({...a,} = b)");
        invalid("(a, ...b)");
        invalid("((a)) => 1");
        invalid("a + b = c");
        invalid("({__proto__: 1, __proto__: 2})");
        valid("({__proto__: a, __proto__: b} = c)");
    }

    #[test]
    fn templates_and_escapes() {
        valid("`a${b}c${`d${e}`}f`");
        valid("tag`\\unicode`");
        invalid("`\\unicode`");
        valid("'\\u{10FFFF}' + '\\uD800'");
        invalid("'use strict'; '\\08'");
        invalid("'\\08'; 'use strict';");
        valid("var \\u{61}b = 1; ab;");
        invalid("var \\u0069f = 1;");
        valid("({ \\u0069f: 1 }).\\u0069f");
    }

    #[test]
    fn context_rules() {
        valid("function* g() { yield\n1 }");
        invalid("function* g() { var yield; }");
        valid("function f() { var yield; }");
        invalid("async function f() { var await; }");
        invalid("class A { constructor() { super(); } }");
        valid("class A extends B { constructor() { super(); } m() { return super.m(); } }");
        invalid("function f() { super.x; }");
        invalid("new.target");
        valid("function f() { return () => new.target; }");
        invalid("class A { #x; m() { return this.#y; } }");
        valid("class A { #x; static has(o) { return #x in o; } }");
        invalid("a ?? b || c");
        invalid("-a ** b");
        valid("(-a) ** b");
        invalid("label: label: ;");
        invalid("while (0) { continue missing; }");
    }

    #[test]
    fn modules() {
        assert_eq!(
            errors(
                "import a, * as b from 'm'; export { a as 'x y' }; await 1;",
                SourceKind::Module
            ),
            None
        );
        assert_eq!(
            errors(
                "import defer * as ns from 'm'; import source s from 'm';",
                SourceKind::Module
            ),
            None
        );
        assert_eq!(
            errors(
                "import j from './j.json' with { type: 'json' };",
                SourceKind::Module
            ),
            None
        );
        assert!(errors("<!-- comment", SourceKind::Module).is_some());
        assert!(errors("import.meta", SourceKind::Script).is_some());
        assert!(errors("export { if };", SourceKind::Module).is_some());
    }

    #[test]
    fn decorators_and_auto_accessors() {
        valid("@a @b.c @d.e.f() @(g, h) class C { @a m() {} @b static f = 1; @c.d() accessor x; }");
        valid("x = @a class {}; y = @a.b() class D {}");
        valid("@a\nclass C {}");
        valid("var yield; @yield class C {}");
        valid("function* g() { @(yield) class C {} }");
        valid("class C { static #m() {} static { @C.#m class D {} } }");
        invalid("class C { static { @C.#m class D {} } }");
        invalid("function* g() { @yield class C {} }");
        invalid("@a let x;");
        invalid("if (1) @a class C {}");
        invalid("@a() () class C {}");
        invalid("@a?.b class C {}");
        invalid("@a[0] class C {}");
        invalid("@this.x class C {}");
        invalid("class C { @a static {} }");
        invalid("class C { @a constructor() {} }");
        invalid("class C { @a ; }");
        invalid("@a");
        // `accessor` is an auto-accessor only before a name on the same line.
        valid("class C { accessor x = 1; static accessor #y; accessor [k]; accessor 'z' }");
        valid("class C { accessor; accessor = 1; static accessor() {} }");
        valid("class C { accessor\n x; static accessor\n y }");
        invalid("class C { accessor x() {} }");
        invalid("class C { accessor *x() {} }");
        invalid("class C { accessor get x() {} }");
        invalid("class C { \\u0061ccessor x }");
        invalid("class C { accessor constructor }");
        invalid("class C { static accessor prototype }");
        invalid("class C { accessor #constructor }");
        invalid("class C { accessor #x; get #x() {} }");
        let module = |source| errors(source, SourceKind::Module);
        for ok in [
            "export @a class C {}",
            "@a export class C {}",
            "export default @a class {}",
            "@a export default class {}",
        ] {
            assert_eq!(module(ok), None, "{ok}");
        }
        for bad in [
            "@a export @b class C {}",
            "export @a default class {}",
            "@a export default @b class {}",
            "@a export const x = 1;",
            "@a export default 1;",
            "export @a class {}",
        ] {
            assert!(module(bad).is_some(), "should fail: {bad}");
        }
    }

    #[test]
    fn spans_cover_the_statement() {
        let arena = Bump::new();
        let source = "let x = 1;\nfoo(x);";
        let result = parse(&arena, source, ParseOptions::default());
        let spans: Vec<&str> = result
            .program
            .body
            .iter()
            .map(|s| s.span().text(source))
            .collect();
        assert_eq!(spans, ["let x = 1;", "foo(x);"]);
    }

    /// The early-error pass skips expressions in which no function, arrow function or class
    /// starts: redeclarations nested anywhere in an expression must still be found, in source
    /// order or not, and in code around them.
    #[test]
    fn redeclarations_nested_in_expressions() {
        for wrap in [
            "x = a + function () { BODY };",
            "f(1, () => { BODY }, 2);",
            "o = { m() { BODY } };",
            "o = { get [k]() { return 1 } , set v(p) { BODY } };",
            "c = class { static { BODY } };",
            "c = class extends (0, class { m() { BODY } }) {};",
            "a[b](c)[d(e, f => g)](() => { BODY });",
            "t = `${ (() => { BODY })() }`;",
            "(function () {}, function () {})(() => { BODY });",
            "[x = () => { BODY }] = [];",
            "x ? y : z ? w : async () => { BODY };",
            "(() => 1)(); x = [1, [2, [3, () => { BODY }]]];",
            "@(() => { BODY }) class C {}",
            "c = class { @(function () { BODY }) m() {} };",
        ] {
            valid(&wrap.replace("BODY", "let a; var b;"));
            invalid(&wrap.replace("BODY", "let a; var a;"));
            invalid(&format!(
                "{}\nlet q; var q;",
                wrap.replace("BODY", "let a;")
            ));
        }
    }

    /// Functions, arrow functions and classes are checked as they are finished, inner ones
    /// first; the error reported is still the first in the source.
    #[test]
    fn first_early_error_in_source_order() {
        let first = |source| errors(source, SourceKind::Script).unwrap_or_default();
        assert_eq!(
            first("let b; let b; function f() { let a; let a; }"),
            "Identifier 'b' has already been declared"
        );
        assert_eq!(
            first("function f() { let a; let a; (() => { let c; let c; }) }"),
            "Identifier 'a' has already been declared"
        );
        assert_eq!(
            first("x = class { static { var d; let d; } m() { let e; let e; } }"),
            "Identifier 'd' has already been declared"
        );
    }

    /// Pieces checked on top of the parser's stack stop short of its red zone, and leave the
    /// work to the whole-tree pass.
    #[test]
    fn pieces_out_of_stack_leave_the_work_to_the_whole_tree_pass() {
        let source = "function f() { { let a; } } x => { var b; }";
        let arena = Bump::new();
        let mut parser = parser::Parser::new(&arena, source, SourceKind::Script);
        // No stack to spare anywhere: the first statement of the first piece stops the checks.
        parser.early_errors = early_errors::Incremental::new(usize::MAX);
        let program = parser.parse_program(SourceKind::Script).expect("parses");
        assert!(parser.early_errors.finish(&program));
        let mut errors = Vec::new();
        early_errors::check_program(&program, Vec::new(), &mut errors);
        assert!(errors.is_empty());
    }
}
