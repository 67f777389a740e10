"""missionc.Evaluator on a library from `missionc build`: the same numbers as
`missionc eval`, bit for bit, on DataFrames and dicts of arrays, with the fused
function or per rule; and the errors, each a clear exception."""
import json
import os
import shutil
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import support  # noqa: E402

support.require("numpy", "pandas")
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

import missionc  # noqa: E402

ROWS = 3000
IND_RULES = "per_job,growth,mix,on_track_cut,review,blend"


class EvaluatorTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = support.workdir("python-evaluator")
        mc = support.missionc()
        d = cls.dir
        with open(os.path.join(d, "rules.mission"), "w") as f:
            f.write(support.INDICATORS + support.RECORD)
        support.write_indicator_rows(os.path.join(d, "rows.csv"), ROWS)
        support.write_applicant_rows(os.path.join(d, "applicants.csv"), ROWS)
        support.run(mc, "build", "rules.mission", "-o", "libind.so", "--prefix", "ind", "--rules", IND_RULES, cwd=d)
        support.run(mc, "build", "rules.mission", "-o", "libapp.so", "--on", "applicant", cwd=d)
        support.run(mc, "eval", "rules.mission", "--input", "rows.csv", "-o", "ind.csv", cwd=d)
        support.run(mc, "eval", "rules.mission", "--input", "applicants.csv", "--on",
                    "applicant", "-o", "app.csv", cwd=d)
        cls.ind = missionc.Evaluator(os.path.join(d, "libind.so"))
        cls.app = missionc.Evaluator(os.path.join(d, "libapp.so"))
        cls.rows = pd.read_csv(os.path.join(d, "rows.csv"), float_precision="round_trip",
                               parse_dates=["date"])
        cls.applicants = pd.read_csv(os.path.join(d, "applicants.csv"),
                                     float_precision="round_trip")
        cls.expected_ind = support.read_eval_csv(os.path.join(d, "ind.csv"))
        cls.expected_app = support.read_eval_csv(os.path.join(d, "app.csv"))

    def path(self, name):
        return os.path.join(self.dir, name)

    # --- the same numbers as eval ---------------------------------------------

    def test_fused_equals_eval(self):
        self.assertTrue(self.ind.has_fused)
        self.assertEqual(list(self.ind.rules),
                         ["per_job", "growth", "mix", "on_track_cut", "review", "blend"])
        out = self.ind.evaluate(self.rows)
        self.assertEqual(list(out.columns), list(self.ind.rules))
        self.assertEqual(str(out["on_track_cut"].dtype), "bool")
        self.assertEqual(str(out["review"].dtype), "datetime64[ns]")
        support.assert_same_as_eval(self, out, self.expected_ind, self.ind.manifest["rules"])

    def test_per_rule_equals_eval(self):
        # a subset of the rules runs each rule's own batch function
        out = self.ind.evaluate(self.rows, rules=["blend", "per_job"])
        self.assertEqual(list(out.columns), ["blend", "per_job"])
        support.assert_same_as_eval(self, out, {k: self.expected_ind[k] for k in ("blend", "per_job")},
                                    self.ind.manifest["rules"])

    def test_record_rules_with_booleans(self):
        out = self.app.evaluate(self.applicants, keep=["id"])
        self.assertEqual(list(out.columns), ["id", "decarbonise", "fit"])
        self.assertTrue((out["id"].to_numpy() == np.arange(ROWS)).all())
        support.assert_same_as_eval(self, out, self.expected_app, self.app.manifest["rules"])

    def test_dict_of_arrays_raw_and_threads(self):
        days = self.rows["date"].to_numpy().astype("datetime64[D]").astype(np.int64)
        data = {"spend": self.rows["spend"].to_numpy(), "jobs": self.rows["jobs"].to_numpy(),
                "ghg": self.rows["ghg"].to_numpy(), "share": self.rows["share"].to_numpy(),
                "date": days}                                   # dates as day numbers
        raw = self.ind.evaluate(data, raw=True, threads=3)
        self.assertTrue(all(str(t) == "float64" for t in raw.dtypes))
        full = self.ind.evaluate(self.rows)
        for name in self.ind.rules:
            if name in ("on_track_cut", "review"):
                continue
            self.assertTrue(np.array_equal(raw[name].to_numpy(), full[name].to_numpy(), equal_nan=True))
        self.assertTrue(((raw["on_track_cut"] != 0) == full["on_track_cut"]).all())
        self.assertTrue((np.floor(raw["review"]).astype(np.int64) ==
                         full["review"].to_numpy().astype("datetime64[D]").astype(np.int64)).all())

    def test_index_slices_and_dtypes(self):
        # a slice with a non-default index keeps it; float32/int columns are converted
        part = self.rows.iloc[100:200].copy()
        part["jobs"] = np.arange(100, dtype=np.int64) * 37 - 1000
        out = self.ind.evaluate(part, rules="per_job,mix")
        self.assertEqual(list(out.index), list(range(100, 200)))
        expect = self.ind.evaluate(part.assign(jobs=part["jobs"].astype("float64")), rules=["per_job", "mix"])
        self.assertTrue(out.equals(expect))
        nullable = part.assign(jobs=part["jobs"].astype("Int64"))
        self.assertTrue(self.ind.evaluate(nullable, rules=["per_job"]).equals(out[["per_job"]]))
        empty = self.ind.evaluate(self.rows.iloc[:0])
        self.assertEqual(len(empty), 0)
        self.assertEqual(list(empty.columns), list(self.ind.rules))

    def test_inputs_and_units(self):
        cols = self.ind.inputs()
        self.assertEqual([c.name for c in cols], ["spend", "jobs", "share", "ghg", "date"])
        self.assertEqual(cols[0].unit, "MEUR")
        self.assertEqual(cols[2].scale, 0.01)
        self.assertEqual(cols[4].kind, "date")
        self.assertEqual([c.name for c in self.app.inputs(["fit"])],
                         ["tax_haven", "emission_cut", "employees"])
        self.assertEqual(self.ind.rules["per_job"].result_unit, "kEUR")

    def test_missing_values(self):
        # NaN in, NaN out; three-valued and/or; is_missing and coalesce: the same as eval
        d = self.path("na")
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "na.mission"), "w") as f:
            f.write("record r { x 1; y %; flag bool }\n"
                    "score low on r = min(x, y / 1%)\n"
                    "condition big on r = x > 2 and flag\n"
                    "condition either on r = flag or x > 2\n"
                    "condition gap on r = is_missing(x)\n"
                    "score filled on r : % = coalesce(y, 50%)\n"
                    "score pick on r = if flag then x else 0\n")
        rows = [("1", "2", "true"), ("nan", "3", "false"), ("5", "nan", "true"),
                ("nan", "nan", "true"), ("3", "1", "nan"), ("1", "1", "nan")]
        with open(os.path.join(d, "rows.csv"), "w") as f:
            f.write("x,y,flag\n" + "".join(",".join(r) + "\n" for r in rows))
        mc = support.missionc()
        support.run(mc, "build", "na.mission", "-o", "libna.so", "--on", "r", cwd=d)
        support.run(mc, "eval", "na.mission", "--on", "r", "--input", "rows.csv", "--na=nan",
                    "-o", "out.csv", cwd=d)
        ev = missionc.Evaluator(os.path.join(d, "libna.so"))
        data = pd.DataFrame({"x": [float(r[0]) for r in rows], "y": [float(r[1]) for r in rows],
                             "flag": pd.array([True, False, True, True, None, None], dtype="boolean")})
        out = ev.evaluate(data)
        support.assert_same_as_eval(self, out, support.read_eval_csv(os.path.join(d, "out.csv")),
                                    ev.manifest["rules"])
        self.assertEqual(str(out["big"].dtype), "boolean")   # it has <NA>s
        self.assertEqual(str(out["gap"].dtype), "bool")      # is_missing is never missing
        self.assertEqual(list(out["either"].isna()), [False, True, False, False, False, True])
        self.assertEqual(list(out["filled"]), [2, 3, 50, 50, 1, 1])

    # --- errors ----------------------------------------------------------------

    def test_missing_column(self):
        with self.assertRaises(missionc.MissingColumnError) as cm:
            self.ind.evaluate(self.rows.drop(columns=["ghg"]))
        msg = str(cm.exception)
        self.assertIn("no column 'ghg' (a number in MtCO2e)", msg)
        self.assertIn("'growth'", msg)
        self.assertIsInstance(cm.exception, KeyError)
        with self.assertRaises(missionc.MissingColumnError):
            self.ind.evaluate(self.rows, rules=["per_job"], keep=["nope"])

    def test_wrong_dtype(self):
        bad = self.rows.assign(jobs=self.rows["jobs"].astype(str))
        with self.assertRaises(missionc.ColumnTypeError) as cm:
            self.ind.evaluate(bad)
        self.assertIn("column 'jobs' has dtype object", str(cm.exception))
        self.assertIsInstance(cm.exception, TypeError)
        strings = self.rows.assign(date=self.rows["date"].dt.strftime("%Y-%m-%d"))
        with self.assertRaises(missionc.ColumnTypeError) as cm:
            self.ind.evaluate(strings, rules=["review"])
        self.assertIn("read_csv(parse_dates", str(cm.exception))
        with self.assertRaises(missionc.ColumnTypeError):
            self.ind.evaluate(self.rows.assign(share=self.rows["date"]), rules=["growth"])
        with self.assertRaises(ValueError):
            self.ind.evaluate({"spend": np.zeros(3), "jobs": np.zeros(4)}, rules=["per_job"])
        with self.assertRaises(TypeError):
            self.ind.evaluate([1, 2, 3])

    def test_unknown_rule(self):
        with self.assertRaises(missionc.UnknownRuleError) as cm:
            self.ind.evaluate(self.rows, rules=["per_jbo"])
        self.assertIn("did you mean 'per_job'", str(cm.exception))

    def copy_library(self, name):
        shutil.copy(self.path("libind.so"), self.path(name))
        shutil.copy(self.path("libind.so.json"), self.path(name + ".json"))
        with open(self.path(name + ".json")) as f:
            return json.load(f)

    def test_other_version(self):
        manifest = self.copy_library("libold.so")
        manifest["missionc_version"] = "0.0.9"
        with open(self.path("libold.so.json"), "w") as f:
            json.dump(manifest, f)
        with self.assertRaises(missionc.VersionMismatchError) as cm:
            missionc.Evaluator(self.path("libold.so"))
        self.assertIn(f"built by missionc 0.0.9, but this missionc package is {missionc.__version__}",
                      str(cm.exception))
        missionc.Evaluator(self.path("libold.so"), check_version=False)   # the escape hatch
        manifest["format_version"] = 99
        with open(self.path("libold.so.json"), "w") as f:
            json.dump(manifest, f)
        with self.assertRaises(missionc.VersionMismatchError):
            missionc.Evaluator(self.path("libold.so"), check_version=False)

    def test_manifest_problems(self):
        self.copy_library("libstale.so")
        with open(self.path("libstale.so"), "ab") as f:      # the library changed since
            f.write(b"\0")
        with self.assertRaises(missionc.ManifestError) as cm:
            missionc.Evaluator(self.path("libstale.so"))
        self.assertIn("does not describe", str(cm.exception))
        shutil.copy(self.path("libind.so"), self.path("libbare.so"))
        with self.assertRaises(missionc.ManifestError) as cm:
            missionc.Evaluator(self.path("libbare.so"))
        self.assertIn("no manifest", str(cm.exception))
        with self.assertRaises(missionc.ManifestError):
            missionc.Evaluator(self.path("nothing.so"))
        with open(self.path("libjunk.so.json"), "w") as f:
            f.write("{not json")
        shutil.copy(self.path("libind.so"), self.path("libjunk.so"))
        with self.assertRaises(missionc.ManifestError):
            missionc.Evaluator(self.path("libjunk.so"))

    def test_manifest_is_deterministic(self):
        d = self.dir
        mc = support.missionc()
        support.run(mc, "build", "rules.mission", "-o", "libagain.so", "--prefix", "ind", "--rules", IND_RULES, cwd=d)
        with open(self.path("libind.so.json")) as a, open(self.path("libagain.so.json")) as b:
            first, second = json.load(a), json.load(b)
        first["library"]["file"] = second["library"]["file"] = "x"
        self.assertEqual(first, second)
        self.assertEqual(first["missionc_version"], missionc.__version__)
        self.assertEqual(len(first["source"]["sha256"]), 64)

    def test_pickles_as_its_path(self):
        import pickle
        again = pickle.loads(pickle.dumps(self.ind))
        self.assertEqual(again.sha256, self.ind.sha256)


if __name__ == "__main__":
    unittest.main(verbosity=1)
