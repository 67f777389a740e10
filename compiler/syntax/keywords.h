/* keywords.h - the keywords of the language: the one list.
 *
 * Every other listing of the keywords is generated from KEYWORD_LIST or tested
 * against it:
 *   - the lexer's rules and the grammar's %token, decl_kw and attr_name
 *     (grammar/gen_grammar.c splices them into grammar/lexer.l and grammar/parser.y
 *     at build time);
 *   - the DeclKind enum and decl_kind_names (ast.h), starts_decl and
 *     line_starts_decl (parser.y), the language server's keyword check (keyword_find);
 *   - checked by tests/unit/test_keywords.c: LANGUAGE.md section 2.4, the VS Code
 *     TextMate grammar, the fuzzing dictionary.
 *
 * One row: X(word, TOKEN, CLASS)
 *   word   the spelling, a string literal
 *   TOKEN  the grammar's token name; a declaration keyword's kind is DK_<TOKEN>
 *   CLASS  what the word does:
 *     DECL     starts a declaration of the uniform form KIND name "title" ... {attrs} | = expr,
 *              and is a DeclKind
 *     FORM     starts a declaration of a form of its own (unit, fn), and is a DeclKind
 *     ITEM     starts a top-level item that declares nothing (import)
 *     LITERAL  a value: a newline after it ends the statement (true, false)
 *     WORD     any other reserved word
 *
 * The DECL and FORM rows are in the order of the DeclKind enum. Adding a keyword is
 * one row here (a DECL or FORM row also needs its schema in check/schema.c).
 * This header includes nothing: the grammar generator reads it too.
 */
#ifndef MISSION_KEYWORDS_H
#define MISSION_KEYWORDS_H

#define KEYWORD_LIST(X)                 \
  X("import", IMPORT, ITEM)             \
  X("as", AS, WORD)                     \
  X("mission", MISSION, DECL)           \
  X("actor", ACTOR, DECL)               \
  X("indicator", INDICATOR, DECL)       \
  X("goal", GOAL, DECL)                 \
  X("phase", PHASE, DECL)               \
  X("milestone", MILESTONE, DECL)       \
  X("instrument", INSTRUMENT, DECL)     \
  X("condition", CONDITION, DECL)       \
  X("project", PROJECT, DECL)           \
  X("record", RECORD, DECL)             \
  X("score", SCORE, DECL)               \
  X("test", TEST, DECL)                 \
  X("unit", UNIT, FORM)                 \
  X("fn", FN, FORM)                     \
  X("risk", RISK, DECL)                 \
  X("source", SOURCE, DECL)             \
  X("on", ON, WORD)                     \
  X("if", IF, WORD)                     \
  X("then", THEN, WORD)                 \
  X("else", ELSE, WORD)                 \
  X("and", AND, WORD)                   \
  X("or", OR, WORD)                     \
  X("not", NOT, WORD)                   \
  X("true", TRUE, LITERAL)              \
  X("false", FALSE, LITERAL)            \
  X("at", AT, WORD)                     \
  X("by", BY, WORD)                     \
  X("per", PER, WORD)

/* What a keyword does (the CLASS column). */
typedef enum {
  KW_DECL,
  KW_FORM,
  KW_ITEM,
  KW_LITERAL,
  KW_WORD
} KeywordClass;

/* KW_DECLKIND_<CLASS>(...): the arguments for the classes that are a DeclKind, nothing
 * otherwise, so that X(word, T, C) KW_DECLKIND_##C(...) keeps the declaration rows only.
 * KW_IF_DECLKIND_<CLASS>(yes, no): yes for those classes, no for the others. */
#define KW_DECLKIND_DECL(...) __VA_ARGS__
#define KW_DECLKIND_FORM(...) __VA_ARGS__
#define KW_DECLKIND_ITEM(...)
#define KW_DECLKIND_LITERAL(...)
#define KW_DECLKIND_WORD(...)
#define KW_IF_DECLKIND_DECL(yes, no) yes
#define KW_IF_DECLKIND_FORM(yes, no) yes
#define KW_IF_DECLKIND_ITEM(yes, no) no
#define KW_IF_DECLKIND_LITERAL(yes, no) no
#define KW_IF_DECLKIND_WORD(yes, no) no

/* Whether a keyword of class c starts a top-level item (an import or a declaration). */
#define KW_STARTS_ITEM(c) ((c) == KW_DECL || (c) == KW_FORM || (c) == KW_ITEM)

/* Whether a keyword of class c carries the /// documentation above it. */
#define KW_TAKES_DOC(c) KW_STARTS_ITEM(c)

/* Whether a newline after a keyword of class c ends the statement. */
#define KW_CAN_END(c) ((c) == KW_LITERAL)

#endif
