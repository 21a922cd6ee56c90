"""Step 4 (trends): pathways -> monthly instroom / voorraad / uitstroom per level, SPC, comparison.

Everything here is pure: frames in, frames out, nothing suppressed yet (that happens once, in
:mod:`kit.outputs` or the notebook sections). Months are ``"JJJJ-MM"`` strings. Counts are
*trajecten* (one toewijzing for one child at one aanbieder); the ``*_kinderen`` series count
distinct children.

- **Waiting list at month end** (:mod:`kit.trends.spells`): the waiting list of the
  ``toewijzing_start`` definition in ``kit/waiting_times.yaml`` (:func:`kit.waits.waiting_list`),
  so the list at the peildatum is notebook 02's momentopname. A toewijzing is on the list at
  month end *e* when ``in <= e < uit``.
- **Monthly series and stock-flow** (:mod:`kit.trends.series`): ``wachtlijst(t) =
  wachtlijst(t-1) + instroom - gestart - ingetrokken - verschil``.
- **Provisional months** (:mod:`kit.trends.provisional`): from each message's own lag.
- **SPC** (:mod:`kit.trends.spc`): XmR charts with the Making Data Count rules.
- **Fair comparison**: funnel limits for shares (:mod:`kit.trends.funnels`); rates per 1,000
  jeugdigen (:mod:`kit.trends.rates`).
- **Beschikbaarheidswijzer**, **queueing indicators** and Little's law (:mod:`kit.trends.queue`).
- Everything at once: :func:`compute_trends` (:mod:`kit.trends.compute`).
"""

from __future__ import annotations

from kit.trends.compute import (
    Trends,
    compute_trends,
    shared_tables,
)
from kit.trends.funnels import (
    FLAG_INDICATORS,
    FUNNEL_DIRECTION,
    FUNNEL_INDICATORS,
    FUNNEL_PROTECTION,
    FUNNEL_Z,
    auto_305_records,
    funnel,
    funnel_counts,
    funnel_lines,
    late_305_records,
)
from kit.trends.months import (
    LEVELS,
    ONBEKEND,
    REGIO,
    NoTrendsError,
    last_complete_month,
    month_span,
)
from kit.trends.provisional import (
    completeness,
    flag_provisional,
    last_complete,
    message_lags,
)
from kit.trends.queue import (
    LITTLE_PROTECTION,
    QUEUE_PROTECTION,
    WIJZER_PROTECTION,
    QueueSettings,
    availability,
    littles_law,
    queue_indicators,
    wait_text,
)
from kit.trends.rates import (
    POPULATION_COLUMNS,
    RATE_SERIES,
    population_rates,
    read_population,
)
from kit.trends.series import (
    SERIES,
    SERIES_PROTECTION,
    SERIES_TOTALS,
    STOCK_FLOW_PROTECTION,
    STOP_REASONS,
    STOPS_TOTALS,
    measured_waits,
    monthly_series,
    series_direction,
    series_label,
    series_messages,
    stock_flow,
    wait_durations,
)
from kit.trends.spc import (
    MR_SCREEN,
    SPC_PROTECTION,
    XMR_LIMIT,
    SpcRules,
    spc_series,
    xmr,
)
from kit.trends.spells import (
    care_spells,
    waiting_spells,
)

__all__ = [
    "LEVELS",
    "REGIO",
    "ONBEKEND",
    "last_complete_month",
    "NoTrendsError",
    "month_span",
    "waiting_spells",
    "care_spells",
    "SERIES_TOTALS",
    "STOPS_TOTALS",
    "SERIES_PROTECTION",
    "STOCK_FLOW_PROTECTION",
    "SERIES",
    "STOP_REASONS",
    "series_label",
    "series_direction",
    "series_messages",
    "monthly_series",
    "wait_durations",
    "measured_waits",
    "stock_flow",
    "message_lags",
    "completeness",
    "last_complete",
    "flag_provisional",
    "SPC_PROTECTION",
    "XMR_LIMIT",
    "MR_SCREEN",
    "SpcRules",
    "xmr",
    "spc_series",
    "RATE_SERIES",
    "POPULATION_COLUMNS",
    "read_population",
    "population_rates",
    "FUNNEL_PROTECTION",
    "FUNNEL_Z",
    "funnel",
    "funnel_lines",
    "FUNNEL_INDICATORS",
    "FUNNEL_DIRECTION",
    "FLAG_INDICATORS",
    "funnel_counts",
    "auto_305_records",
    "late_305_records",
    "LITTLE_PROTECTION",
    "WIJZER_PROTECTION",
    "QUEUE_PROTECTION",
    "availability",
    "wait_text",
    "QueueSettings",
    "queue_indicators",
    "littles_law",
    "Trends",
    "compute_trends",
    "shared_tables",
]
