package dev.tenantd.runtime;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads JavaScript text as tokens, only as far as its callers need: where an ES module's
 * {@code import(...)} calls are, which identifiers it names, and (on request) where its
 * comments and literals lie. Strings, template literals (with nested {@code ${}}), comments
 * and regular-expression literals are skipped whole, so an {@code import(} inside them is not
 * a call; neither is a property access ({@code x.import(}), {@code import.meta}, a static
 * import, or a property or method named {@code import} in an object literal or class body.
 *
 * <p>Whether a {@code /} starts a regular expression or divides depends on the token before
 * it; for {@code )} and {@code }} that depends on what the matching bracket opened (an
 * {@code if (...)} head, a block, an object literal, a function expression's body), which the
 * lexer keeps on an explicit stack. One pass, each character read a bounded number of times,
 * no recursion: linear in time and memory whatever the input. Text the lexer cannot follow to
 * its end (an unterminated literal or comment, brackets that do not match) gives a
 * {@link Lexed#problem()}, and then no call should be trusted.
 */
final class JsLexer {
    /** What one pass found. */
    record Lexed(List<Integer> importCalls, Set<String> identifiers, Optional<String> problem) {
        Lexed {
            importCalls = List.copyOf(importCalls);
            identifiers = Set.copyOf(identifiers);
        }
    }

    /**
     * Where the text's comments and literals lie, in order, as {@code [start, end)} pairs of
     * offsets in one array each. A literal is a string, a regular expression, or a piece of a
     * template literal between its backtick or {@code }} and its backtick or {@code ${}: the
     * text in which every character, white space included, means itself.
     */
    record Spans(int[] comments, int[] literals, Optional<String> problem) {
    }

    // What a bracket on the stack opened.
    private static final int PAREN = 0;
    private static final int PAREN_CONTROL = 1; // the head of if / while / for / with
    private static final int PAREN_FUNCTION_EXPRESSION = 2; // parameters of a function expression
    private static final int PAREN_FUNCTION_DECLARATION = 3;
    private static final int BRACKET = 4;
    private static final int BLOCK = 5; // a block, a declaration's body, an arrow's body
    private static final int OBJECT = 6; // an object literal (or a destructuring pattern)
    private static final int FUNCTION_EXPRESSION_BODY = 7;
    private static final int CLASS_DECLARATION_BODY = 8;
    private static final int CLASS_EXPRESSION_BODY = 9;
    private static final int TEMPLATE = 10; // a ${ substitution of a template literal

    private final String s;
    private final int n;
    private int pos;

    private int[] kinds = new int[16];
    private int[] ternaries = new int[16]; // pending `?` of the level above each bracket
    private int depth;
    private int ternary; // pending `?` at the current level

    // The token before the current one.
    private boolean regexAllowed = true;
    private boolean statementStart = true;
    private boolean afterDot;
    private boolean afterArrow;
    private boolean keyPosition; // a property name may come next (object literal, class body)
    private int closedParen = -1; // the kind of the `)` just read, else -1
    private String word = ""; // the keyword just read, else ""

    private int pendingFunctionDepth = -1;
    private boolean pendingFunctionExpression;
    private int pendingClassDepth = -1;
    private boolean pendingClassExpression;
    private int pendingImport = -1;

    private final List<Integer> calls = new ArrayList<>();
    private final Set<String> identifiers = new HashSet<>();
    private final boolean keepSpans;
    private final Ranges comments = new Ranges();
    private final Ranges literals = new Ranges();

    /** {@code [start, end)} pairs, in the order found. */
    private static final class Ranges {
        private int[] ends = new int[0];
        private int size;

        void add(int start, int end) {
            if (size + 2 > ends.length) {
                ends = Arrays.copyOf(ends, Math.max(64, ends.length * 2));
            }
            ends[size++] = start;
            ends[size++] = end;
        }

        int[] toArray() {
            return Arrays.copyOf(ends, size);
        }
    }

    private JsLexer(String source, boolean keepSpans) {
        this.s = source;
        this.n = source.length();
        this.keepSpans = keepSpans;
    }

    /** The offsets of the {@code import} keywords that begin {@code import(...)} calls, and every identifier. */
    static Lexed lex(String source) {
        JsLexer lexer = new JsLexer(source, false);
        Optional<String> problem = lexer.run();
        return new Lexed(lexer.calls, lexer.identifiers, problem);
    }

    /** Where the comments and literals of {@code source} lie. */
    static Spans spans(String source) {
        JsLexer lexer = new JsLexer(source, true);
        Optional<String> problem = lexer.run();
        return new Spans(lexer.comments.toArray(), lexer.literals.toArray(), problem);
    }

    private void comment(int start, int end) {
        if (keepSpans) {
            comments.add(start, end);
        }
    }

    private void literal(int start, int end) {
        if (keepSpans) {
            literals.add(start, end);
        }
    }

    private Optional<String> run() {
        if (s.startsWith("#!")) {
            skipLineComment();
        }
        while (true) {
            skipWhitespace();
            if (pos >= n) {
                return depth == 0 ? Optional.empty() : Optional.of("an unclosed bracket at the end");
            }
            char c = s.charAt(pos);
            Optional<String> problem;
            if (c == '/' && pos + 1 < n && s.charAt(pos + 1) == '/') {
                int start = pos;
                skipLineComment();
                comment(start, pos);
                continue;
            } else if (c == '/' && pos + 1 < n && s.charAt(pos + 1) == '*') {
                int start = pos;
                int end = s.indexOf("*/", pos + 2);
                if (end < 0) {
                    return Optional.of("an unterminated comment at offset " + start);
                }
                pos = end + 2;
                comment(start, pos);
                continue;
            }
            boolean wasImport = pendingImport >= 0;
            int importAt = pendingImport;
            pendingImport = -1;
            if (c == '(' && wasImport) {
                calls.add(importAt);
            }
            if (c == '"' || c == '\'') {
                problem = string();
            } else if (c == '`') {
                pos++;
                problem = template();
            } else if (c == '/' && regexAllowed) {
                problem = regex();
            } else if (JsLiterals.isIdentifierStart(c) || c == '#') {
                identifier();
                problem = Optional.empty();
            } else if (JsLiterals.isDigit(c) || (c == '.' && pos + 1 < n && JsLiterals.isDigit(s.charAt(pos + 1)))) {
                number();
                problem = Optional.empty();
            } else {
                problem = punctuator(c);
            }
            if (problem.isPresent()) {
                return problem;
            }
        }
    }

    /** After an operand a slash divides; after an operator it starts a regular expression. */
    private void operand() {
        operator();
        regexAllowed = false;
    }

    private void operator() {
        regexAllowed = true;
        statementStart = false;
        afterDot = false;
        afterArrow = false;
        keyPosition = false;
        closedParen = -1;
        word = "";
    }

    private Optional<String> string() {
        return literalEndingAt(JsLiterals.stringEnd(s, pos), "string");
    }

    /** Moves past a literal operand that ends at {@code end}, or says which literal does not end. */
    private Optional<String> literalEndingAt(int end, String what) {
        if (end == JsLiterals.UNTERMINATED) {
            return Optional.of("an unterminated " + what + " at offset " + pos);
        }
        literal(pos, end);
        pos = end;
        operand();
        return Optional.empty();
    }

    /** Reads template characters up to the closing backtick or a {@code ${}, which opens a level. */
    private Optional<String> template() {
        int start = pos;
        JsLiterals.TemplateStop stop = JsLiterals.templateStop(s, pos);
        if (stop == null) {
            return Optional.of("an unterminated template literal near offset " + start);
        }
        literal(start - 1, stop.end());
        pos = stop.end();
        if (stop.substitution()) {
            push(TEMPLATE);
            operator();
        } else {
            operand();
        }
        return Optional.empty();
    }

    private Optional<String> regex() {
        return literalEndingAt(JsLiterals.regexEnd(s, pos), "regular expression");
    }

    private void number() {
        pos = JsLiterals.numberEnd(s, pos);
        operand();
    }

    private void identifier() {
        int start = pos;
        boolean privateName = s.charAt(pos) == '#';
        JsLiterals.Name name = JsLiterals.name(s, pos);
        pos = name.end();
        if (pos == start || (privateName && pos == start + 1)) {
            // A character that begins no name (a lone # or a symbol outside identifiers): an
            // operator, read so that the lexer advances.
            pos = Math.max(pos, start + 1);
            operator();
            return;
        }
        identifiers.add(name.decoded());
        if (privateName || afterDot || name.escaped()) {
            operand();
            return;
        }
        word(name.raw());
    }

    private void word(String raw) {
        int top = depth == 0 ? BLOCK : kinds[depth - 1];
        boolean keyLevel = top == OBJECT || top == CLASS_DECLARATION_BODY || top == CLASS_EXPRESSION_BODY;
        if (keyLevel && keyPosition) {
            // A property name, or a modifier before one (get, set, static, async, accessor).
            boolean modifier = raw.equals("get") || raw.equals("set") || raw.equals("static")
                    || raw.equals("async") || raw.equals("accessor");
            operand();
            keyPosition = modifier;
            return;
        }
        switch (raw) {
            case "import" -> {
                boolean inClassBody = top == CLASS_DECLARATION_BODY || top == CLASS_EXPRESSION_BODY;
                if (!inClassBody || regexAllowed) {
                    pendingImport = pos - raw.length();
                }
                keyword(raw);
            }
            case "function" -> {
                pendingFunctionDepth = depth;
                pendingFunctionExpression = startsExpression();
                keyword(raw);
            }
            case "class" -> {
                pendingClassDepth = depth;
                pendingClassExpression = startsExpression();
                keyword(raw);
            }
            case "return", "typeof", "instanceof", "in", "of", "new", "delete", "void", "throw", "case", "yield",
                    "await", "extends", "export", "default", "if", "while", "for", "with", "switch", "catch" -> keyword(raw);
            case "else", "do", "try", "finally" -> {
                keyword(raw);
                statementStart = true;
            }
            default -> {
                operand();
                word = raw;
            }
        }
    }

    private void keyword(String raw) {
        operator();
        word = raw;
    }

    /** Whether a function or class keyword here begins an expression rather than a declaration. */
    private boolean startsExpression() {
        return regexAllowed && !statementStart && !word.equals("export") && !word.equals("default");
    }

    private Optional<String> punctuator(char c) {
        switch (c) {
            case '(' -> {
                int kind = PAREN;
                if (pendingFunctionDepth == depth) {
                    kind = pendingFunctionExpression ? PAREN_FUNCTION_EXPRESSION : PAREN_FUNCTION_DECLARATION;
                    pendingFunctionDepth = -1;
                } else if (!afterDot && (word.equals("if") || word.equals("while") || word.equals("for")
                        || word.equals("with"))) {
                    kind = PAREN_CONTROL;
                }
                pos++;
                push(kind);
                operator();
            }
            case '[' -> {
                pos++;
                push(BRACKET);
                operator();
            }
            case '{' -> {
                int kind = braceKind();
                pos++;
                push(kind);
                operator();
                statementStart = kind == BLOCK || kind == FUNCTION_EXPRESSION_BODY;
                keyPosition = kind == OBJECT || kind == CLASS_DECLARATION_BODY || kind == CLASS_EXPRESSION_BODY;
            }
            case ')', ']', '}' -> {
                return close(c);
            }
            case '.' -> {
                if (s.startsWith("...", pos)) {
                    pos += 3;
                    operator();
                } else {
                    pos++;
                    operator();
                    afterDot = true;
                }
            }
            case '?' -> {
                if (s.startsWith("?.", pos) && !(pos + 2 < n && JsLiterals.isDigit(s.charAt(pos + 2)))) {
                    pos += 2;
                    operator();
                    afterDot = true;
                } else if (s.startsWith("??", pos)) {
                    pos += 2;
                    operator();
                } else {
                    pos++;
                    ternary++;
                    operator();
                }
            }
            case ':' -> {
                pos++;
                int top = depth == 0 ? BLOCK : kinds[depth - 1];
                boolean labelOrCase = ternary == 0 && top != OBJECT;
                if (ternary > 0) {
                    ternary--;
                }
                operator();
                statementStart = labelOrCase;
            }
            case ';' -> {
                pos++;
                operator();
                statementStart = true;
                int top = depth == 0 ? BLOCK : kinds[depth - 1];
                keyPosition = top == CLASS_DECLARATION_BODY || top == CLASS_EXPRESSION_BODY;
            }
            case ',' -> {
                pos++;
                operator();
                keyPosition = depth > 0 && kinds[depth - 1] == OBJECT;
            }
            case '=' -> {
                if (s.startsWith("=>", pos)) {
                    pos += 2;
                    operator();
                    afterArrow = true;
                } else {
                    pos++;
                    operator();
                }
            }
            case '+', '-' -> {
                if (pos + 1 < n && s.charAt(pos + 1) == c) {
                    // `a++ / 2` divides; a regular expression never follows ++ or --.
                    pos += 2;
                    operand();
                } else {
                    pos++;
                    operator();
                }
            }
            case '*' -> {
                boolean key = keyPosition;
                pos++;
                if (word.equals("function")) {
                    keyPosition = false; // a generator: the function keyword stays pending
                    regexAllowed = true;
                } else {
                    operator();
                    keyPosition = key; // a generator method: the name comes next
                }
            }
            default -> {
                pos++;
                operator();
            }
        }
        return Optional.empty();
    }

    private int braceKind() {
        if (pendingClassDepth == depth) {
            pendingClassDepth = -1;
            return pendingClassExpression ? CLASS_EXPRESSION_BODY : CLASS_DECLARATION_BODY;
        }
        if (closedParen == PAREN_FUNCTION_EXPRESSION) {
            return FUNCTION_EXPRESSION_BODY;
        }
        if (closedParen >= 0 || statementStart || afterArrow || !regexAllowed) {
            return BLOCK;
        }
        return OBJECT;
    }

    private Optional<String> close(char c) {
        int at = pos;
        if (depth == 0) {
            return Optional.of("an unmatched '" + c + "' at offset " + at);
        }
        int kind = kinds[depth - 1];
        boolean matches = switch (c) {
            case ')' -> kind <= PAREN_FUNCTION_DECLARATION;
            case ']' -> kind == BRACKET;
            default -> kind >= BLOCK;
        };
        if (!matches) {
            return Optional.of("an unmatched '" + c + "' at offset " + at);
        }
        pos++;
        pop();
        if (kind == TEMPLATE) {
            return template();
        }
        switch (kind) {
            case BLOCK, CLASS_DECLARATION_BODY -> {
                operator();
                statementStart = true;
            }
            case OBJECT, FUNCTION_EXPRESSION_BODY, CLASS_EXPRESSION_BODY, BRACKET -> operand();
            case PAREN_CONTROL -> operator();
            default -> operand(); // ( ) of a call, a group, a parameter list
        }
        closedParen = c == ')' ? kind : -1;
        int top = depth == 0 ? BLOCK : kinds[depth - 1];
        keyPosition = c == '}' && (top == CLASS_DECLARATION_BODY || top == CLASS_EXPRESSION_BODY);
        return Optional.empty();
    }

    private void push(int kind) {
        if (depth == kinds.length) {
            kinds = Arrays.copyOf(kinds, depth * 2);
            ternaries = Arrays.copyOf(ternaries, depth * 2);
        }
        kinds[depth] = kind;
        ternaries[depth] = ternary;
        ternary = 0;
        depth++;
    }

    private void pop() {
        depth--;
        ternary = ternaries[depth];
        if (pendingFunctionDepth > depth) {
            pendingFunctionDepth = -1;
        }
        if (pendingClassDepth > depth) {
            pendingClassDepth = -1;
        }
    }

    private void skipLineComment() {
        pos = JsLiterals.lineEnd(s, pos);
    }

    private void skipWhitespace() {
        pos = JsLiterals.skipWhitespace(s, pos);
    }

}
