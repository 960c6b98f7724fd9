"""`carekg map` and `carekg docs` as real subprocesses: files by extension, exit codes, help with examples."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET

from PIL import Image

from carekg import paths


def carekg(*args):
    return subprocess.run(
        [sys.executable, "-m", "carekg.cli", *args],
        capture_output=True,
        text=True,
        cwd=paths.ROOT,
        timeout=300,
    )


def test_map_writes_svg_and_png_by_extension(loaded_store_descriptor, tmp_path):
    svg, png = tmp_path / "map.svg", tmp_path / "map.png"
    for out in (svg, png):
        result = carekg("map", "--store", loaded_store_descriptor, "--out", str(out))
        assert result.returncode == 0, result.stderr
        assert "23 NASSS sub-domains" in result.stderr
    assert ET.parse(svg).getroot().tag == "{http://www.w3.org/2000/svg}svg"
    assert Image.open(png).format == "PNG"
    forced = tmp_path / "map.img"
    assert (
        carekg("map", "--store", loaded_store_descriptor, "--out", str(forced), "--format", "png").returncode
        == 0
    )
    assert Image.open(forced).format == "PNG"


def test_map_exit_codes(tmp_path):
    bad = carekg("map", "--out", str(tmp_path / "map.gif"))
    assert bad.returncode == 2 and ".svg or .png" in bad.stderr and "Traceback" not in bad.stderr
    empty = carekg("map", "--store", "memory:", "--out", str(tmp_path / "map.svg"))
    assert empty.returncode == 3 and "carekg load" in empty.stderr
    unknown = carekg("map", "--store", "nosuch:thing", "--out", str(tmp_path / "map.svg"))
    assert unknown.returncode == 3


def test_every_subcommand_teaches_with_an_example():
    top = carekg("--help").stdout
    commands = ("build", "check", "load", "generate", "query", "release", "export", "map", "docs")
    assert "carekg map --out" in top and "exit codes" in top
    for command in commands:
        sub = carekg(command, "--help")
        assert sub.returncode == 0 and "example:" in sub.stdout and f"carekg {command}" in sub.stdout, command
