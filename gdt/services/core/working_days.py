"""Deadlines run in Dutch working days: weekends, public holidays and configured closing days don't count.

The holidays are those of the Algemene termijnenwet (art. 3), the law that extends statutory deadlines:
the `holidays` package's Dutch list without Good Friday (a working day for the municipality), plus
5 May every year. A municipality that closes on Good Friday lists it among its extra days.
"""
import functools
import zoneinfo
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta

import holidays

AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")
_ONE_DAY = timedelta(days=1)


class WorkingCalendar:
    def __init__(self, extra_days: Iterable[date] = ()):
        # Extra days are the municipality's own closing days, on top of the national ones.
        self._extra_days = frozenset(extra_days)
        self._by_year: dict[int, frozenset[date]] = {}

    def _holidays(self, year: int) -> frozenset[date]:
        # One frozen set per year: built once, then read-only, so sharing it between threads is safe.
        if year not in self._by_year:
            self._by_year[year] = frozenset(_national_holidays(year, "en_US"))
        return self._by_year[year]

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self._holidays(day.year) and day not in self._extra_days

    def _next_working_day(self, day: date) -> date:
        while not self.is_working_day(day):
            day += _ONE_DAY
        return day

    def add_working_days(self, start: datetime, days: int) -> datetime:
        if days < 0:
            raise ValueError("days must not be negative")
        day = _local_date(start)
        if days == 0:
            return _end_of_day(self._next_working_day(day))
        # The start day never counts: a request on Monday with one day to go is due Tuesday.
        for _ in range(days):
            day = self._next_working_day(day + _ONE_DAY)
        return _end_of_day(day)

    def add_weeks_to_working_day(self, start: datetime, weeks: int) -> datetime:
        if weeks < 0:
            raise ValueError("weeks must not be negative")
        day = _local_date(start) + timedelta(weeks=weeks)
        return _end_of_day(self._next_working_day(day))

    def days_back(self, end: date, working_days: int) -> date:
        """The earliest day `start` with working_days_between(start, end) <= `working_days`: anything received
        before it is more than `working_days` working days old on `end`."""
        if working_days < 0:
            raise ValueError("working_days must not be negative")
        day, counted = end, 0
        while counted + self.is_working_day(day) <= working_days:
            counted += self.is_working_day(day)
            day -= _ONE_DAY
        return day

    def working_days_between(self, start: date, end: date) -> int:
        count, day = 0, start + _ONE_DAY
        while day <= end:
            count += self.is_working_day(day)
            day += _ONE_DAY
        return count


def holiday_name(day: date, language: str = "nl") -> str | None:
    """The name of the public holiday on `day` that deadlines skip ("Tweede kerstdag", "Bevrijdingsdag"), or None:
    the termijnenwet's list as the calendar counts it, so never Good Friday. `language`: "nl" or "en_US"."""
    return _national_holidays(day.year, language).get(day)


@functools.cache
def _national_holidays(year: int, language: str) -> dict[date, str]:
    named = holidays.Netherlands(years=year, language=language)
    good_friday = {day for day, name in holidays.Netherlands(years=year, language="en_US").items()
                   if name == "Good Friday"}
    found = {day: name for day, name in named.items() if day not in good_friday}
    # The library has Bevrijdingsdag only in lustrum years; the termijnenwet counts it every year.
    found.setdefault(date(year, 5, 5), "Liberation Day" if language.startswith("en") else "Bevrijdingsdag")
    return found


def _local_date(moment: datetime) -> date:
    # A naive datetime would silently be read as the server's local time, so refuse it.
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("start must be a timezone-aware datetime")
    # Days are Amsterdam days: 23:30 UTC on 31 March is already 1 April for the citizen.
    return moment.astimezone(AMSTERDAM).date()


def today() -> date:
    """Today as the municipality counts days: in Amsterdam, whatever the server's own time zone."""
    return _local_date(datetime.now(UTC))


def start_of_day(day: date) -> datetime:
    """Local midnight at the start of `day`, as an aware UTC moment."""
    return datetime.combine(day, time(), tzinfo=AMSTERDAM).astimezone(UTC)


def _end_of_day(day: date) -> datetime:
    # A deadline lasts the whole local day; stored in UTC like every other timestamp.
    return datetime.combine(day, time(23, 59, 59), tzinfo=AMSTERDAM).astimezone(UTC)
