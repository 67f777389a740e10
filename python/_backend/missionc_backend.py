"""A PEP 517 build backend for the missionc Python package, standard library only.

The package is pure Python, so a wheel is a zip of missionc/*.py and a .dist-info
folder (METADATA, WHEEL, RECORD). Building it here, instead of with setuptools from
PyPI, lets `pip install ./python` work offline on a bare Debian 12. The zip is
deterministic: sorted entries, fixed timestamps.

Hooks: build_wheel, build_sdist, build_editable (PEP 660: a .pth file pointing at the
source tree), and the get_requires_* and prepare_metadata_* hooks.
"""
import base64
import hashlib
import io
import os
import re
import tarfile
import zipfile

try:
    import tomllib
except ImportError:  # Python < 3.11: pip installs tomli (pyproject.toml's build requires)
    import tomli as tomllib

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGE = "missionc"
EPOCH = (1980, 1, 1, 0, 0, 0)


def _project():
    """The [project] table of pyproject.toml, with the version filled in."""
    with open(os.path.join(HERE, "pyproject.toml"), "rb") as f:
        project = dict(tomllib.load(f)["project"])
    with open(os.path.join(HERE, PACKAGE, "_version.py"), encoding="utf-8") as f:
        match = re.search(r'^__version__ = "([^"]+)"', f.read(), re.M)
    if not match:
        raise RuntimeError("missionc/_version.py has no __version__")
    project["version"] = match.group(1)
    return project


def _metadata(project):
    """The METADATA file (core metadata 2.1)."""
    lines = [
        "Metadata-Version: 2.1",
        f"Name: {project['name']}",
        f"Version: {project['version']}",
        f"Summary: {project['description']}",
        f"Requires-Python: {project['requires-python']}",
    ]
    lines += [f"Requires-Dist: {d}" for d in project.get("dependencies", [])]
    for extra, deps in sorted(project.get("optional-dependencies", {}).items()):
        lines.append(f"Provides-Extra: {extra}")
        lines += [f'Requires-Dist: {d}; extra == "{extra}"' for d in deps]
    readme = project.get("readme")
    body = ""
    if readme:
        lines.append("Description-Content-Type: text/markdown")
        with open(os.path.join(HERE, readme), encoding="utf-8") as f:
            body = "\n" + f.read()
    return "\n".join(lines) + "\n" + body


def _wheel_file():
    return ("Wheel-Version: 1.0\nGenerator: missionc_backend\n"
            "Root-Is-Purelib: true\nTag: py3-none-any\n")


def _dist_info(project):
    return f"{project['name']}-{project['version']}.dist-info"


def _sources():
    """The package's files, relative to the source tree, sorted."""
    out = []
    for root, dirs, files in os.walk(os.path.join(HERE, PACKAGE)):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if name.endswith((".py", ".typed")):
                out.append(os.path.relpath(os.path.join(root, name), HERE))
    return sorted(out)


def _write_wheel(directory, files, project, tag="py3-none-any"):
    """A wheel holding files ({archive name: bytes}) and the .dist-info; returns its name."""
    info = _dist_info(project)
    files = dict(files)
    files[f"{info}/METADATA"] = _metadata(project).encode()
    files[f"{info}/WHEEL"] = _wheel_file().encode()
    record = []
    for name in sorted(files):
        digest = base64.urlsafe_b64encode(hashlib.sha256(files[name]).digest()).rstrip(b"=")
        record.append(f"{name},sha256={digest.decode()},{len(files[name])}")
    record.append(f"{info}/RECORD,,")
    files[f"{info}/RECORD"] = ("\n".join(record) + "\n").encode()
    wheel = f"{project['name']}-{project['version']}-{tag}.whl"
    with zipfile.ZipFile(os.path.join(directory, wheel), "w", zipfile.ZIP_DEFLATED) as z:
        for name in sorted(files):
            entry = zipfile.ZipInfo(name, EPOCH)
            entry.external_attr = 0o644 << 16
            entry.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(entry, files[name])
    return wheel


def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def get_requires_for_build_editable(config_settings=None):
    return []


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    project = _project()
    info = os.path.join(metadata_directory, _dist_info(project))
    os.makedirs(info, exist_ok=True)
    with open(os.path.join(info, "METADATA"), "w", encoding="utf-8") as f:
        f.write(_metadata(project))
    with open(os.path.join(info, "WHEEL"), "w", encoding="utf-8") as f:
        f.write(_wheel_file())
    return os.path.basename(info)


prepare_metadata_for_build_editable = prepare_metadata_for_build_wheel


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    files = {}
    for rel in _sources():
        with open(os.path.join(HERE, rel), "rb") as f:
            files[rel.replace(os.sep, "/")] = f.read()
    return _write_wheel(wheel_directory, files, _project())


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    """PEP 660: a wheel whose .pth file puts the source tree on sys.path."""
    files = {f"__editable__.{PACKAGE}.pth": (HERE + "\n").encode()}
    return _write_wheel(wheel_directory, files, _project())


def build_sdist(sdist_directory, config_settings=None):
    project = _project()
    base = f"{project['name']}-{project['version']}"
    names = ["pyproject.toml", "README.md", "_backend/missionc_backend.py"] + _sources()
    path = os.path.join(sdist_directory, base + ".tar.gz")
    with tarfile.open(path, "w:gz", format=tarfile.PAX_FORMAT) as tar:
        for rel in sorted(names):
            with open(os.path.join(HERE, rel), "rb") as f:
                data = f.read()
            entry = tarfile.TarInfo(f"{base}/{rel}")
            entry.size = len(data)
            entry.mode = 0o644
            entry.mtime = 0
            tar.addfile(entry, io.BytesIO(data))
        pkg_info = _metadata(project).encode()
        entry = tarfile.TarInfo(f"{base}/PKG-INFO")
        entry.size = len(pkg_info)
        entry.mode = 0o644
        tar.addfile(entry, io.BytesIO(pkg_info))
    return os.path.basename(path)
