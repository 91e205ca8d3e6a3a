//! The function declarations of a Go source file, found the way `go tool cover -func` finds them.
//!
//! `go tool cover -func` parses each file of a profile with go/ast and counts only the blocks
//! that lie within a function declaration (`*ast.FuncDecl` with a body): from its `func` keyword
//! to just after its closing brace. A function literal assigned at package level
//! (`var handler = func(…) {…}`) is outside every declaration, so its statements count in
//! `go test -cover`'s percentage but not in `-func`'s. To give `-func`'s numbers, gigops finds
//! the same extents with a small scanner of Go's lexical grammar (comments, strings, runes,
//! brackets and the automatic semicolons that end a declaration) rather than a Go parser.

/// A declaration's extent as go/token reports it: (line, column), both 1-based, columns in
/// bytes; `end` is just past the closing brace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FuncExtent {
    pub start: (u32, u32),
    pub end: (u32, u32),
}

impl FuncExtent {
    /// Whether a block from `start` to `end` counts for this function, by the test of
    /// `go tool cover -func` (`FuncExtent.coverage` in cmd/cover/func.go): it does unless it
    /// starts at or after the function's end or ends at or before its start.
    pub fn holds(&self, start: (u32, u32), end: (u32, u32)) -> bool {
        start < self.end && end > self.start
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token<'a> {
    /// An identifier, keyword or number.
    Word(&'a str),
    /// A string or rune literal.
    Literal,
    Punct(u8),
    /// A line break outside any token (a comment holding one counts as one).
    Newline,
}

/// Go's tokens, with their positions, skipping spaces and comments.
struct Scanner<'a> {
    src: &'a [u8],
    text: &'a str,
    at: usize,
    line: u32,
    line_start: usize,
}

impl<'a> Scanner<'a> {
    fn new(text: &'a str) -> Self {
        Scanner {
            src: text.as_bytes(),
            text,
            at: 0,
            line: 1,
            line_start: 0,
        }
    }

    fn position(&self, at: usize) -> (u32, u32) {
        (self.line, (at - self.line_start + 1) as u32)
    }

    fn newline_at(&mut self, at: usize) {
        self.line += 1;
        self.line_start = at + 1;
    }

    /// Skips to just past `end`, counting lines, to the end of the input when it is missing;
    /// whether a line break was skipped.
    fn skip_until(&mut self, end: &[u8]) -> bool {
        let mut newline = false;
        while self.at < self.src.len() {
            let c = self.src[self.at];
            if self.src[self.at..].starts_with(end) {
                self.at += end.len();
                return newline;
            }
            if c == b'\n' {
                newline = true;
                self.newline_at(self.at);
            }
            self.at += 1;
        }
        self.at = self.src.len();
        newline
    }

    /// The next token and where it starts; `None` at the end.
    fn next(&mut self) -> Option<(Token<'a>, (u32, u32))> {
        loop {
            let c = *self.src.get(self.at)?;
            let start = self.at;
            let position = self.position(start);
            match c {
                b'\n' => {
                    self.newline_at(start);
                    self.at += 1;
                    return Some((Token::Newline, position));
                }
                b' ' | b'\t' | b'\r' => self.at += 1,
                b'/' if self.src.get(start + 1) == Some(&b'/') => {
                    // The line break that ends the comment is the next token.
                    while self.at < self.src.len() && self.src[self.at] != b'\n' {
                        self.at += 1;
                    }
                }
                b'/' if self.src.get(start + 1) == Some(&b'*') => {
                    self.at += 2;
                    if self.skip_until(b"*/") {
                        return Some((Token::Newline, position));
                    }
                }
                b'"' | b'\'' => {
                    self.at += 1;
                    // A string or rune ends at its quote or, broken, at the end of its line.
                    while self.at < self.src.len() {
                        match self.src[self.at] {
                            b'\\' => self.at += 2,
                            b'\n' => break,
                            q if q == c => {
                                self.at += 1;
                                break;
                            }
                            _ => self.at += 1,
                        }
                    }
                    self.at = self.at.min(self.src.len());
                    return Some((Token::Literal, position));
                }
                b'`' => {
                    self.at += 1;
                    self.skip_until(b"`");
                    return Some((Token::Literal, position));
                }
                c if c == b'_' || c.is_ascii_alphanumeric() || c >= 0x80 => {
                    while self.at < self.src.len() {
                        let c = self.src[self.at];
                        if c == b'_' || c.is_ascii_alphanumeric() || c >= 0x80 {
                            self.at += 1;
                        } else {
                            break;
                        }
                    }
                    // Non-ASCII bytes are taken whole, so the end is a character boundary.
                    return Some((Token::Word(&self.text[start..self.at]), position));
                }
                c => {
                    self.at += 1;
                    return Some((Token::Punct(c), position));
                }
            }
        }
    }
}

/// Whether Go inserts a semicolon at a line break after `token` (the Go spec, "Semicolons"; of
/// the keywords, only those that can end a declaration's line matter here).
fn ends_statement(token: Token) -> bool {
    match token {
        // An identifier, a number, or one of the keywords `break`, `continue`, `fallthrough`
        // and `return`.
        Token::Word(word) => !matches!(
            word,
            "case"
                | "chan"
                | "const"
                | "default"
                | "defer"
                | "else"
                | "for"
                | "func"
                | "go"
                | "goto"
                | "if"
                | "import"
                | "interface"
                | "map"
                | "package"
                | "range"
                | "select"
                | "struct"
                | "switch"
                | "type"
                | "var"
        ),
        Token::Literal => true,
        Token::Punct(c) => matches!(c, b')' | b']' | b'}'),
        Token::Newline => false,
    }
}

/// Whether `source` may have a line directive (`//line file:12` at the start of a line, or
/// `/*line file:12*/`), after which go/token reports other positions than the file's own, in
/// the profile and in `go tool cover -func` alike (generated code: yacc, cgo). Such a file's
/// declarations are not taken from [`function_declarations`].
pub fn has_line_directives(source: &str) -> bool {
    source.contains("/*line ") || source.lines().any(|line| line.starts_with("//line "))
}

/// The function declarations with a body in `source`, in order.
pub fn function_declarations(source: &str) -> Vec<FuncExtent> {
    let mut scanner = Scanner::new(source);
    let mut found = Vec::new();
    let mut depth = 0usize;
    // At the start of a declaration: the file's start, or after a semicolon (written, or
    // inserted at a line break).
    let mut at_start = true;
    let mut last: Option<Token> = None;
    while let Some((token, position)) = scanner.next() {
        match token {
            Token::Newline => {
                if last.is_some_and(ends_statement) {
                    at_start = true;
                }
                continue;
            }
            Token::Word("func") if depth == 0 && at_start => {
                if let Some(end) = declaration_end(&mut scanner) {
                    found.push(FuncExtent {
                        start: position,
                        end,
                    });
                }
                // A declaration ends a line: what follows starts the next one.
                at_start = true;
                last = None;
                continue;
            }
            Token::Punct(b'(' | b'[' | b'{') => depth += 1,
            Token::Punct(b')' | b']' | b'}') => depth = depth.saturating_sub(1),
            _ => {}
        }
        at_start = token == Token::Punct(b';');
        last = Some(token);
    }
    found
}

/// Reads a declaration after its `func` to the end of its body: the position just past the
/// body's closing brace, or `None` when it has no body (an assembly function) or the input ends.
fn declaration_end(scanner: &mut Scanner) -> Option<(u32, u32)> {
    let mut depth = 0usize;
    let mut last: Option<Token> = None;
    loop {
        let (token, _) = scanner.next()?;
        match token {
            Token::Newline if depth == 0 && last.is_some_and(ends_statement) => return None,
            Token::Newline => continue,
            Token::Punct(b'(' | b'[') => depth += 1,
            Token::Punct(b')' | b']') => depth = depth.saturating_sub(1),
            Token::Punct(b'{')
                if depth == 0 && !matches!(last, Some(Token::Word("struct" | "interface"))) =>
            {
                return body_end(scanner);
            }
            Token::Punct(b'{') => depth += 1,
            Token::Punct(b'}') => depth = depth.saturating_sub(1),
            _ => {}
        }
        last = Some(token);
    }
}

/// Past an opening brace: the position just past its closing one.
fn body_end(scanner: &mut Scanner) -> Option<(u32, u32)> {
    let mut depth = 1usize;
    loop {
        let (token, (line, column)) = scanner.next()?;
        match token {
            Token::Punct(b'{') => depth += 1,
            Token::Punct(b'}') => {
                depth -= 1;
                if depth == 0 {
                    return Some((line, column + 1));
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn extents(source: &str) -> Vec<((u32, u32), (u32, u32))> {
        function_declarations(source)
            .into_iter()
            .map(|f| (f.start, f.end))
            .collect()
    }

    #[test]
    fn package_level_function_literals_are_not_declarations() {
        let source = "package lit\n\nimport \"strings\"\n\nvar Upper = func(s string) string {\n\treturn strings.ToUpper(s)\n}\n\nvar (\n\tf = func() {}\n)\n\nfunc Apply(x int) int {\n\treturn func() int { return x }()\n}\n";
        assert_eq!(extents(source), [((13, 1), (15, 2))]);
    }

    #[test]
    fn braces_in_strings_comments_runes_and_signatures_do_not_end_a_body() {
        let source = r#"package p

// func NotADeclaration() {
/* } */ func A(x struct{ a int }, y interface{ M() }) (z map[string]struct{}) {
	s := "}" + `
}` + string('}') + string('\'') // }
	return nil
}

func (r *R[T]) B() []struct{ b int } { return nil }
func Asm(x int) int
func C[T any, U interface{ ~int }](t T) func() U {
	return nil
}; func D() {}
"#;
        assert_eq!(
            extents(source),
            [
                ((4, 9), (8, 2)),
                ((10, 1), (10, 52)),
                ((12, 1), (14, 2)),
                ((14, 4), (14, 15)),
            ]
        );
    }

    #[test]
    fn a_block_counts_when_it_overlaps_the_declaration() {
        let f = FuncExtent {
            start: (3, 1),
            end: (5, 2),
        };
        assert!(f.holds((3, 20), (4, 9)));
        assert!(!f.holds((5, 2), (6, 1)), "starts at the end");
        assert!(!f.holds((1, 1), (3, 1)), "ends at the start");
    }

    #[test]
    fn broken_source_gives_what_it_can_and_never_panics() {
        for source in [
            "func",
            "func A() {",
            "\"unterminated\nfunc B() {}\n",
            "/* open",
            "func é() {}",
            "'\\",
        ] {
            let _ = function_declarations(source);
        }
        assert_eq!(extents("\"open\nfunc B() {}\n"), [((2, 1), (2, 12))]);
    }
}
