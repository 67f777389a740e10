"""The package's version is the compiler's: `missionc --version` and
python/missionc/_version.py name the same version (a library built by another version
is refused by the package, so they must move together)."""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import support  # noqa: E402

here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
with open(os.path.join(here, "missionc", "_version.py")) as f:
    package = re.search(r'^__version__ = "([^"]+)"', f.read(), re.M).group(1)
out = subprocess.run([support.missionc(), "--version"], capture_output=True, text=True, check=True).stdout
compiler = out.split()[1]
if package != compiler:
    sys.exit(f"FAIL: python/missionc/_version.py says {package}, missionc --version {compiler}: "
             f"change both (CMakeLists.txt's project VERSION)")
print(f"ok: {package}")
