"""Run import-linter's layering contract (pyproject.toml [tool.importlinter]) over the apps that
exist: an app named there but not built yet is left out of root_packages (its layer is
optional in the contract), so the next app fits the layering from its first commit."""

import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    present = [p for p in config["root_packages"] if (ROOT / p / "__init__.py").exists()]
    lines = ["[importlinter]", "root_packages =", *[f"    {p}" for p in present]]
    for n, contract in enumerate(config["contracts"]):
        lines += [f"[importlinter:contract:{n}]", f"name = {contract['name']}"]
        lines += [f"type = {contract['type']}", "layers ="]
        lines += [f"    {layer}" for layer in contract["layers"]]
    with tempfile.NamedTemporaryFile("w", suffix=".ini", delete=False) as f:
        f.write("\n".join(lines) + "\n")
    command = [str(Path(sys.executable).parent / "lint-imports"), "--no-cache", f.name]
    return subprocess.call(command, cwd=ROOT)  # noqa: S603 - our own venv's lint-imports


if __name__ == "__main__":
    sys.exit(main())
