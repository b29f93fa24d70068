"""A stand-in for the get-pip.py bootstrap that ansible-test downloads from
ci-files.testing.ansible.com (not reachable here). scripts/collection-sanity caches it as
~/.ansible/test/cache/get_pip_X_Y.py, where ansible-test looks first.

ansible-test runs it inside a virtualenv made without pip, as
    python get_pip.py --disable-pip-version-check pip==X.Y [--no-setuptools] [--no-wheel]
so it seeds pip from the interpreter's own ensurepip, then lets that pip install the pip
version asked for (from the configured index) and drops setuptools/wheel when told to.
"""

from __future__ import annotations

import subprocess
import sys

DROP = {"--no-setuptools": "setuptools", "--no-wheel": "wheel"}


def main(argv: list[str]) -> int:
    pip_args = [arg for arg in argv if arg not in DROP]
    python = [sys.executable, "-m"]
    subprocess.run([*python, "ensurepip", "--default-pip"], check=True, stdout=subprocess.DEVNULL)
    subprocess.run([*python, "pip", "install", *pip_args], check=True)
    unwanted = [DROP[arg] for arg in argv if arg in DROP]
    if unwanted:  # ensurepip may have brought them; pip skips any that are absent
        subprocess.run([*python, "pip", "uninstall", "-q", "-y", *unwanted], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
