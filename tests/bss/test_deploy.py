"""Production refuses unsafe defaults, and the container recipe runs only what the production stage proves."""
import re
import subprocess
import sys

import pytest
import yaml
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from oauth2_provider.models import Application

from tests.conftest import ROOT

STRONG_KEY = "k3y-" + "0123456789abcdefghij" * 3
SETTINGS_PROBE = ("import config.settings.production as p; "
                  "print(p.BSS_DEMO_ACCESS, p.BSS_SIMULATOR_CONTROLS, p.SECURE_SSL_REDIRECT, p.ALLOWED_HOSTS)")


def production_settings(**env):
    """Import config.settings.production in a fresh interpreter with exactly this environment."""
    return subprocess.run([sys.executable, "-c", SETTINGS_PROBE], cwd=ROOT, capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin", **env})


@pytest.mark.parametrize("key", [None, "", "dev-only-insecure-key-change-me", "django-insecure-" + "a1b2c3" * 10,
                                 "short-but-random-Xy7", "a" * 64])
def test_production_refuses_a_missing_default_or_weak_secret_key(key):
    env = {"ALLOWED_HOSTS": "bss.example"} | ({} if key is None else {"DJANGO_SECRET_KEY": key})
    result = production_settings(**env)
    assert result.returncode == 1
    assert "ImproperlyConfigured: production refuses to start:" in result.stderr
    assert "DJANGO_SECRET_KEY" in result.stderr


@pytest.mark.parametrize("hosts", [None, "", "*", "bss.example,*"])
def test_production_refuses_missing_or_wildcard_allowed_hosts(hosts):
    env = {"DJANGO_SECRET_KEY": STRONG_KEY} | ({} if hosts is None else {"ALLOWED_HOSTS": hosts})
    result = production_settings(**env)
    assert result.returncode == 1
    assert "production refuses to start: set ALLOWED_HOSTS" in result.stderr


def test_production_has_no_demo_access_and_no_simulator_controls_unless_asked():
    plain = production_settings(DJANGO_SECRET_KEY=STRONG_KEY, ALLOWED_HOSTS="bss.example, api.bss.example")
    asked = production_settings(DJANGO_SECRET_KEY=STRONG_KEY, ALLOWED_HOSTS="bss.example", BSS_DEMO_ACCESS="1",
                                BSS_SIMULATOR_CONTROLS="1")
    assert plain.stdout.strip() == "False False True ['bss.example', 'api.bss.example']"
    assert asked.stdout.strip() == "True True True ['bss.example']"


def test_seed_without_demo_access_creates_no_well_known_credential(db, settings, monkeypatch):
    settings.BSS_DEMO_ACCESS = False
    monkeypatch.setenv("BSS_ADMIN_PASSWORD", "admin")  # the demo password is refused even when named
    call_command("seed_demo", verbosity=0)
    assert get_user_model().objects.filter(username="admin").count() == 0
    assert Application.objects.filter(name__in=["demo-channel", "conformance-lab"]).count() == 0
    # The catalog and customers are there: a production start can still take orders from real clients.
    from apps.parties.models import Party
    from apps.product_catalog.models import ProductOffering

    assert Party.objects.filter(name="ACME Corp").count() == 1
    assert ProductOffering.objects.filter(name="Business Fiber 1 Gbps").exists()


def test_seed_without_demo_access_creates_the_admin_with_the_password_given(db, settings, monkeypatch):
    settings.BSS_DEMO_ACCESS = False
    monkeypatch.setenv("BSS_ADMIN_PASSWORD", "a-real-Passw0rd")
    call_command("seed_demo", verbosity=0)
    admin = get_user_model().objects.get(username="admin")
    assert (admin.check_password("a-real-Passw0rd"), admin.check_password("admin"), admin.is_superuser) == (
        True, False, True)


def test_seed_with_demo_access_has_the_demo_admin_and_channel(db, settings, monkeypatch):
    settings.BSS_DEMO_ACCESS = True
    monkeypatch.delenv("BSS_ADMIN_PASSWORD", raising=False)
    call_command("seed_demo", verbosity=0)
    assert get_user_model().objects.get(username="admin").check_password("admin")
    assert sorted(Application.objects.filter(name__in=["demo-channel", "conformance-lab"]).values_list(
        "name", flat=True)) == ["conformance-lab", "demo-channel"]


def test_network_sim_refuses_its_controls_where_they_are_off(db, settings):
    from apps.network.selectors import simulator_status

    settings.BSS_SIMULATOR_CONTROLS = False
    before = simulator_status()
    for args in (["fail", "cpe_manager", "--rate", "1"], ["latency", "ipam", "500"], ["reset"],
                 ["capacity", "OLT-X-01", "--ports", "0"]):
        with pytest.raises(CommandError, match="the simulator's controls are off in this environment"):
            call_command("network_sim", *args)
    assert simulator_status() == before
    call_command("network_sim", "status")  # reading is allowed


# --- the container recipe (Docker does not run here: what can be checked without it) ---------------------

def production_roles() -> set[str]:
    script = (ROOT / "scripts" / "production.sh").read_text()
    return set(re.findall(r"^  ([a-z-]+)\)", script, re.MULTILINE))


def test_production_script_has_the_roles_the_recipe_and_the_stage_use():
    from scripts.newcomer import PRODUCTION_ROLES

    assert production_roles() == {"collectstatic", "check", "migrate", "web", "worker-critical",
                                  "worker-background", "beat"}
    assert set(PRODUCTION_ROLES) <= production_roles()


def test_compose_names_only_the_project_image_and_existing_roles():
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    services = compose["services"]
    assert set(services) == {"postgres", "redis", "migrate", "web", "worker-critical", "worker-background", "beat"}
    ours = {name: service for name, service in services.items() if service.get("build")}
    assert set(ours) == {"migrate", "web", "worker-critical", "worker-background", "beat"}
    assert {service["build"] for service in ours.values()} == {"."}
    assert {service["image"] for service in ours.values()} == {"bss:latest"}
    assert {services[name]["image"] for name in ("postgres", "redis")} == {"postgres:18", "redis:7"}
    for name, service in ours.items():
        assert service["command"][:2] == ["sh", "scripts/production.sh"], name
        assert service["command"][2] in production_roles(), name
        assert service["command"][2] == name
    assert services["beat"]["deploy"]["replicas"] == 1
    assert services["migrate"]["restart"] == "no"
    assert ours["web"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"


def test_dockerfile_is_multi_stage_non_root_and_runs_the_stage_commands():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert len(re.findall(r"^FROM ", dockerfile, re.MULTILINE)) == 2
    assert re.search(r"^USER bss$", dockerfile, re.MULTILINE)
    assert "pip install --no-cache-dir --disable-pip-version-check -r /tmp/requirements/production.txt" in dockerfile
    assert "RUN sh scripts/production.sh collectstatic" in dockerfile
    assert 'CMD ["python", "scripts/healthcheck.py"]' in dockerfile
    assert 'CMD ["sh", "scripts/production.sh", "web"]' in dockerfile
    # Each script the image runs is in the repository.
    for path in ("scripts/production.sh", "scripts/healthcheck.py", "requirements/production.txt"):
        assert (ROOT / path).is_file(), path
