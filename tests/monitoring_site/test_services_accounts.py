import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured

from monitoring_site.accounts import services
from monitoring_site.accounts.models import Membership, Organization
from monitoring_site.env import env_bool, env_int, env_list, env_str


def test_admin_bootstrap_creates_once(db):
    user, password = services.admin_bootstrap(username="root", password=None, organization_name="Ops")
    assert password and user.check_password(password) and user.is_superuser
    assert Membership.objects.get(user=user).role == "owner"
    again, second = services.admin_bootstrap(username="root2", password="x" * 12)
    assert again == user and second is None
    assert get_user_model().objects.count() == 1 and Organization.objects.count() == 1


def test_organization_slugs_are_unique(owner):
    first = services.organization_create(name="Ops Team", owner=owner)
    second = services.organization_create(name="Ops Team", owner=owner)
    assert (first.slug, second.slug) == ("ops-team", "ops-team-2")


def test_env_helpers_fail_loudly(monkeypatch, tmp_path):
    monkeypatch.setenv("X_BOOL", "maybe")
    with pytest.raises(ImproperlyConfigured):
        env_bool("X_BOOL")
    monkeypatch.setenv("X_INT", "ten")
    with pytest.raises(ImproperlyConfigured):
        env_int("X_INT", 1)
    monkeypatch.setenv("X_INT", "0")
    with pytest.raises(ImproperlyConfigured):
        env_int("X_INT", 1, minimum=1)
    monkeypatch.setenv("X_LIST", "a, b,,c")
    assert env_list("X_LIST") == ["a", "b", "c"]
    secret = tmp_path / "secret"
    secret.write_text("s3cret\n")
    monkeypatch.setenv("X_SECRET_FILE", str(secret))
    assert env_str("X_SECRET") == "s3cret"
    monkeypatch.setenv("X_MISSING_FILE", str(tmp_path / "nope"))
    with pytest.raises(ImproperlyConfigured):
        env_str("X_MISSING")


def test_schema_generates_without_warnings(db):
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")
