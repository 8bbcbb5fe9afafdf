"""Staff sign-in at /admin/ is locked for a username from one address after five wrong passwords."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client

pytestmark = pytest.mark.django_db

USERNAME = "staff"
PASSWORD = "the-right-password-0123"  # noqa: S105 - a test user's
LOGIN = "/admin/login/?next=/admin/"
ATTACKER = "203.0.113.7"
OTHER = "198.51.100.9"


@pytest.fixture
def staff(django_user_model, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only
    return django_user_model.objects.create_superuser(USERNAME, "staff@example.test", PASSWORD)


def sign_in(client: Client, password: str, *, ip: str = ATTACKER, username: str = USERNAME):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_five_wrong_passwords_lock_out_the_right_one(staff):
    client = Client()
    statuses = [sign_in(client, "guess").status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]  # the login form again, then the lockout
    locked = sign_in(client, PASSWORD)
    assert locked.status_code == 429
    assert not signed_in(client)
    assert client.get("/admin/", REMOTE_ADDR=ATTACKER).status_code == 302  # back to the login page


def test_fewer_failures_still_let_the_right_password_in_and_reset_the_count(staff):
    client = Client()
    for _ in range(4):
        sign_in(client, "guess")
    assert sign_in(client, PASSWORD).status_code == 302 and signed_in(client)
    client.logout()
    for _ in range(4):  # the success reset the count: four more do not lock
        sign_in(client, "guess")
    assert sign_in(client, PASSWORD).status_code == 302 and signed_in(client)


def test_the_lockout_holds_one_username_from_one_address(staff):
    for _ in range(5):
        sign_in(Client(), "guess")
    assert sign_in(Client(), PASSWORD).status_code == 429
    other_address = Client()
    assert sign_in(other_address, PASSWORD, ip=OTHER).status_code == 302 and signed_in(other_address)


def test_the_lockout_ends_after_the_cool_off(staff, settings):
    assert settings.AXES_COOLOFF_TIME == timedelta(minutes=15)
    for _ in range(5):
        sign_in(Client(), "guess")
    assert sign_in(Client(), PASSWORD).status_code == 429
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=16)
    )
    client = Client()
    assert sign_in(client, PASSWORD).status_code == 302 and signed_in(client)
