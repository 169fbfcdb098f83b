"""The deployment files and docs name only settings the code reads, and the README names them all."""
from __future__ import annotations

import re

from tests.conftest import ROOT

ENV_READ = re.compile(r"""os\.environ(?:\.get\(|\[)\s*["']([A-Z][A-Z0-9_]+)["']""")
ENV_NAMED = re.compile(r"\b((?:PAJA|SOCKETIO|DATABASE|SECRET)_[A-Z0-9_]*[A-Z0-9])\b")
NOT_SETTINGS = {"PAJA_LAN_URL"}  # app.config keys set by run.py, not read from the environment


def variables_read() -> set[str]:
    sources = [ROOT / "run.py", *(ROOT / "workshop").rglob("*.py")]
    return {name for path in sources for name in ENV_READ.findall(path.read_text(encoding="utf-8"))}


def test_the_readme_table_names_every_variable_the_code_reads():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = sorted(v for v in variables_read() if not re.search(rf"`{v}[`=]", readme))
    assert not missing, f"README.md does not mention {missing}"


def test_deploy_files_name_only_variables_the_code_reads():
    read = variables_read()
    files = [ROOT / "docs" / "deploy.md", *(p for p in (ROOT / "deploy").rglob("*") if p.is_file())]
    for path in files:
        named = set(ENV_NAMED.findall(path.read_text(encoding="utf-8"))) - NOT_SETTINGS
        assert named <= read, f"{path.relative_to(ROOT)} names {sorted(named - read)}, which nothing reads"


def test_the_systemd_unit_starts_run_py_with_the_worker_name_nginx_maps():
    unit = (ROOT / "deploy" / "systemd" / "paja@.service").read_text()
    nginx = (ROOT / "deploy" / "nginx" / "paja.conf").read_text()
    assert "ExecStart=/srv/paja/.venv/bin/python run.py" in unit and (ROOT / "run.py").exists()
    assert "Environment=PAJA_PORT=%i" in unit and "Environment=PAJA_WORKER=%i" in unit
    ports = re.findall(r"server 127\.0\.0\.1:(\d+);", nginx)
    mapped = dict(re.findall(r"^\s+(\d+)\s+(paja_\d+);$", nginx, re.M))
    assert set(ports) == set(mapped) and all(mapped[p] == f"paja_{p}" for p in mapped)
    assert "map $cookie_paja_worker" in nginx
