"""诉求闭环 (appeal closed loop): intake from every channel → dispatch → sign → first contact → handling → reply →
rating/revisit → close → ledger strike-off, with working-day SLAs, the 催办→督办→通报 ladder, metrics and Open311.

Map: `choices.py` (states, actions) · `workflow.py` (transitions as data) · `sla.py` (deadlines, clock, ladder) ·
`classifier.py` (dispatch suggestion; the 派单目录 line valid on the day, `selectors.route_department_id`) · `metrics.py` (versioned formulas, anomaly flags) · `assessment.py` (综合考评
weights and ranks) · `topics.py` (hot topics, duplicates) · `masking.py` · `uploads.py` · `importing.py` (12345 rows)
— all pure; `captcha.py` (public-form captcha and rate limit); `models.py` · `inserts.py` (one-row INSERT
without the ORM's per-save compile, for intake and timeline rows; intake skips unique conflicts and
`services._earlier_filing` tells a repeat or a re-imported 工单号 from a tracking number drawn twice) · `services.py` (use cases, sweeper) · `selectors.py` (routing, ledgers, statistics) · `access.py` · `actions.py` (action by name
for pages and API) · `views.py` · `api.py` · `open311.py` (see OPEN311.md) · `tasks.py` · `demo_setup.py`.
"""
