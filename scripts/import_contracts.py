#!/usr/bin/env python
"""Writes the import-linter contracts for the apps that exist, then runs lint-imports.

Contracts (ARCHITECTURE.md, "Import contracts"):
1. bss imports no app.
2. an app's api package is imported by nobody but the URLconf (config) and itself.
3. nobody imports an app's models but that app (others read through selectors, write through services).
"""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
apps = sorted(p.name for p in (ROOT / "apps").iterdir() if (p / "apps.py").exists())
others = lambda app: [f"apps.{a}" for a in apps if a != app]  # noqa: E731

sections = ["[importlinter]\nroot_packages =\n    bss\n    apps\n    config\n",
            "[importlinter:contract:kernel]\nname = bss imports no app\ntype = forbidden\n"
            "source_modules = bss\nforbidden_modules = apps\n"]
for app in apps:
    if (ROOT / "apps" / app / "api").is_dir():
        sources = "\n    ".join(others(app) + ["bss"])
        sections.append(f"[importlinter:contract:{app}-api]\nname = only the URLconf imports apps.{app}.api\n"
                        f"type = forbidden\nsource_modules =\n    {sources}\nforbidden_modules = apps.{app}.api\n"
                        "allow_indirect_imports = True\n")
    if (ROOT / "apps" / app / "models.py").exists() or (ROOT / "apps" / app / "models").is_dir():
        sources = "\n    ".join(others(app))
        sections.append(f"[importlinter:contract:{app}-models]\nname = only {app} imports apps.{app}.models\n"
                        f"type = forbidden\nsource_modules =\n    {sources}\nforbidden_modules = apps.{app}.models\n"
                        "allow_indirect_imports = True\n")

config = ROOT / "var" / "importlinter.ini"
config.parent.mkdir(exist_ok=True)
config.write_text("\n".join(sections))
lint = Path(sys.executable).parent / "lint-imports"
sys.exit(subprocess.call([str(lint), "--config", str(config)], cwd=ROOT))
