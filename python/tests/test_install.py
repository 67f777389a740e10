"""`pip install ./python` into a fresh virtual environment that sees Debian's numpy,
pandas and Dask (--system-site-packages), with nothing from PyPI (--no-index: the
wheel is built by the in-tree backend), then the Dask example of README.md, run as
it is written there, prints the numbers `missionc eval` prints."""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import support  # noqa: E402

support.require("venv", "ensurepip", "numpy", "pandas", "dask.dataframe", "distributed")

source = os.environ.get("MISSIONC_SOURCE_DIR") or os.path.dirname(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
work = support.workdir("python-install")
venv = os.path.join(work, "venv")
support.run(sys.executable, "-m", "venv", "--system-site-packages", venv)
py = os.path.join(venv, "bin", "python")
env = dict(os.environ)
env.pop("PYTHONPATH", None)            # the installed package, not the source tree
env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
subprocess.run([py, "-m", "pip", "install", "--no-index", "-q", os.path.join(source, "python")],
               check=True, env=env, cwd=work)
where = subprocess.run([py, "-c", "import missionc, missionc.dask; print(missionc.__file__)"],
                       check=True, env=env, capture_output=True, text=True).stdout.strip()
assert where.startswith(venv), f"missionc imported from {where}, not the virtual environment"

# README.md's Dask example: the build command, then the Python program, from the
# block between <!-- dask-example --> and <!-- /dask-example -->.
with open(os.path.join(source, "README.md")) as f:
    readme = f.read()
block = re.search(r"<!-- dask-example -->(.*?)<!-- /dask-example -->", readme, re.S).group(1)
shell = re.search(r"```sh\n(.*?)```", block, re.S).group(1)
program = re.search(r"```python\n(.*?)```", block, re.S).group(1)
os.symlink(os.path.join(source, "examples"), os.path.join(work, "examples"))
env["PATH"] = os.path.dirname(support.missionc()) + os.pathsep + env["PATH"]
subprocess.run(["sh", "-ec", shell], check=True, env=env, cwd=work)
with open(os.path.join(work, "example.py"), "w") as f:
    f.write(program)
out = subprocess.run([py, "example.py"], check=True, env=env, cwd=work, capture_output=True,
                     text=True).stdout
expected = support.run(support.missionc(), "eval", "examples/climate_neutral_cities.mission",
                       "--input", "examples/climate_neutral_cities.actuals.csv",
                       "--rules", "label_share", cwd=source)
for value in expected.split()[1:]:
    assert value in out, f"the README's example printed:\n{out}\nnot eval's {value}"
print("ok")
