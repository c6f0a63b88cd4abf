"""Open WebSockets do not outlive their credential: a revoked API key, a logged-out token or dashboard
session, a disabled user, a new password close them with 4401 at once, a removed membership with 4403;
and a change no service announced is caught by the periodic re-check or the next subscription."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from django.test import Client

from monitoring_site.accounts import services
from monitoring_site.accounts.models import Membership
from monitoring_site.accounts.principal import Tenant
from monitoring_site.accounts.tokens import token_pair_for
from tests.conftest import PASSWORD
from tests.monitoring_site.test_realtime import connect, session_headers, subscribe

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fresh_channel_layer")]


async def closed_with(communicator) -> int:
    """The close code the server sends next (events before it are skipped)."""
    while True:
        output = await communicator.receive_output(timeout=5)
        if output["type"] == "websocket.close":
            return output["code"]


def _login(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


async def session_socket(client: Client):
    communicator = await connect(session_headers(client.cookies["sessionid"].value))
    await communicator.send_json_to({"subscribe": ["monitor.status"]})
    assert (await communicator.receive_json_from(timeout=5))["type"] == "subscribed"
    return communicator


async def test_revoking_an_api_key_closes_its_sockets(acme, read_key):
    api_key, raw = read_key
    communicator = await subscribe(raw, ["monitor.status"])
    await database_sync_to_async(services.api_key_revoke)(api_key=api_key)
    assert await closed_with(communicator) == 4401


async def test_logging_out_a_token_closes_the_sockets_of_that_login_only(acme, owner):
    pair, other = await database_sync_to_async(token_pair_for)(owner), None
    other = await database_sync_to_async(token_pair_for)(owner)
    logged_out = await subscribe(pair["token"], ["monitor.status"])
    kept = await subscribe(other["token"], ["monitor.status"])

    def logout():
        client = Client(headers={"Authorization": f"Bearer {pair['token']}"})
        answer = client.post(
            "/api/v1/auth/logout", {"refresh": pair["refresh"]}, content_type="application/json"
        )
        assert answer.status_code == 200, answer.content

    await database_sync_to_async(logout)()
    assert await closed_with(logged_out) == 4401
    await kept.send_json_to({"type": "ping"})
    assert await kept.receive_json_from(timeout=5) == {"type": "pong"}
    await kept.disconnect()


@pytest.mark.parametrize("change", ["disable", "password"])
async def test_a_disabled_user_or_a_new_password_closes_token_and_session_sockets(
    acme, owner, owner_token, change
):
    by_token = await subscribe(owner_token, ["monitor.status"])
    by_session = await session_socket(await database_sync_to_async(_login)(owner))

    def apply():
        if change == "disable":
            owner.is_active = False
        else:
            owner.set_password("a-brand-new-password-1")
        owner.save()

    await database_sync_to_async(apply)()
    assert await closed_with(by_token) == 4401
    assert await closed_with(by_session) == 4401


async def test_removal_from_the_organization_closes_with_4403(acme, owner, teammate):
    bob = await subscribe(
        (await database_sync_to_async(token_pair_for)(teammate))["token"], ["monitor.status"]
    )
    membership = await database_sync_to_async(Membership.objects.get)(user=teammate)
    by = Tenant(organization=acme, role="owner", user=owner)
    await database_sync_to_async(services.membership_remove)(membership=membership, by=by)
    assert await closed_with(bob) == 4403


async def test_a_dashboard_logout_closes_that_sessions_sockets(acme, owner):
    client = await database_sync_to_async(_login)(owner)
    communicator = await session_socket(client)
    await database_sync_to_async(client.post)("/logout")
    assert await closed_with(communicator) == 4401


async def test_an_unannounced_change_is_caught_by_the_periodic_recheck(acme, teammate, settings):
    settings.WS_RECHECK_SECONDS = 1
    bob = await subscribe(
        (await database_sync_to_async(token_pair_for)(teammate))["token"], ["monitor.status"]
    )
    # Deleted behind the services' back (a raw query): nobody tells the socket.
    await database_sync_to_async(Membership.objects.filter(user=teammate).delete)()
    assert await closed_with(bob) == 4403


async def test_membership_is_checked_again_when_subscribing(acme, teammate, settings):
    settings.WS_RECHECK_SECONDS = 3600
    bob = await subscribe(
        (await database_sync_to_async(token_pair_for)(teammate))["token"], ["monitor.status"]
    )
    await database_sync_to_async(Membership.objects.filter(user=teammate).delete)()
    await bob.send_json_to({"subscribe": ["alert.updates"]})
    assert await closed_with(bob) == 4403
