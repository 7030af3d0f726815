//! Tokens: a kind, a span and a few facts the parser needs about what came before and inside.

use crate::Span;

/// A token as the parser sees it. Values (a string's code units, a number) are not stored: the
/// parser asks for them with [`crate::cook_string`], [`crate::parse_number`] and friends only when
/// it builds a node, so peeking and rescanning stay cheap.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    pub kind: Kind,
    pub span: Span,
    pub flags: u8,
}

impl Token {
    /// A line terminator (or a comment holding one) came between this token and the previous one.
    pub const NEWLINE_BEFORE: u8 = 1;
    /// An identifier or keyword written with `\u` escapes.
    pub const ESCAPED: u8 = 2;
    /// A legacy octal number (`017`), a decimal with a leading zero (`08`), or a string holding
    /// a legacy octal escape (`\1`) or `\8`/`\9`: all forbidden in strict code.
    pub const LEGACY_OCTAL: u8 = 4;
    /// A template piece holding an escape that is invalid (its cooked value is undefined).
    pub const INVALID_ESCAPE: u8 = 8;

    pub fn newline_before(&self) -> bool {
        self.flags & Self::NEWLINE_BEFORE != 0
    }

    pub fn escaped(&self) -> bool {
        self.flags & Self::ESCAPED != 0
    }

    pub fn legacy_octal(&self) -> bool {
        self.flags & Self::LEGACY_OCTAL != 0
    }

    pub fn invalid_escape(&self) -> bool {
        self.flags & Self::INVALID_ESCAPE != 0
    }
}

macro_rules! kinds {
    (
        punctuators { $($p:ident = $ptext:literal,)* }
        keywords { $($k:ident = $ktext:literal,)* }
        others { $($(#[$meta:meta])* $o:ident = $otext:literal,)* }
    ) => {
        /// Every kind of token. Keywords, including contextual ones such as `async` or `of`, get a
        /// kind of their own; the parser decides where a contextual keyword is an identifier.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Kind {
            $($p,)*
            $($k,)*
            $($(#[$meta])* $o,)*
        }

        impl Kind {
            /// How the token reads in an error message.
            pub fn describe(self) -> &'static str {
                match self {
                    $(Kind::$p => $ptext,)*
                    $(Kind::$k => $ktext,)*
                    $(Kind::$o => $otext,)*
                }
            }

            /// Whether `name` may be a keyword: `false` for most identifiers, told by their
            /// length and three of their bytes (see `from_name`), `true` for every keyword.
            #[inline(always)]
            pub fn may_be_keyword(name: &str) -> bool {
                let b = name.as_bytes();
                let (Some(masks), Some(&first), Some(&second), Some(&last)) =
                    (Self::KEYWORD_MASKS.get(b.len()), b.first(), b.get(1), b.last())
                else {
                    return false;
                };
                let has = |mask: u64, byte: u8| mask & (1 << (byte & 63)) != 0;
                has(masks[0], first) && has(masks[1], second) && has(masks[2], last)
            }

            /// Every keyword is 2 to 11 lowercase ASCII letters. Most identifiers are turned
            /// away by their length and three of their bytes: for each length, a bit (of the
            /// byte's low six bits) for every first, second and last byte of a keyword that
            /// long (`node` and `type` pass the length and first letter of `null` and
            /// `this`, not their second letters).
            const KEYWORD_MASKS: [[u64; 3]; 12] = {
                let mut masks = [[0u64; 3]; 12];
                $({
                    let k = $ktext.as_bytes();
                    let n = k.len();
                    masks[n][0] |= 1 << (k[0] & 63);
                    masks[n][1] |= 1 << (k[1] & 63);
                    masks[n][2] |= 1 << (k[n - 1] & 63);
                })*
                masks
            };

            /// The keyword kind of an identifier name, or `Identifier`.
            pub fn from_name(name: &str) -> Kind {
                // Most identifiers are turned away by `may_be_keyword`. The rest go through a
                // match specialised for their length, where only keywords of that length are
                // compared.
                if !Self::may_be_keyword(name) {
                    return Kind::Identifier;
                }
                Self::keyword_of_length(name)
            }

            /// The keyword kind of an identifier name, or `Identifier`, without `from_name`'s
            /// filter in front (for a name that passed `may_be_keyword`): a match specialised
            /// for the name's length.
            pub fn keyword_of_length(name: &str) -> Kind {
                #[inline(always)]
                fn keyword(name: &str) -> Kind {
                    match name {
                        $($ktext => Kind::$k,)*
                        _ => Kind::Identifier,
                    }
                }
                match name.len() {
                    2 => keyword(name),
                    3 => keyword(name),
                    4 => keyword(name),
                    5 => keyword(name),
                    6 => keyword(name),
                    7 => keyword(name),
                    8 => keyword(name),
                    9 => keyword(name),
                    10 => keyword(name),
                    _ => keyword(name),
                }
            }

            /// Every reserved word and contextual keyword.
            pub const KEYWORDS: &[Kind] = &[$(Kind::$k,)*];

            /// A reserved word or contextual keyword (anything spelled like an identifier).
            pub fn is_keyword(self) -> bool {
                matches!(self, $(Kind::$k)|*)
            }
        }
    };
}

kinds! {
    punctuators {
        LBrace = "{", RBrace = "}", LParen = "(", RParen = ")", LBracket = "[", RBracket = "]",
        Dot = ".", Ellipsis = "...", Semicolon = ";", Comma = ",", Less = "<", Greater = ">",
        LessEq = "<=", GreaterEq = ">=", EqEq = "==", NotEq = "!=", EqEqEq = "===", NotEqEq = "!==",
        Plus = "+", Minus = "-", Star = "*", Slash = "/", Percent = "%", StarStar = "**",
        PlusPlus = "++", MinusMinus = "--", ShiftLeft = "<<", ShiftRight = ">>",
        ShiftRightUnsigned = ">>>", Amp = "&", Pipe = "|", Caret = "^", Bang = "!", Tilde = "~",
        AmpAmp = "&&", PipePipe = "||", QuestionQuestion = "??", Question = "?",
        QuestionDot = "?.", Colon = ":", Eq = "=", PlusEq = "+=", MinusEq = "-=", StarEq = "*=",
        SlashEq = "/=", PercentEq = "%=", StarStarEq = "**=", ShiftLeftEq = "<<=",
        ShiftRightEq = ">>=", ShiftRightUnsignedEq = ">>>=", AmpEq = "&=", PipeEq = "|=",
        CaretEq = "^=", AmpAmpEq = "&&=", PipePipeEq = "||=", QuestionQuestionEq = "??=",
        Arrow = "=>", At = "@",
    }
    keywords {
        Await = "await", Break = "break", Case = "case", Catch = "catch", Class = "class",
        Const = "const", Continue = "continue", Debugger = "debugger", Default = "default",
        Delete = "delete", Do = "do", Else = "else", Enum = "enum", Export = "export",
        Extends = "extends", False = "false", Finally = "finally", For = "for",
        Function = "function", If = "if", Import = "import", In = "in",
        Instanceof = "instanceof", New = "new", Null = "null", Return = "return", Super = "super",
        Switch = "switch", This = "this", Throw = "throw", True = "true", Try = "try",
        Typeof = "typeof", Var = "var", Void = "void", While = "while", With = "with",
        Yield = "yield",
        // Reserved in strict code only.
        Implements = "implements", Interface = "interface", Let = "let", Package = "package",
        Private = "private", Protected = "protected", Public = "public", Static = "static",
        // Contextual: identifiers except where the grammar gives them meaning.
        As = "as", Async = "async", From = "from", Get = "get", Of = "of", Set = "set",
        Target = "target", Meta = "meta", Using = "using", Source = "source", Defer = "defer",
        Constructor = "constructor", Eval = "eval", Arguments = "arguments",
    }
    others {
        Identifier = "identifier",
        /// A reserved word written with escapes (`\u0069f`): usable only as a property name.
        EscapedKeyword = "escaped keyword",
        PrivateName = "private name",
        Number = "number",
        BigInt = "BigInt",
        String = "string",
        /// `` `...` `` with no substitutions.
        Template = "template",
        /// `` `...${ ``
        TemplateHead = "template",
        /// `}...${` (after a rescan)
        TemplateMiddle = "template",
        /// ``}...` `` (after a rescan)
        TemplateTail = "template",
        RegExp = "regular expression",
        Eof = "end of input",
        /// Never a token: what the scanner returns for a lexical error, which it keeps for
        /// `Lexer::next_token` to return.
        Error = "invalid token",
    }
}

impl Kind {
    /// Reserved words: never identifiers (ECMA-262 12.7.2 ReservedWord).
    pub fn is_reserved_word(self) -> bool {
        use Kind::*;
        matches!(
            self,
            Await
                | Break
                | Case
                | Catch
                | Class
                | Const
                | Continue
                | Debugger
                | Default
                | Delete
                | Do
                | Else
                | Enum
                | Export
                | Extends
                | False
                | Finally
                | For
                | Function
                | If
                | Import
                | In
                | Instanceof
                | New
                | Null
                | Return
                | Super
                | Switch
                | This
                | Throw
                | True
                | Try
                | Typeof
                | Var
                | Void
                | While
                | With
                | Yield
        )
    }

    /// Words that are reserved only in strict mode code.
    pub fn is_strict_reserved_word(self) -> bool {
        use Kind::*;
        matches!(
            self,
            Implements | Interface | Let | Package | Private | Protected | Public | Static | Yield
        )
    }

    /// Spelled like an identifier: an `IdentifierName`, usable as a property name.
    pub fn is_identifier_name(self) -> bool {
        matches!(self, Kind::Identifier | Kind::EscapedKeyword) || self.is_keyword()
    }

    pub fn is_template_start(self) -> bool {
        matches!(self, Kind::Template | Kind::TemplateHead)
    }

    /// `=` and the compound assignment operators.
    pub fn is_assignment_operator(self) -> bool {
        use Kind::*;
        matches!(
            self,
            Eq | PlusEq
                | MinusEq
                | StarEq
                | SlashEq
                | PercentEq
                | StarStarEq
                | ShiftLeftEq
                | ShiftRightEq
                | ShiftRightUnsignedEq
                | AmpEq
                | PipeEq
                | CaretEq
                | AmpAmpEq
                | PipePipeEq
                | QuestionQuestionEq
        )
    }
}
