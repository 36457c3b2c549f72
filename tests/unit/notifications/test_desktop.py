from __future__ import annotations

from phantom.domain.notifications import DeliveryOutcome
from phantom.notifications.desktop import DesktopNotifier
from tests.unit.notifications.factories import restock


def nowhere(_name: str) -> str | None:
    return None


def found(name: str) -> str | None:
    return f"/usr/bin/{name}"


class TestDesktopNotifier:
    async def test_without_notify_send_it_reports_unavailable_and_does_nothing(self):
        notifier = DesktopNotifier(which=nowhere)

        result = await notifier.notify_event(restock())

        assert notifier.available is False
        assert result.outcome is DeliveryOutcome.REJECTED
        assert "unavailable" in result.detail

    def test_command_puts_title_and_body_after_end_of_options(self):
        notifier = DesktopNotifier(which=found)

        argv = notifier.command("-Restock: Dunk", "Sizes: 9")

        assert notifier.available is True
        assert argv == ["/usr/bin/notify-send", "--app-name=Phantom", "--", "-Restock: Dunk", "Sizes: 9"]

    def test_command_shortens_a_huge_body(self):
        argv = DesktopNotifier(which=found).command("t", "x" * 10_000)

        assert len(argv[-1]) == 1000
