#!/usr/bin/env python3
"""validate.py SCHEMA FILE... - validate JSON files against a JSON Schema.

Uses python-jsonschema (Debian's python3-jsonschema), the schema's own draft
(SARIF 2.1.0 is draft-07; the export schema is 2020-12), with format checking
where the installed checkers support it. Prints "FILE valid" or "FILE invalid"
followed by each error with its JSON path; exits 1 if any file is invalid."""
import json
import sys

import jsonschema


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: validate.py SCHEMA FILE...")
    with open(sys.argv[1], encoding="utf-8") as f:
        schema = json.load(f)
    cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)
    cls.check_schema(schema)
    validator = cls(schema, format_checker=cls.FORMAT_CHECKER if hasattr(cls, "FORMAT_CHECKER")
                    else jsonschema.FormatChecker())
    bad = 0
    for path in sys.argv[2:]:
        try:
            with open(path, encoding="utf-8") as f:
                doc = json.load(f)
        except (OSError, ValueError) as e:
            print(f"{path} invalid\n  not JSON: {e}")
            bad += 1
            continue
        errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
        if errors:
            bad += 1
            print(f"{path} invalid")
            for e in errors[:20]:
                where = "/" + "/".join(str(p) for p in e.absolute_path)
                print(f"  {where}: {e.message}")
        else:
            print(f"{path} valid")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
