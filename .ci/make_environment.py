"""Write environment.yml from requirements.lock so conda users get the same pinned stack.

Run with `make environment.yml` after changing the lock file.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    pins = [line.strip() for line in (ROOT / "requirements.lock").read_text().splitlines()
            if line.strip() and not line.startswith("#")]
    lines = [
        "# Generated from requirements.lock by `make environment.yml`; do not edit by hand.",
        "name: open-deep-learning",
        "channels:",
        "  - conda-forge",
        "dependencies:",
        "  - python=3.11",
        "  - pip=24.3.1",
        "  - pip:",
        *[f"      - {pin}" for pin in pins],
        "      - -e ./utils",
    ]
    (ROOT / "environment.yml").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
