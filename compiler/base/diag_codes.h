/* diag_codes.h - the one catalogue of diagnostic codes.
 *
 * DIAG_CODES(X) lists every code once: X(CODE, NAME, TITLE, HELP).
 *   CODE   the stable code; it becomes a DiagCode constant (E0201, W0104), so a
 *          misspelt code does not compile;
 *   NAME   the SARIF rule name;
 *   TITLE  exactly the title of the code's heading in LANGUAGE.md ("#### E0201 unknown
 *          name" gives "unknown name"; for a lint, "### W0101 `mission-washing`: a
 *          measurable, time-bound goal" gives the text after the colon); SARIF's
 *          shortDescription;
 *   HELP   what the code means and what satisfies it (SARIF's fullDescription).
 * tests/scripts/diag_codes.sh checks this list against the sources and LANGUAGE.md.
 * Ranges: E00 command line, E01 syntax, E02 names, E03 units, E04 dates, E05 money,
 * E06 rules, E07 schema, E08 actuals data, E09 back-end options, W01 mission criteria,
 * W06 shadowing; W011x the checker's own warnings beside the lints. */
#ifndef MISSION_DIAG_CODES_H
#define MISSION_DIAG_CODES_H

#define DIAG_CODES(X) \
  X(E0001, "UnknownWarningOption", "unknown warning option", \
    "A -W or -Wno- option names no warning that missionc knows. The mission-criteria " \
    "lints are mission-washing, cross-actor, cross-disciplinary, bottom-up, demand-side, " \
    "conditionality, citizens, unused, orphan-goal, idle-instrument, idle-project, " \
    "weights, results-chain, no-review, unmitigated-risk and unsourced; the checker's are " \
    "shadow, bare-percent and budget-may-exceed, and unused-allow.") \
  X(E0101, "UnexpectedCharacter", "unexpected character", \
    "A character or byte that cannot start a token outside a string. The logical " \
    "operators are written 'and', 'or' and 'not', not '&&', '||' and '!'.") \
  X(E0102, "SyntaxError", "syntax error", \
    "A token the grammar does not allow at this place; the message names what was " \
    "expected. Parsing resumes at the next statement, so later errors are reported too.") \
  X(E0103, "UnterminatedString", "unterminated string", \
    "A string must be closed with a double quote on the line where it starts.") \
  X(E0104, "UnterminatedComment", "unterminated comment", \
    "A /* comment must be closed with */ before the end of the file.") \
  X(E0105, "InvalidDate", "invalid date", \
    "A date literal names a month or a day that does not exist, such as month 13 or " \
    "2030-02-30.") \
  X(E0106, "UnknownEscape", "unknown escape", \
    "Strings accept the escapes \\\" \\\\ \\n and \\t only.") \
  X(E0107, "InvalidNumber", "number out of range", \
    "A number literal that is longer than 127 characters or too large for a double.") \
  X(E0108, "InvalidUtf8", "string not valid UTF-8", \
    "Mission files are UTF-8: a string holds bytes that are not valid UTF-8.") \
  X(E0109, "NestingTooDeep", "nesting too deep", \
    "The parser ran out of stack: an expression or a block is nested too deeply.") \
  X(E0201, "UnknownName", "unknown name", \
    "A name (a declaration, a record, a goal, a function) that is declared nowhere, " \
    "neither in the file nor in its imports; the message suggests a close name when there " \
    "is one.") \
  X(E0202, "WrongKindOfDeclaration", "wrong kind of declaration", \
    "A name refers to a declaration of another kind than the place takes: 'on' takes a " \
    "record, 'owner' an actor, a goal is not a value in a formula (use progress(goal) or " \
    "goal.target).") \
  X(E0203, "DeclaredTwice", "declared twice", \
    "Every declaration, field and parameter name is declared once: all declarations share " \
    "one namespace, imported ones included.") \
  X(E0204, "ImportNotFound", "import not found", \
    "An import is looked up next to the importing file, in the -I folders, in " \
    "MISSION_PATH and in the standard library, with '.mission' implied.") \
  X(E0205, "ImportCycle", "import cycle", \
    "Files import each other in a cycle; imports must form a tree.") \
  X(E0206, "ReservedName", "reserved name", \
    "'date' is reserved in formulas and cannot name a declaration, a field or a " \
    "parameter; 'bool' is a type, not a unit.") \
  X(E0207, "BuiltinRedefined", "function named like a built-in", \
    "A fn cannot take the name of a built-in function (min, max, clamp, abs, sqrt, log, " \
    "exp, pow, round, floor, ceil, progress, expected, on_track, planned, is_missing, " \
    "coalesce).") \
  X(E0208, "UnknownFunction", "unknown function", \
    "A call names no user fn and no built-in function.") \
  X(E0209, "MissionImported", "importing a mission", \
    "An imported file is a library: it cannot declare a mission.") \
  X(E0210, "ImportTooDeep", "imports nested too deeply", \
    "A chain of imports (a imports b, which imports c ...) is longer than 1000 files after " \
    "the first.") \
  X(E0301, "UnknownUnit", "unknown unit", \
    "A unit name that is neither built in (1, %, day) nor declared with 'unit', here or " \
    "in an import.") \
  X(E0302, "DimensionMismatch", "dimensions differ", \
    "Addition, subtraction, comparison, min, max, clamp and the branches of 'if' need " \
    "operands of the same dimension; scales convert (1 MEUR + 5 EUR), dimensions do not.") \
  X(E0303, "WrongUnit", "wrong unit for a declared unit", \
    "A quantity does not have the dimension the place takes: a weight is a plain number; " \
    "a goal's baseline, target and expected values are in its indicator's dimension.") \
  X(E0304, "NeedsPlainNumber", "a plain number is needed", \
    "log, exp, round, floor, ceil and the exponent of '^' take dimensionless values.") \
  X(E0305, "OddSquareRoot", "square root of an odd dimension", \
    "The square root of a value whose dimension has an odd exponent has no unit.") \
  X(E0306, "PowerOfDimension", "power of a quantity", \
    "A value with a dimension can be raised only to a constant, whole power, so that the " \
    "result has a unit.") \
  X(E0307, "InvalidUnitDefinition", "wrong unit definition", \
    "A unit is defined by numbers and units with whole exponents, as in 'unit MEUR = 1e6 " \
    "EUR' or 'unit tpy = t / year'.") \
  X(E0308, "TooManyBaseUnits", "too many base units", \
    "There is room for a fixed number of base units (dimensions); derive the others from " \
    "them.") \
  X(E0309, "TypeNotUnit", "a type used as a unit", \
    "'bool' and 'date' are types: they declare record fields but are not units of " \
    "quantities.") \
  X(E0310, "UnitExponentTooLarge", "exponent too large", \
    "The exponents of a unit's dimension grow beyond what missionc represents.") \
  X(E0401, "PartialDateInFormula", "partial date in a formula", \
    "Formulas take whole dates (YYYY-MM-DD) only; a month or a year is allowed in " \
    "attributes.") \
  X(E0402, "ReversedPeriod", "period ends before it starts", \
    "A period 'start .. end' must not end before it starts.") \
  X(E0403, "OutsideMissionPeriod", "outside the mission period", \
    "Phases, milestones, goal deadlines, instrument and project periods lie within the " \
    "mission's period (bounds included).") \
  X(E0404, "MilestoneOutsidePhase", "milestone outside its phase", \
    "A milestone's date lies within the period of its phase.") \
  X(E0405, "AfterViolated", "`after` goes back in time", \
    "'X after Y' means that X starts (or falls) no earlier than Y ends (or falls); equal " \
    "dates are allowed.") \
  X(E0406, "AfterCycle", "`after` in a circle", \
    "Phases and milestones ordered by 'after' must not form a cycle.") \
  X(E0407, "ExpectsOutsideRange", "interim value outside baseline and target", \
    "A milestone's 'expects' value for a goal lies between the goal's baseline and " \
    "target, inclusive.") \
  X(E0408, "DeadlineBeforeBaseline", "deadline not after the baseline date", \
    "A goal's target date ('by') comes after its baseline date ('at').") \
  X(E0409, "TargetEqualsBaseline", "target equals baseline", \
    "A goal whose target equals its baseline measures no progress.") \
  X(E0501, "InstrumentOverBudget", "funding over an instrument's budget", \
    "The sum of the 'funded_by' amounts drawn on an instrument stays within its budget " \
    "(to the cent).") \
  X(E0502, "MissionOverBudget", "instruments over the mission budget", \
    "The sum of the instruments' budgets stays within the mission's budget (to the cent).") \
  X(E0503, "NotMoney", "not money", \
    "Budgets and funding are money: a currency (a base unit named by its ISO 4217 code, " \
    "such as EUR, or documented '/// currency') or a unit derived from one.") \
  X(E0504, "CurrencyMismatch", "different currencies", \
    "Amounts compared with a budget must be in the same currency; declare an exchange " \
    "rate (unit SEK = 0.087 EUR) to mix them.") \
  X(E0505, "NegativeMoney", "negative money", \
    "Budgets and funding amounts are not negative.") \
  X(E0601, "ConditionNotBool", "condition that is not a bool", \
    "A condition's formula gives a bool (a comparison, and, or, not).") \
  X(E0602, "WeightOutOfRange", "weight or likelihood out of range", \
    "Contribution weights lie in [-1, 1] (a negative weight is a trade-off), goal weights " \
    "in [0, 1], a risk's likelihood in 0% .. 100%.") \
  X(E0603, "ParentCycle", "cycle of parents or contributions", \
    "Actors and goals ordered by 'parent', and goals that contribute to goals, must not " \
    "form a cycle.") \
  X(E0604, "Recursion", "recursion", \
    "Scores, conditions and functions must not use themselves, directly or through " \
    "others.") \
  X(E0605, "MixedInputs", "rules over different inputs", \
    "A rule may use other rules over the same input only: both 'on' the same record, or " \
    "both over the indicators.") \
  X(E0606, "SecondMission", "two missions in one file", \
    "A file holds at most one mission.") \
  X(E0607, "WrongType", "wrong type in a formula", \
    "An operator or a function gets a value of the wrong type (a number where a bool is " \
    "needed, a date where a number is).") \
  X(E0608, "WrongArgumentCount", "wrong number of arguments", \
    "A function is called with another number of arguments than it takes.") \
  X(E0609, "ReadsData", "input read where only constants or parameters are allowed", \
    "Attribute values are constants, and fn bodies read only their parameters: neither " \
    "can read indicators, fields or date.") \
  X(E0610, "NoDateField", "`date` in a rule on a record", \
    "A rule 'on' a record reads 'date' only when the record has a field of type date.") \
  X(E0611, "FormulaTooDeep", "formula nested too deeply", \
    "A formula is nested more deeply than the checker walks.") \
  X(E0620, "FormulaTooLarge", "formula expands too far through functions", \
    "A rule's formula, with every call of a function expanded in full, is limited to " \
    "100000 operations.") \
  X(E0701, "UnknownAttribute", "unknown attribute", \
    "An attribute that the declaration's kind does not take (the message suggests a close " \
    "one).") \
  X(E0702, "GivenTwice", "attribute given twice", \
    "An attribute is given more than once.") \
  X(E0703, "MissingAttribute", "required attribute missing", \
    "A required attribute is missing (a mission's period, an actor's sector, a goal's " \
    "indicator, baseline and target ...).") \
  X(E0704, "WrongAttributeValue", "value of the wrong type", \
    "An attribute's value is not of the form its schema takes (a name, a date, a string, " \
    "a quantity).") \
  X(E0705, "WrongValueCount", "wrong number of values", \
    "An attribute needs a value, or takes only one.") \
  X(E0706, "UnknownValue", "value not in the list", \
    "A value outside the attribute's list (a sector, a kind of instrument ...).") \
  X(E0707, "NotOnRecord", "declaration in the wrong form", \
    "Only scores and conditions can be 'on' a record, and only scores and functions take " \
    "a result unit.") \
  X(E0801, "MalformedCsv", "malformed CSV file", \
    "The actuals of status or the rows of eval and explain are not well-formed CSV: the " \
    "file is empty (no header), a quote is not closed, a record has more or fewer cells " \
    "than the header, a record is too long; or the first column of the actuals is not " \
    "'date'.") \
  X(E0802, "UnknownColumn", "column that names no indicator", \
    "A column of the actuals names no indicator: an unknown name, a declaration of " \
    "another kind, or an empty name.") \
  X(E0803, "ColumnTwice", "two columns for one indicator", \
    "An indicator has two columns in the actuals.") \
  X(E0804, "InvalidRowDate", "row without a valid date", \
    "A row of the actuals has no date, or a date that is not a real YYYY-MM-DD.") \
  X(E0805, "InvalidCell", "cell that is not a number", \
    "A cell of the actuals is not a number, or not a finite one (nan, inf).") \
  X(E0806, "SecondObservation", "two observations on one date", \
    "An indicator is observed twice on the same date in the actuals; or, with eval " \
    "--carry-forward, a column has a value in two rows of one key on the same date.") \
  X(E0807, "NoReportDate", "no date for the report", \
    "The actuals have no rows and no --as-of is given: there is no date to report on.") \
  X(E0808, "UnknownRowSource", "source that names no source declaration", \
    "A cell of the actuals' 'source' column is neither a URL nor the name of a source " \
    "declaration.") \
  X(E0810, "MissingColumn", "column missing from the header", \
    "A column that eval or explain needs is not in the header of the rows: an input of " \
    "a rule (an indicator, a field of the record, 'date'), or a column named by eval's " \
    "--keep, --by or --order. Every missing column is reported, with the rules that " \
    "need it.") \
  X(E0811, "ColumnNameClash", "two columns of one name", \
    "The header of the rows names a column that the rules read twice (which one holds " \
    "the values is not known), or eval --keep copies a column named like a rule, so " \
    "that the output would have two columns of that name.") \
  X(E0812, "EmptyCell", "empty cell", \
    "A cell that a rule reads is empty. eval --na=nan reads it as a missing value (NaN); " \
    "eval --carry-forward takes the last observation of its column for the row's key, " \
    "as status does.") \
  X(E0813, "UnreadableCell", "cell that cannot be read", \
    "A cell that a rule reads is not a number, a boolean (true, false, 1, 0) or a date " \
    "(YYYY-MM-DD), as its column needs; eval --na=nan reads it as a missing value (NaN).") \
  X(E0814, "RowsOutOfOrder", "rows out of order", \
    "With eval --carry-forward --order COLUMN, the rows of one key must come in the " \
    "order of that column (dates or numbers, earliest first): sort the file first.") \
  X(E0815, "RowOutOfRange", "row number outside the rows file", \
    "explain --row N names a data row that the rows file does not have (rows are counted " \
    "from 1, the first row under the header).") \
  X(E0901, "UnknownFocus", "--focus names no declaration", \
    "graph --focus names a declaration that does not exist.") \
  X(E0902, "FocusNotInView", "--focus not drawn by the view", \
    "graph --focus names a declaration that the chosen view does not draw.") \
  X(E0903, "PortfolioTooLarge", "portfolio too large to draw as a table", \
    "graph --view portfolio draws a table of at most 100,000 cells (instruments x goals); " \
    "draw a part with --focus, or the flowchart with -T mermaid.") \
  X(E0904, "BuildTooLarge", "rules too large to build", \
    "build compiles at most 100,000 formula nodes, counting in each rule the rules it uses " \
    "(inlined); build the rules needed with --rules.") \
  X(E0905, "UnknownRule", "--rule names no score or condition", \
    "explain --rule names a declaration that is not a score or a condition, or no " \
    "declaration at all.") \
  X(W0101, "MissionWashing", "a measurable, time-bound goal", \
    "Mazzucato's criterion: a mission is targeted, measurable and time-bound. A mission " \
    "with no goal that has an indicator, a baseline and a target with a deadline is " \
    "mission washing. Add a goal with 'indicator', 'baseline VALUE at DATE' and 'target " \
    "VALUE by DEADLINE'.") \
  X(W0102, "CrossActor", "the quadruple helix", \
    "Mazzucato's criterion: a mission is cross-actor, and the OECD and the EU Missions " \
    "ask for the quadruple helix of public, private, third-sector, academic and citizen " \
    "actors. The mission's actors come from fewer than 3 of the 5 sectors. Involve actors " \
    "of the missing sectors.") \
  X(W0103, "CrossDisciplinary", "projects across disciplines", \
    "Mazzucato's criterion: research and innovation for a mission is cross-disciplinary. " \
    "A project lists fewer than 2 'disciplines'. List the disciplines the project brings " \
    "together.") \
  X(W0104, "BottomUp", "many solutions per goal", \
    "Mazzucato's criterion: a mission is pursued through multiple, bottom-up solutions, a " \
    "portfolio of projects rather than one. A goal has a single contributing project. Add " \
    "projects that contribute to it.") \
  X(W0105, "DemandSide", "supply-push and demand-pull", \
    "The OECD's and Mazzucato's advice: a mission articulates supply-push and demand-pull " \
    "instruments. No instrument has 'push demand' (public procurement counts when 'push' " \
    "is omitted). Add a demand-side instrument such as procurement, a prize or a " \
    "standard.") \
  X(W0106, "Conditionality", "conditions on public money", \
    "Mazzucato's advice: public money to business comes with conditionalities " \
    "(reinvestment, emission cuts, no tax havens). A grant, loan, guarantee or equity " \
    "instrument funds a project with a private actor and requires no condition. Add " \
    "'requires CONDITION'.") \
  X(W0107, "Citizens", "engaging citizens", \
    "Mazzucato's criterion and the EU Missions' implementation: a mission engages " \
    "citizens. No actor has 'sector citizens'. Add one and involve it in a project.") \
  X(W0108, "Unused", "declarations referenced nowhere", \
    "A unit, fn, actor, indicator, record, condition or phase declared in the checked " \
    "file is referenced nowhere (a use inside a unit declaration counts). Use it or " \
    "remove it.") \
  X(W0109, "OrphanGoal", "a goal nobody works toward", \
    "A goal that no project (nor any project of one of its sub-goals) contributes to: " \
    "nothing in the portfolio works toward it. Add 'contributes GOAL: WEIGHT' to the " \
    "projects that pursue it.") \
  X(W0110, "IdleInstrument", "an instrument that funds nothing", \
    "An instrument (other than a regulation or a standard) that no project names in " \
    "'funded_by'. Link the projects it funds or remove it.") \
  X(W0111, "IdleProject", "a project that serves no goal", \
    "A project without 'contributes': it serves none of the mission's goals. Add " \
    "'contributes GOAL: WEIGHT'.") \
  X(W0112, "Weights", "contribution weights sum to 1", \
    "The positive weights of the projects and goals contributing to a goal are their " \
    "shares of it; they should add up to 1 (within 1e-9). Negative weights (trade-offs) " \
    "are not counted. Adjust them.") \
  X(W0113, "BarePercent", "bare number against a percent", \
    "A non-zero plain number meets a name in a dimensionless unit with a scale (%, ppm) " \
    "through + - comparisons min max clamp or the branches of 'if': 4.2 there is 420%. " \
    "Write 4.2% (-Wbare-percent).") \
  X(W0114, "BudgetMayExceed", "budget may be exceeded", \
    "Amounts given as ranges may exceed a budget: the sum of their upper ends is more " \
    "than the budget's lower end, though the sum of their lower ends fits " \
    "(-Wbudget-may-exceed).") \
  X(W0115, "ResultsChain", "broken results chain", \
    "The theory of change: an 'impact' goal that no goal contributes to and that has no " \
    "sub-goal, or an 'output' goal that contributes to no goal. Link outputs to the " \
    "outcomes they serve and outcomes to the impacts they lead to with 'contributes GOAL: " \
    "WEIGHT'.") \
  X(W0116, "NoReview", "no review or decision milestone", \
    "The OECD's advice on learning and adaptation: a mission whose period is longer than " \
    "3 years has no milestone of kind 'review' or 'decision'. Plan reviews and decision " \
    "gates.") \
  X(W0117, "UnmitigatedRisk", "unmitigated risk", \
    "A risk with a likelihood of 20% or more and no 'mitigated_by'. Name the instruments " \
    "or projects that reduce it.") \
  X(W0118, "Unsourced", "figure without a source", \
    "In a file that declares or imports a source: a baseline, target, budget, funding " \
    "amount or expected value with neither 'per SOURCE' nor 'sources' on its declaration " \
    "or the mission.") \
  X(W0119, "UnusedAllow", "allow that silences nothing", \
    "An 'allow CODE: \"reason\"' on a declaration where no warning CODE is reported: " \
    "remove it or move it to the declaration the warning points at (-Wunused-allow).") \
  X(W0601, "FieldShadows", "a record field hides a declaration", \
    "A record field with the name of a declaration hides it in the rules on that record " \
    "(-Wshadow).") \
  X(W0602, "ParameterShadows", "a parameter hides a declaration", \
    "A fn parameter with the name of a declaration hides it in the function's body " \
    "(-Wshadow).")

/* A diagnostic code: the constants are the codes themselves (E0201, W0104). */
typedef enum {
#define X(code, name, title, help) code,
  DIAG_CODES(X)
#undef X
  DIAG_CODE_COUNT
} DiagCode;

#endif
