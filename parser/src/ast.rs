//! The abstract syntax tree.
//!
//! Every node lives in the parse's `bumpalo::Bump` and carries its source [`Span`]. Children are
//! arena references (`&'a T`) and lists are arena slices (`&'a [T]`), so the tree is `Copy`-cheap
//! to walk and is freed all at once when the arena drops. Nothing here implements `Drop`.
//!
//! The shapes follow ECMA-262's grammar with ESTree's names where the two agree. Cover grammars are
//! resolved by the parser: an assignment's left side is always a [`Pattern`], never an expression.

use kiln_lexer::Span;

/// An identifier's name after escape decoding (`\u0061` is stored as `a`).
pub type Name<'a> = &'a str;

/// A string value as UTF-16 code units, so lone surrogates survive (`"\uD800"`).
pub type Utf16<'a> = &'a [u16];

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SourceKind {
    #[default]
    Script,
    Module,
}

#[derive(Clone, Copy, Debug)]
pub struct Program<'a> {
    pub span: Span,
    pub kind: SourceKind,
    /// Modules are always strict; scripts when their directive prologue says `"use strict"`.
    pub strict: bool,
    /// `#!...` on the first line, without the `#!`.
    pub hashbang: Option<&'a str>,
    pub directives: &'a [Directive<'a>],
    pub body: &'a [Statement<'a>],
}

/// A string-literal statement of a directive prologue, such as `"use strict"`.
#[derive(Clone, Copy, Debug)]
pub struct Directive<'a> {
    pub span: Span,
    /// The source text between the quotes, escapes not decoded (`"use\x20strict"` is no directive).
    pub raw: &'a str,
    pub value: &'a StringLiteral<'a>,
}

#[derive(Clone, Copy, Debug)]
pub struct Identifier<'a> {
    pub span: Span,
    pub name: Name<'a>,
}

/// `#name` in a class body or a member access; `name` is stored without the `#`.
#[derive(Clone, Copy, Debug)]
pub struct PrivateName<'a> {
    pub span: Span,
    pub name: Name<'a>,
}

// ---------------------------------------------------------------------------------------------
// Statements

#[derive(Clone, Copy, Debug)]
pub enum Statement<'a> {
    Block(&'a Block<'a>),
    Variable(&'a VariableDeclaration<'a>),
    Function(&'a Function<'a>),
    Class(&'a Class<'a>),
    Empty(Span),
    Expression(&'a ExpressionStatement<'a>),
    If(&'a IfStatement<'a>),
    DoWhile(&'a DoWhileStatement<'a>),
    While(&'a WhileStatement<'a>),
    For(&'a ForStatement<'a>),
    ForIn(&'a ForInStatement<'a>),
    ForOf(&'a ForOfStatement<'a>),
    Continue(&'a JumpStatement<'a>),
    Break(&'a JumpStatement<'a>),
    Return(&'a ReturnStatement<'a>),
    With(&'a WithStatement<'a>),
    Switch(&'a SwitchStatement<'a>),
    Labeled(&'a LabeledStatement<'a>),
    Throw(&'a ThrowStatement<'a>),
    Try(&'a TryStatement<'a>),
    Debugger(Span),
    Import(&'a ImportDeclaration<'a>),
    ExportNamed(&'a ExportNamedDeclaration<'a>),
    ExportDefault(&'a ExportDefaultDeclaration<'a>),
    ExportAll(&'a ExportAllDeclaration<'a>),
}

#[derive(Clone, Copy, Debug)]
pub struct Block<'a> {
    pub span: Span,
    pub body: &'a [Statement<'a>],
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VariableKind {
    Var,
    Let,
    Const,
    /// `using x = ...` (explicit resource management).
    Using,
    /// `await using x = ...`.
    AwaitUsing,
}

impl VariableKind {
    /// `using` or `await using`: the bindings are resources disposed of at the end of their scope.
    pub fn is_using(self) -> bool {
        matches!(self, VariableKind::Using | VariableKind::AwaitUsing)
    }
}

#[derive(Clone, Copy, Debug)]
pub struct VariableDeclaration<'a> {
    pub span: Span,
    pub kind: VariableKind,
    pub declarations: &'a [VariableDeclarator<'a>],
}

#[derive(Clone, Copy, Debug)]
pub struct VariableDeclarator<'a> {
    pub span: Span,
    /// Never [`Pattern::Member`] or [`Pattern::Assign`].
    pub target: Pattern<'a>,
    pub init: Option<Expression<'a>>,
}

#[derive(Clone, Copy, Debug)]
pub struct ExpressionStatement<'a> {
    pub span: Span,
    pub expression: Expression<'a>,
}

#[derive(Clone, Copy, Debug)]
pub struct IfStatement<'a> {
    pub span: Span,
    pub test: Expression<'a>,
    pub consequent: Statement<'a>,
    pub alternate: Option<Statement<'a>>,
}

#[derive(Clone, Copy, Debug)]
pub struct DoWhileStatement<'a> {
    pub span: Span,
    pub body: Statement<'a>,
    pub test: Expression<'a>,
}

#[derive(Clone, Copy, Debug)]
pub struct WhileStatement<'a> {
    pub span: Span,
    pub test: Expression<'a>,
    pub body: Statement<'a>,
}

#[derive(Clone, Copy, Debug)]
pub struct ForStatement<'a> {
    pub span: Span,
    pub init: Option<ForInit<'a>>,
    pub test: Option<Expression<'a>>,
    pub update: Option<Expression<'a>>,
    pub body: Statement<'a>,
}

#[derive(Clone, Copy, Debug)]
pub enum ForInit<'a> {
    Variable(&'a VariableDeclaration<'a>),
    Expression(Expression<'a>),
}

/// The left side of `for (left in ...)` / `for (left of ...)`.
#[derive(Clone, Copy, Debug)]
pub enum ForHead<'a> {
    /// Exactly one declarator; it has an initializer only in Annex B's sloppy `for (var x = 1 in o)`.
    Variable(&'a VariableDeclaration<'a>),
    /// An assignment target: `for (a.b of c)`, `for ([x, y] of pairs)`.
    Pattern(Pattern<'a>),
}

#[derive(Clone, Copy, Debug)]
pub struct ForInStatement<'a> {
    pub span: Span,
    pub left: ForHead<'a>,
    pub right: Expression<'a>,
    pub body: Statement<'a>,
}

#[derive(Clone, Copy, Debug)]
pub struct ForOfStatement<'a> {
    pub span: Span,
    /// `for await (... of ...)`.
    pub is_await: bool,
    pub left: ForHead<'a>,
    pub right: Expression<'a>,
    pub body: Statement<'a>,
}

/// `break` and `continue`.
#[derive(Clone, Copy, Debug)]
pub struct JumpStatement<'a> {
    pub span: Span,
    pub label: Option<Identifier<'a>>,
}

#[derive(Clone, Copy, Debug)]
pub struct ReturnStatement<'a> {
    pub span: Span,
    pub argument: Option<Expression<'a>>,
}

#[derive(Clone, Copy, Debug)]
pub struct WithStatement<'a> {
    pub span: Span,
    pub object: Expression<'a>,
    pub body: Statement<'a>,
}

#[derive(Clone, Copy, Debug)]
pub struct SwitchStatement<'a> {
    pub span: Span,
    pub discriminant: Expression<'a>,
    pub cases: &'a [SwitchCase<'a>],
}

#[derive(Clone, Copy, Debug)]
pub struct SwitchCase<'a> {
    pub span: Span,
    /// `None` for `default:`.
    pub test: Option<Expression<'a>>,
    pub body: &'a [Statement<'a>],
}

#[derive(Clone, Copy, Debug)]
pub struct LabeledStatement<'a> {
    pub span: Span,
    pub label: Identifier<'a>,
    pub body: Statement<'a>,
}

#[derive(Clone, Copy, Debug)]
pub struct ThrowStatement<'a> {
    pub span: Span,
    pub argument: Expression<'a>,
}

#[derive(Clone, Copy, Debug)]
pub struct TryStatement<'a> {
    pub span: Span,
    pub block: &'a Block<'a>,
    pub handler: Option<&'a CatchClause<'a>>,
    pub finalizer: Option<&'a Block<'a>>,
}

#[derive(Clone, Copy, Debug)]
pub struct CatchClause<'a> {
    pub span: Span,
    /// `None` for `catch { ... }`.
    pub param: Option<Pattern<'a>>,
    pub body: &'a Block<'a>,
}

// ---------------------------------------------------------------------------------------------
// Modules

/// Which phase an import asks for: plain evaluation, `import source x from`, `import defer * as`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImportPhase {
    Evaluation,
    Source,
    Defer,
}

#[derive(Clone, Copy, Debug)]
pub struct ImportDeclaration<'a> {
    pub span: Span,
    pub phase: ImportPhase,
    /// Empty for `import 'x'` and `import {} from 'x'`.
    pub specifiers: &'a [ImportSpecifier<'a>],
    pub source: &'a StringLiteral<'a>,
    pub attributes: &'a [ImportAttribute<'a>],
}

#[derive(Clone, Copy, Debug)]
pub enum ImportSpecifier<'a> {
    /// `import x from 'm'`
    Default(Identifier<'a>),
    /// `import * as x from 'm'`
    Namespace(Identifier<'a>),
    /// `import { imported as local } from 'm'`
    Named {
        span: Span,
        imported: ModuleExportName<'a>,
        local: Identifier<'a>,
    },
}

/// `with { type: 'json' }`
#[derive(Clone, Copy, Debug)]
pub struct ImportAttribute<'a> {
    pub span: Span,
    pub key: ModuleExportName<'a>,
    pub value: &'a StringLiteral<'a>,
}

/// A name in an import or export list: an identifier name, or a string (`export { x as "a b" }`).
#[derive(Clone, Copy, Debug)]
pub enum ModuleExportName<'a> {
    Identifier(Identifier<'a>),
    String(&'a StringLiteral<'a>),
}

#[derive(Clone, Copy, Debug)]
pub struct ExportNamedDeclaration<'a> {
    pub span: Span,
    /// `export var/let/const/function/class ...`: a `Variable`, `Function` or `Class` statement.
    pub declaration: Option<Statement<'a>>,
    pub specifiers: &'a [ExportSpecifier<'a>],
    /// `export { a } from 'm'`.
    pub source: Option<&'a StringLiteral<'a>>,
    pub attributes: &'a [ImportAttribute<'a>],
}

#[derive(Clone, Copy, Debug)]
pub struct ExportSpecifier<'a> {
    pub span: Span,
    pub local: ModuleExportName<'a>,
    pub exported: ModuleExportName<'a>,
}

#[derive(Clone, Copy, Debug)]
pub struct ExportDefaultDeclaration<'a> {
    pub span: Span,
    pub kind: ExportDefaultKind<'a>,
}

#[derive(Clone, Copy, Debug)]
pub enum ExportDefaultKind<'a> {
    /// `export default function [name]() {}` (also async and generator forms).
    Function(&'a Function<'a>),
    /// `export default class [name] {}`
    Class(&'a Class<'a>),
    /// `export default <AssignmentExpression>;`
    Expression(Expression<'a>),
}

/// `export * from 'm'` and `export * as name from 'm'`.
#[derive(Clone, Copy, Debug)]
pub struct ExportAllDeclaration<'a> {
    pub span: Span,
    pub exported: Option<ModuleExportName<'a>>,
    pub source: &'a StringLiteral<'a>,
    pub attributes: &'a [ImportAttribute<'a>],
}

// ---------------------------------------------------------------------------------------------
// Expressions

#[derive(Clone, Copy, Debug)]
pub enum Expression<'a> {
    Identifier(&'a Identifier<'a>),
    Null(Span),
    Boolean(&'a BooleanLiteral),
    Number(&'a NumberLiteral<'a>),
    BigInt(&'a BigIntLiteral<'a>),
    String(&'a StringLiteral<'a>),
    RegExp(&'a RegExpLiteral<'a>),
    Template(&'a TemplateLiteral<'a>),
    TaggedTemplate(&'a TaggedTemplate<'a>),
    This(Span),
    /// `super`, only ever as the object of a [`MemberExpression`] or the callee of a call.
    Super(Span),
    Array(&'a ArrayExpression<'a>),
    Object(&'a ObjectExpression<'a>),
    Function(&'a Function<'a>),
    Arrow(&'a ArrowFunction<'a>),
    Class(&'a Class<'a>),
    Unary(&'a UnaryExpression<'a>),
    Update(&'a UpdateExpression<'a>),
    Binary(&'a BinaryExpression<'a>),
    Logical(&'a LogicalExpression<'a>),
    /// `#x in obj`
    PrivateIn(&'a PrivateInExpression<'a>),
    Conditional(&'a ConditionalExpression<'a>),
    Assignment(&'a AssignmentExpression<'a>),
    Sequence(&'a SequenceExpression<'a>),
    /// Kept so that early errors and `Function.prototype.toString` can see parentheses; evaluation
    /// looks through it.
    Parenthesized(&'a ParenthesizedExpression<'a>),
    Member(&'a MemberExpression<'a>),
    Call(&'a CallExpression<'a>),
    New(&'a NewExpression<'a>),
    /// The whole of `a?.b.c()`: the range an optional `?.` short-circuits out of.
    OptionalChain(&'a OptionalChain<'a>),
    Yield(&'a YieldExpression<'a>),
    Await(&'a AwaitExpression<'a>),
    /// `new.target`
    NewTarget(Span),
    /// `import.meta`
    ImportMeta(Span),
    /// `import(source [, options])`, `import.source(x)`, `import.defer(x)`.
    ImportCall(&'a ImportCall<'a>),
}

#[derive(Clone, Copy, Debug)]
pub struct BooleanLiteral {
    pub span: Span,
    pub value: bool,
}

#[derive(Clone, Copy, Debug)]
pub struct NumberLiteral<'a> {
    pub span: Span,
    pub value: f64,
    pub raw: &'a str,
}

#[derive(Clone, Copy, Debug)]
pub struct BigIntLiteral<'a> {
    pub span: Span,
    /// The literal as written, without separators and without the trailing `n`
    /// (`0x1F`, `0b101`, `123`).
    pub digits: &'a str,
}

#[derive(Clone, Copy, Debug)]
pub struct StringLiteral<'a> {
    pub span: Span,
    pub value: Utf16<'a>,
}

#[derive(Clone, Copy, Debug)]
pub struct RegExpLiteral<'a> {
    pub span: Span,
    /// The body between the slashes, as written.
    pub pattern: &'a str,
    pub flags: &'a str,
}

#[derive(Clone, Copy, Debug)]
pub struct TemplateLiteral<'a> {
    pub span: Span,
    /// One more quasi than expressions: `a${x}b${y}c` has quasis `a`, `b`, `c`.
    pub quasis: &'a [TemplateElement<'a>],
    pub expressions: &'a [Expression<'a>],
}

#[derive(Clone, Copy, Debug)]
pub struct TemplateElement<'a> {
    pub span: Span,
    /// The raw text, with `\r\n` and `\r` normalised to `\n` as the spec's TRV says.
    pub raw: Utf16<'a>,
    /// `None` when the text holds an invalid escape (allowed only in tagged templates).
    pub cooked: Option<Utf16<'a>>,
}

#[derive(Clone, Copy, Debug)]
pub struct TaggedTemplate<'a> {
    pub span: Span,
    pub tag: Expression<'a>,
    pub quasi: &'a TemplateLiteral<'a>,
}

#[derive(Clone, Copy, Debug)]
pub struct ArrayExpression<'a> {
    pub span: Span,
    pub elements: &'a [ArrayElement<'a>],
}

#[derive(Clone, Copy, Debug)]
pub enum ArrayElement<'a> {
    /// An elision: the gap in `[a, , b]`.
    Hole(Span),
    Expression(Expression<'a>),
    Spread(&'a SpreadElement<'a>),
}

#[derive(Clone, Copy, Debug)]
pub struct SpreadElement<'a> {
    pub span: Span,
    pub argument: Expression<'a>,
}

/// An argument of a call or `new`.
#[derive(Clone, Copy, Debug)]
pub enum Argument<'a> {
    Expression(Expression<'a>),
    Spread(&'a SpreadElement<'a>),
}

#[derive(Clone, Copy, Debug)]
pub struct ObjectExpression<'a> {
    pub span: Span,
    pub members: &'a [ObjectMember<'a>],
}

#[derive(Clone, Copy, Debug)]
pub enum ObjectMember<'a> {
    Property(&'a Property<'a>),
    Spread(&'a SpreadElement<'a>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PropertyKind {
    /// `key: value`, `key`, `key() {}`
    Init,
    Get,
    Set,
}

#[derive(Clone, Copy, Debug)]
pub struct Property<'a> {
    pub span: Span,
    pub key: PropertyKey<'a>,
    /// For methods, getters and setters an [`Expression::Function`].
    pub value: Expression<'a>,
    pub kind: PropertyKind,
    /// `key() {}` (also async and generator methods).
    pub method: bool,
    /// `{ key }`: the value is the identifier `key`.
    pub shorthand: bool,
}

#[derive(Clone, Copy, Debug)]
pub enum PropertyKey<'a> {
    /// An identifier name used as a key: `a`, `if`, `get`.
    Identifier(&'a Identifier<'a>),
    String(&'a StringLiteral<'a>),
    Number(&'a NumberLiteral<'a>),
    BigInt(&'a BigIntLiteral<'a>),
    /// `[expression]`
    Computed(Expression<'a>),
    /// `#name`, in class bodies only.
    Private(&'a PrivateName<'a>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnaryOperator {
    /// `-`
    Minus,
    /// `+`
    Plus,
    /// `!`
    Not,
    /// `~`
    BitNot,
    Typeof,
    Void,
    Delete,
}

#[derive(Clone, Copy, Debug)]
pub struct UnaryExpression<'a> {
    pub span: Span,
    pub operator: UnaryOperator,
    pub argument: Expression<'a>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UpdateOperator {
    Increment,
    Decrement,
}

#[derive(Clone, Copy, Debug)]
pub struct UpdateExpression<'a> {
    pub span: Span,
    pub operator: UpdateOperator,
    pub prefix: bool,
    /// A simple assignment target: [`Pattern::Identifier`] or [`Pattern::Member`].
    pub argument: Pattern<'a>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinaryOperator {
    Equal,
    NotEqual,
    StrictEqual,
    StrictNotEqual,
    Less,
    LessEqual,
    Greater,
    GreaterEqual,
    ShiftLeft,
    ShiftRight,
    ShiftRightUnsigned,
    Add,
    Subtract,
    Multiply,
    Divide,
    Remainder,
    Exponent,
    BitOr,
    BitXor,
    BitAnd,
    In,
    Instanceof,
}

#[derive(Clone, Copy, Debug)]
pub struct BinaryExpression<'a> {
    pub span: Span,
    pub operator: BinaryOperator,
    /// The operator token: where a stack trace points when the operation throws.
    pub operator_span: Span,
    pub left: Expression<'a>,
    pub right: Expression<'a>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogicalOperator {
    /// `&&`
    And,
    /// `||`
    Or,
    /// `??`
    Coalesce,
}

#[derive(Clone, Copy, Debug)]
pub struct LogicalExpression<'a> {
    pub span: Span,
    pub operator: LogicalOperator,
    pub left: Expression<'a>,
    pub right: Expression<'a>,
}

#[derive(Clone, Copy, Debug)]
pub struct PrivateInExpression<'a> {
    pub span: Span,
    pub name: &'a PrivateName<'a>,
    pub right: Expression<'a>,
}

#[derive(Clone, Copy, Debug)]
pub struct ConditionalExpression<'a> {
    pub span: Span,
    pub test: Expression<'a>,
    pub consequent: Expression<'a>,
    pub alternate: Expression<'a>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AssignmentOperator {
    /// `=`
    Assign,
    /// `+=`
    Add,
    Subtract,
    Multiply,
    Divide,
    Remainder,
    Exponent,
    ShiftLeft,
    ShiftRight,
    ShiftRightUnsigned,
    BitOr,
    BitXor,
    BitAnd,
    /// `&&=`
    And,
    /// `||=`
    Or,
    /// `??=`
    Coalesce,
}

#[derive(Clone, Copy, Debug)]
pub struct AssignmentExpression<'a> {
    pub span: Span,
    pub operator: AssignmentOperator,
    /// The operator token: where a stack trace points when storing to a property throws.
    pub operator_span: Span,
    /// Any pattern for `=`; only [`Pattern::Identifier`] or [`Pattern::Member`] otherwise.
    pub target: Pattern<'a>,
    pub value: Expression<'a>,
}

#[derive(Clone, Copy, Debug)]
pub struct SequenceExpression<'a> {
    pub span: Span,
    pub expressions: &'a [Expression<'a>],
}

#[derive(Clone, Copy, Debug)]
pub struct ParenthesizedExpression<'a> {
    pub span: Span,
    pub expression: Expression<'a>,
}

#[derive(Clone, Copy, Debug)]
pub struct MemberExpression<'a> {
    pub span: Span,
    pub object: Expression<'a>,
    pub property: MemberProperty<'a>,
    /// This link is `?.` (only inside an [`OptionalChain`]).
    pub optional: bool,
}

#[derive(Clone, Copy, Debug)]
pub enum MemberProperty<'a> {
    /// `.name`
    Static(Identifier<'a>),
    /// `[expression]`
    Computed(Expression<'a>),
    /// `.#name`
    Private(&'a PrivateName<'a>),
}

#[derive(Clone, Copy, Debug)]
pub struct CallExpression<'a> {
    pub span: Span,
    pub callee: Expression<'a>,
    pub arguments: &'a [Argument<'a>],
    /// This link is `?.()` (only inside an [`OptionalChain`]).
    pub optional: bool,
}

#[derive(Clone, Copy, Debug)]
pub struct NewExpression<'a> {
    pub span: Span,
    pub callee: Expression<'a>,
    /// Empty both for `new F` and `new F()`.
    pub arguments: &'a [Argument<'a>],
}

#[derive(Clone, Copy, Debug)]
pub struct OptionalChain<'a> {
    pub span: Span,
    pub expression: Expression<'a>,
}

#[derive(Clone, Copy, Debug)]
pub struct YieldExpression<'a> {
    pub span: Span,
    /// `yield*`
    pub delegate: bool,
    pub argument: Option<Expression<'a>>,
}

#[derive(Clone, Copy, Debug)]
pub struct AwaitExpression<'a> {
    pub span: Span,
    pub argument: Expression<'a>,
}

#[derive(Clone, Copy, Debug)]
pub struct ImportCall<'a> {
    pub span: Span,
    pub phase: ImportPhase,
    pub source: Expression<'a>,
    pub options: Option<Expression<'a>>,
}

// ---------------------------------------------------------------------------------------------
// Patterns

/// A binding pattern (declarations, parameters, `catch`) or an assignment pattern (the left of
/// `=`, `for (... of`); only assignment patterns hold [`Pattern::Member`].
#[derive(Clone, Copy, Debug)]
pub enum Pattern<'a> {
    Identifier(&'a Identifier<'a>),
    /// A member expression as an assignment target: `a.b = 1`, `[o[k]] = xs`.
    Member(&'a MemberExpression<'a>),
    /// Annex B: a call as the target of `=`, a compound assignment, `++`/`--` or a `for-in/of`
    /// head in sloppy code (`f() = 1`). Evaluating it calls `f` and then throws a ReferenceError.
    Call(&'a CallExpression<'a>),
    Object(&'a ObjectPattern<'a>),
    Array(&'a ArrayPattern<'a>),
    /// `target = default`, inside a pattern or as a parameter with a default.
    Assign(&'a AssignPattern<'a>),
}

#[derive(Clone, Copy, Debug)]
pub struct ObjectPattern<'a> {
    pub span: Span,
    pub properties: &'a [PatternProperty<'a>],
    /// `...rest`
    pub rest: Option<Pattern<'a>>,
}

#[derive(Clone, Copy, Debug)]
pub struct PatternProperty<'a> {
    pub span: Span,
    pub key: PropertyKey<'a>,
    pub value: Pattern<'a>,
    /// `{ a }` or `{ a = 1 }`: `key` is the identifier the value binds.
    pub shorthand: bool,
}

#[derive(Clone, Copy, Debug)]
pub struct ArrayPattern<'a> {
    pub span: Span,
    /// `None` for an elision.
    pub elements: &'a [Option<Pattern<'a>>],
    pub rest: Option<Pattern<'a>>,
}

#[derive(Clone, Copy, Debug)]
pub struct AssignPattern<'a> {
    pub span: Span,
    pub target: Pattern<'a>,
    pub default: Expression<'a>,
}

// ---------------------------------------------------------------------------------------------
// Functions and classes

#[derive(Clone, Copy, Debug)]
pub struct Function<'a> {
    /// From the first token (`async`, `function`, `get`, a method's key, ...) to the closing `}`:
    /// the text `Function.prototype.toString` returns.
    pub span: Span,
    pub id: Option<Identifier<'a>>,
    pub is_async: bool,
    pub is_generator: bool,
    pub params: &'a FormalParameters<'a>,
    pub body: &'a FunctionBody<'a>,
    /// The body runs in strict mode (its own directive, or inherited from the enclosing code).
    pub strict: bool,
}

#[derive(Clone, Copy, Debug)]
pub struct FormalParameters<'a> {
    pub span: Span,
    /// Each a binding pattern, a [`Pattern::Assign`] when it has a default.
    pub items: &'a [Pattern<'a>],
    pub rest: Option<Pattern<'a>>,
    /// Only plain identifiers: no defaults, no destructuring, no rest.
    pub is_simple: bool,
}

#[derive(Clone, Copy, Debug)]
pub struct FunctionBody<'a> {
    pub span: Span,
    pub directives: &'a [Directive<'a>],
    pub statements: &'a [Statement<'a>],
}

#[derive(Clone, Copy, Debug)]
pub struct ArrowFunction<'a> {
    pub span: Span,
    pub is_async: bool,
    pub params: &'a FormalParameters<'a>,
    pub body: ArrowBody<'a>,
    pub strict: bool,
}

#[derive(Clone, Copy, Debug)]
pub enum ArrowBody<'a> {
    /// `x => x + 1`
    Expression(Expression<'a>),
    /// `x => { ... }`
    Block(&'a FunctionBody<'a>),
}

#[derive(Clone, Copy, Debug)]
pub struct Class<'a> {
    /// From the first decorator, if any, to the closing `}`.
    pub span: Span,
    /// `@dec class C {}`, in source order (including those written before `export`).
    pub decorators: &'a [Decorator<'a>],
    pub id: Option<Identifier<'a>>,
    pub super_class: Option<Expression<'a>>,
    pub body: &'a [ClassElement<'a>],
}

/// `@expression` before a class or a class element (the decorators proposal). The expression is
/// an identifier, a member chain of `.name` and `.#name` on one, such a chain called once, or a
/// parenthesized expression.
#[derive(Clone, Copy, Debug)]
pub struct Decorator<'a> {
    pub span: Span,
    pub expression: Expression<'a>,
}

#[derive(Clone, Copy, Debug)]
pub enum ClassElement<'a> {
    Method(&'a MethodDefinition<'a>),
    Field(&'a FieldDefinition<'a>),
    /// `static { ... }`
    StaticBlock(&'a StaticBlock<'a>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MethodKind {
    Constructor,
    Method,
    Get,
    Set,
}

#[derive(Clone, Copy, Debug)]
pub struct MethodDefinition<'a> {
    /// From the element's first token, after its decorators.
    pub span: Span,
    pub decorators: &'a [Decorator<'a>],
    pub key: PropertyKey<'a>,
    pub value: &'a Function<'a>,
    pub kind: MethodKind,
    pub is_static: bool,
}

#[derive(Clone, Copy, Debug)]
pub struct FieldDefinition<'a> {
    /// From the element's first token, after its decorators.
    pub span: Span,
    pub decorators: &'a [Decorator<'a>],
    pub key: PropertyKey<'a>,
    pub value: Option<Expression<'a>>,
    pub is_static: bool,
    /// `accessor x = 1;`: an auto-accessor, a getter/setter pair over private storage.
    pub is_accessor: bool,
}

#[derive(Clone, Copy, Debug)]
pub struct StaticBlock<'a> {
    pub span: Span,
    pub body: &'a [Statement<'a>],
}

impl Statement<'_> {
    pub fn span(&self) -> Span {
        match self {
            Statement::Block(n) => n.span,
            Statement::Variable(n) => n.span,
            Statement::Function(n) => n.span,
            Statement::Class(n) => n.span,
            Statement::Empty(span) | Statement::Debugger(span) => *span,
            Statement::Expression(n) => n.span,
            Statement::If(n) => n.span,
            Statement::DoWhile(n) => n.span,
            Statement::While(n) => n.span,
            Statement::For(n) => n.span,
            Statement::ForIn(n) => n.span,
            Statement::ForOf(n) => n.span,
            Statement::Continue(n) | Statement::Break(n) => n.span,
            Statement::Return(n) => n.span,
            Statement::With(n) => n.span,
            Statement::Switch(n) => n.span,
            Statement::Labeled(n) => n.span,
            Statement::Throw(n) => n.span,
            Statement::Try(n) => n.span,
            Statement::Import(n) => n.span,
            Statement::ExportNamed(n) => n.span,
            Statement::ExportDefault(n) => n.span,
            Statement::ExportAll(n) => n.span,
        }
    }
}

impl Expression<'_> {
    pub fn span(&self) -> Span {
        match self {
            Expression::Identifier(n) => n.span,
            Expression::Null(span)
            | Expression::This(span)
            | Expression::Super(span)
            | Expression::NewTarget(span)
            | Expression::ImportMeta(span) => *span,
            Expression::Boolean(n) => n.span,
            Expression::Number(n) => n.span,
            Expression::BigInt(n) => n.span,
            Expression::String(n) => n.span,
            Expression::RegExp(n) => n.span,
            Expression::Template(n) => n.span,
            Expression::TaggedTemplate(n) => n.span,
            Expression::Array(n) => n.span,
            Expression::Object(n) => n.span,
            Expression::Function(n) => n.span,
            Expression::Arrow(n) => n.span,
            Expression::Class(n) => n.span,
            Expression::Unary(n) => n.span,
            Expression::Update(n) => n.span,
            Expression::Binary(n) => n.span,
            Expression::Logical(n) => n.span,
            Expression::PrivateIn(n) => n.span,
            Expression::Conditional(n) => n.span,
            Expression::Assignment(n) => n.span,
            Expression::Sequence(n) => n.span,
            Expression::Parenthesized(n) => n.span,
            Expression::Member(n) => n.span,
            Expression::Call(n) => n.span,
            Expression::New(n) => n.span,
            Expression::OptionalChain(n) => n.span,
            Expression::Yield(n) => n.span,
            Expression::Await(n) => n.span,
            Expression::ImportCall(n) => n.span,
        }
    }
}

impl<'a> Pattern<'a> {
    /// Calls `f` for every identifier the pattern binds, in source order (ECMA-262 BoundNames).
    /// Member and call targets bind nothing.
    /// Most patterns are a lone name: that case is inlined, the walk of the others is not.
    #[inline]
    pub fn bound_names(&self, f: &mut impl FnMut(&Identifier<'a>)) {
        match self {
            Pattern::Identifier(id) => f(id),
            _ => self.nested_bound_names(f),
        }
    }

    fn nested_bound_names(&self, f: &mut impl FnMut(&Identifier<'a>)) {
        match self {
            Pattern::Identifier(id) => f(id),
            Pattern::Member(_) | Pattern::Call(_) => {}
            Pattern::Object(o) => {
                for p in o.properties {
                    p.value.bound_names(f);
                }
                if let Some(rest) = &o.rest {
                    rest.bound_names(f);
                }
            }
            Pattern::Array(a) => {
                for p in a.elements.iter().flatten() {
                    p.bound_names(f);
                }
                if let Some(rest) = &a.rest {
                    rest.bound_names(f);
                }
            }
            Pattern::Assign(a) => a.target.bound_names(f),
        }
    }

    pub fn span(&self) -> Span {
        match self {
            Pattern::Identifier(n) => n.span,
            Pattern::Member(n) => n.span,
            Pattern::Call(n) => n.span,
            Pattern::Object(n) => n.span,
            Pattern::Array(n) => n.span,
            Pattern::Assign(n) => n.span,
        }
    }
}

// The tree is walked far more than it is built: keep the enums two words wide.
const _: () = {
    assert!(size_of::<Statement<'_>>() == 16);
    assert!(size_of::<Expression<'_>>() == 16);
    assert!(size_of::<Pattern<'_>>() == 16);
    assert!(size_of::<PropertyKey<'_>>() == 16);
    assert!(!std::mem::needs_drop::<Program<'_>>());
    assert!(!std::mem::needs_drop::<Statement<'_>>());
    assert!(!std::mem::needs_drop::<Expression<'_>>());
};
