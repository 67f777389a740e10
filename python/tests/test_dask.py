"""missionc.dask.evaluate on a distributed.LocalCluster of 2 worker processes, over a
partitioned CSV: the results equal `missionc eval` on the same rows, bit for bit;
every worker loads the library once; the library reaches the workers shipped in the
graph, from a shared path, or by client.upload_file; mistakes fail on the client.

Parquet is not tested: Debian 12 packages neither pyarrow nor fastparquet."""
import os
import shutil
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import support  # noqa: E402

support.require("numpy", "pandas", "dask", "dask.dataframe", "distributed")
import dask.dataframe as dd  # noqa: E402
import pandas as pd  # noqa: E402
from distributed import Client, LocalCluster  # noqa: E402

import missionc  # noqa: E402
import missionc.dask  # noqa: E402

ROWS = 20000
FILES = 3
IND_RULES = "per_job,growth,mix,on_track_cut,review,blend"


class DaskTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = d = support.workdir("python-dask")
        mc = support.missionc()
        with open(os.path.join(d, "rules.mission"), "w") as f:
            f.write(support.INDICATORS)
        support.write_indicator_rows(os.path.join(d, "rows.csv"), ROWS, seed=7)
        # the same rows as FILES files, each of several partitions (blocksize)
        with open(os.path.join(d, "rows.csv")) as f:
            header, *lines = f.readlines()
        os.makedirs(os.path.join(d, "parts"))
        for k in range(FILES):
            with open(os.path.join(d, "parts", f"rows-{k}.csv"), "w") as f:
                f.write(header)
                f.writelines(lines[k * ROWS // FILES:(k + 1) * ROWS // FILES])
        support.run(mc, "build", "rules.mission", "-o", "libind.so", "--rules", IND_RULES, cwd=d)
        support.run(mc, "eval", "rules.mission", "--input", "rows.csv", "--rules", IND_RULES,
                    "-o", "expected.csv", cwd=d)
        cls.expected = support.read_eval_csv(os.path.join(d, "expected.csv"))
        cls.cluster = LocalCluster(n_workers=2, threads_per_worker=2, processes=True,
                                   dashboard_address=":0", local_directory=os.path.join(d, "dask"))
        cls.client = Client(cls.cluster)
        cls.manifest = missionc.Evaluator(os.path.join(d, "libind.so")).manifest

    @classmethod
    def tearDownClass(cls):
        cls.client.close()
        cls.cluster.close()

    def read(self):
        return dd.read_csv(os.path.join(self.dir, "parts", "rows-*.csv"), blocksize=200_000,
                           float_precision="round_trip", parse_dates=["date"])

    def check(self, result):
        frame = result.compute().sort_values("id")
        self.assertEqual(list(frame["id"]), list(range(ROWS)))
        support.assert_same_as_eval(self, frame, self.expected, self.manifest["rules"])

    def test_shipped_equals_eval_and_loads_once(self):
        ddf = self.read()
        self.assertGreaterEqual(ddf.npartitions, 4)
        result = missionc.dask.evaluate(ddf, os.path.join(self.dir, "libind.so"), keep=["id"])
        self.assertEqual(list(result.columns), ["id"] + IND_RULES.split(","))
        self.assertEqual(str(result.dtypes["on_track_cut"]), "bool")
        self.check(result)
        self.check(result)                      # again: the workers keep the library
        loads = self.client.run(missionc.dask.loaded_libraries)
        self.assertEqual(len(loads), 2)
        for worker, libs in loads.items():
            self.assertTrue(all(n == 1 for n in libs.values()), (worker, libs))
        self.assertTrue(any(libs for libs in loads.values()))

    def test_shared_path_and_rule_subset(self):
        result = missionc.dask.evaluate(self.read(), os.path.join(self.dir, "libind.so"),
                                        rules=["blend", "per_job"], keep=["id"], ship=False)
        frame = result.compute().sort_values("id")
        support.assert_same_as_eval(self, frame, {k: self.expected[k] for k in ("blend", "per_job")},
                                    self.manifest["rules"])

    def test_upload_file(self):
        # the library exists only on the client, under a path the workers do not have
        # (another library than the other tests', which the workers may hold already)
        up = os.path.join(self.dir, "upload")
        os.makedirs(up, exist_ok=True)
        support.run(support.missionc(), "build", os.path.join(self.dir, "rules.mission"), "-o",
                    "libup.so", "--rules", IND_RULES, cwd=up)
        self.client.upload_file(os.path.join(up, "libup.so"))
        self.client.upload_file(os.path.join(up, "libup.so.json"))
        result = missionc.dask.evaluate(self.read(), os.path.join(up, "libup.so"), keep=["id"],
                                        ship=False)
        shutil.rmtree(up)                       # the graph is built; compute on the workers' copies
        self.check(result)
        loads = self.client.run(missionc.dask.loaded_libraries)
        self.assertTrue(any(k.startswith("libup.so ") for libs in loads.values() for k in libs))

    def test_errors_on_the_client(self):
        with self.assertRaises(missionc.MissingColumnError):
            missionc.dask.evaluate(self.read().drop(columns=["ghg"]),
                                   os.path.join(self.dir, "libind.so"))
        text_dates = dd.read_csv(os.path.join(self.dir, "parts", "rows-*.csv"))
        with self.assertRaises(missionc.ColumnTypeError):
            missionc.dask.evaluate(text_dates, os.path.join(self.dir, "libind.so"))


if __name__ == "__main__":
    unittest.main(verbosity=1)
