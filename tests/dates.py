"""Days as the application counts them: Amsterdam days, not the test machine's (a run at 23:30 UTC is already
tomorrow in Amsterdam), and deadlines stored as the end of a local day."""
from datetime import UTC, date, datetime, time, timedelta

from gdt.services.core.working_days import AMSTERDAM, WorkingCalendar

CALENDAR = WorkingCalendar()


def today() -> date:
    return datetime.now(UTC).astimezone(AMSTERDAM).date()


def end_of(day: date) -> datetime:
    return datetime.combine(day, time(23, 59, 59), tzinfo=AMSTERDAM).astimezone(UTC)


def due_in(working_days: int) -> datetime:
    """The end of the first day that many working days after today (negative: before; 0: today)."""
    start = day = today()
    step = timedelta(days=1 if working_days >= 0 else -1)
    while working_days:
        day += step
        counted = (CALENDAR.working_days_between(start, day) if working_days > 0
                   else CALENDAR.working_days_between(day, start))
        if counted == abs(working_days):
            break
    return end_of(day)
