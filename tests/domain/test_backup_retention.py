"""Backup thinning by age: the newest, then one a day, then one a week."""

from __future__ import annotations

from datetime import datetime, timedelta

from kvtui.domain.backup_retention import Retention, backups_to_keep

NOW = datetime(2026, 11, 23, 18, 0)  # a Monday


def kept(moments: list[datetime], policy: Retention) -> list[datetime]:
    return sorted((moments[i] for i in backups_to_keep(moments, policy)), reverse=True)


def test_by_stage() -> None:
    policy = Retention(newest=2, daily=2, weekly=2)
    moments = [
        NOW, NOW - timedelta(minutes=5),                       # the newest two
        NOW - timedelta(minutes=10),                           # same day as the newest: goes
        NOW - timedelta(days=1, hours=1), NOW - timedelta(days=1, hours=5),  # newest of its day
        NOW - timedelta(days=3),                               # second day
        NOW - timedelta(days=4),                               # days used up: weekly, same week
        NOW - timedelta(days=9),                               # the week before: kept
        NOW - timedelta(days=10),                              # same week: goes
        NOW - timedelta(days=20),                              # another week: kept
        NOW - timedelta(days=40),                              # weeks used up: goes
    ]
    assert kept(moments, policy) == [
        NOW, NOW - timedelta(minutes=5), NOW - timedelta(days=1, hours=1),
        NOW - timedelta(days=3), NOW - timedelta(days=9), NOW - timedelta(days=20),
    ]


def test_order_of_input_does_not_matter() -> None:
    moments = [NOW - timedelta(hours=7 * h) for h in range(100)]
    policy = Retention()
    assert kept(moments, policy) == kept(list(reversed(moments)), policy)


def test_infrequent_use_keeps_older_history() -> None:
    """Two sessions a month: the days and weeks that have backups count, not calendar days."""
    moments = [NOW - timedelta(days=15 * n) for n in range(40)]
    left = kept(moments, Retention(newest=3, daily=2, weekly=2))
    assert len(left) == 7 and left[-1] == NOW - timedelta(days=15 * 6)


def test_fewer_backups_than_the_limits_are_all_kept() -> None:
    moments = [NOW - timedelta(minutes=m) for m in range(10)]
    assert backups_to_keep(moments) == set(range(10))
    assert backups_to_keep([]) == set()
