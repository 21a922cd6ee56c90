"""Date helpers of the example generator.

A working day here is Monday-Friday; injected lags keep a margin so that a calendar with public
holidays classifies them the same way.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

import numpy as np

DAY = timedelta(days=1)


def add_weekdays(d: date, n: int) -> date:
    """Return the n-th weekday after ``d``; with n == 0, ``d`` itself or the next weekday."""
    if n <= 0:
        wd = d.weekday()
        return d if wd < 5 else d + timedelta(days=7 - wd)
    weeks, rest = divmod(n, 5)
    d = d + timedelta(weeks=weeks)
    while rest:
        d += DAY
        if d.weekday() < 5:
            rest -= 1
    return d


def weekdays_between(a: date, b: date) -> int:
    """Number of weekdays in (a, b]."""
    if b <= a:
        return 0
    return int(np.busday_count(a + DAY, b + DAY))


def add_months(d: date, n: int) -> date:
    """``d`` plus ``n`` calendar months (the day clipped to the month's last day)."""
    m = d.month - 1 + n
    y = d.year + m // 12
    m = m % 12 + 1
    return date(y, m, min(d.day, calendar.monthrange(y, m)[1]))


def month_end(d: date) -> date:
    """Last day of the month of ``d``."""
    return d.replace(day=calendar.monthrange(d.year, d.month)[1])


def month_index(d: date) -> int:
    """Months since year 0 (``year * 12 + month - 1``)."""
    return d.year * 12 + d.month - 1


def month_from_index(i: int) -> date:
    """First day of the month with :func:`month_index` ``i``."""
    return date(i // 12, i % 12 + 1, 1)


def age_on(birth_date: date, d: date) -> int:
    """Age in whole years on day ``d``."""
    return d.year - birth_date.year - ((d.month, d.day) < (birth_date.month, birth_date.day))
